package airemu.lua;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Number formatting against values measured on the official LuatOS simulator (first test) and a matrix
 * derived from the firmware's printf (printf-matrix.tsv: input, then the eight formats of the header).
 */
class PrintfTest {

  @Test
  void measuredOnTheSimulator() {
    assertEquals("2.5000000000000", Printf.luaNumber(2.5));
    assertEquals("5.0000000000000", Printf.luaNumber(10.0 / 2));
    assertEquals("0.33333333300000", Printf.luaNumber(1.0 / 3));
    assertEquals("10.0000000000000e+14", Printf.luaNumber(1e15));
    assertEquals("9.0071992550000e+15", Printf.luaNumber(Math.pow(2, 53)));
    assertEquals("11.000000000000", Printf.luaNumber(11.0));
    assertEquals("15.000000000000", Printf.luaNumber(15.0));
    assertEquals("0.0000000000000e-308", Printf.luaNumber(-0.0));
    assertEquals("0.9999999860000e-05", Printf.luaNumber(1e-5));
    assertEquals("10.000000e+14", format('g', 0, 0, 0, 1e15));
  }

  @Test
  void theTieOverflowBugIsReproduced() {
    assertEquals("00000000000000000000000000000010", format('f', Printf.PRECISION, 0, 1, 0.95));
    assertEquals("00000000000000000100000000000000.0", Printf.luaNumber(0.9999999995));
  }

  @Test
  void integersFollowTheFirmwareNtoa() {
    assertEquals("  -42", formatInt('d', 0, 5, 0, -42));
    assertEquals("-0042", formatInt('d', Printf.ZEROPAD, 5, 0, -42));
    assertEquals("-042", formatInt('d', Printf.PRECISION, 0, 3, -42));
    assertEquals("    -042", formatInt('d', Printf.PRECISION, 8, 3, -42));
    assertEquals("0xff", formatInt('x', Printf.HASH, 0, 0, 255));
    assertEquals("0377", formatInt('o', Printf.HASH, 0, 0, 255));
    assertEquals("FF", formatInt('X', 0, 0, 0, 255));
    assertEquals("ffffffffffffffff", formatInt('x', 0, 0, 0, -1));
    assertEquals("-9223372036854775808", formatInt('d', 0, 0, 0, Long.MIN_VALUE));
    assertEquals("000ff", formatInt('x', Printf.ZEROPAD, 5, 0, 255));
  }

  @ParameterizedTest(name = "{0} with {1}")
  @MethodSource("matrix")
  void matrixRow(String input, String format, String expected) {
    double v = eval(input);
    String actual;
    if (format.equals("tostring")) {
      actual = Printf.luaNumber(v);
    } else {
      Spec s = Spec.parse(format);
      actual = format(s.conv, s.flags, s.width, s.prec, v) + s.suffix;
    }
    assertEquals(expected, actual);
  }

  static Stream<Arguments> matrix() throws Exception {
    List<Arguments> rows = new ArrayList<>();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(
        PrintfTest.class.getResourceAsStream("printf-matrix.tsv"), StandardCharsets.UTF_8))) {
      String[] header = r.readLine().split("\t");
      for (String line; (line = r.readLine()) != null; ) {
        String[] cells = line.split("\t");
        for (int i = 1; i < header.length; i++) {
          rows.add(Arguments.of(cells[0], header[i], cells[i].substring(1, cells[i].length() - 1)));
        }
      }
    }
    return rows.stream();
  }

  private static String format(char conv, int flags, int width, int prec, double v) {
    StringBuilder sb = new StringBuilder();
    Printf.formatDouble(sb, conv, flags, width, prec, v);
    return sb.toString();
  }

  private static String formatInt(char conv, int flags, int width, int prec, long v) {
    StringBuilder sb = new StringBuilder();
    Printf.formatInteger(sb, conv, flags, width, prec, v);
    return sb.toString();
  }

  /** The few Lua expressions the matrix uses. */
  private static double eval(String e) {
    return switch (e) {
      case "1/3" -> 1.0 / 3;
      case "2/3" -> 2.0 / 3;
      case "math.huge" -> Double.POSITIVE_INFINITY;
      case "-math.huge" -> Double.NEGATIVE_INFINITY;
      case "0/0" -> Double.NaN;
      case "2^32" -> Math.pow(2, 32);
      default -> Double.parseDouble(e);
    };
  }

  private record Spec(char conv, int flags, int width, int prec, String suffix) {
    static Spec parse(String f) {
      int i = 1, flags = 0, width = 0, prec = 0;
      for (; "-+ #0".indexOf(f.charAt(i)) >= 0; i++) {
        flags |= switch (f.charAt(i)) {
          case '-' -> Printf.LEFT;
          case '+' -> Printf.PLUS;
          case ' ' -> Printf.SPACE;
          case '#' -> Printf.HASH;
          default -> Printf.ZEROPAD;
        };
      }
      while (Character.isDigit(f.charAt(i))) width = width * 10 + (f.charAt(i++) - '0');
      if (f.charAt(i) == '.') {
        flags |= Printf.PRECISION;
        i++;
        while (Character.isDigit(f.charAt(i))) prec = prec * 10 + (f.charAt(i++) - '0');
      }
      return new Spec(f.charAt(i), flags, width, prec, f.substring(i + 1));
    }
  }
}
