package airemu.serial;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The firmware shell subset, as replies on the wire. */
class ShellTest {
  private final ByteArrayOutputStream wire = new ByteArrayOutputStream();
  private final List<String> resets = new ArrayList<>();
  private final Shell shell = new Shell(Wire.BANNER, "8675309ABC", () -> resets.add("reset"), false, wire::writeBytes);

  @Test
  void commandsAndTheirReplies() {
    type("AT\r\nati\rAT+CGSN\nATX\r\n");
    assertEquals("OK\r\n" + Wire.BANNER + "\r\n+CGSN=8675309ABC\r\nERR\r\n", replies());
  }

  @Test
  void resetAnswersOkThenResets() {
    type("AT+RESET\r\n");
    assertEquals("OK\r\n", replies());
    assertEquals(List.of("reset"), resets);
    type("at+ecrst\r\n");
    assertEquals(List.of("reset", "reset"), resets);
  }

  @Test
  void echoIsSwitchedByAte1AndAte0() {
    type("ATE1\r\nAT\r\nATE0\r\nAT\r\n");
    // ATE1's own line is not echoed (echo was off), ATE0's is (echo was still on)
    assertEquals("OK\r\nAT\r\nOK\r\nATE0\r\nOK\r\nOK\r\n", replies());
  }

  @Test
  void aCommandMayArriveByteByByteAndEmptyLinesAreIgnored() {
    for (byte b : "\r\n\r\nA".getBytes(StandardCharsets.US_ASCII)) shell.fromHost(new byte[] {b});
    type("T");
    type("\r\n");
    assertEquals("OK\r\n", replies());
  }

  @Test
  void aSocProbeFrameIsSkippedWhole() {
    // luatos-cli's GET_BASE_INFO probe: 0xA5, escaped header and CRC (0xA5 -> A6 01, 0xA6 -> A6 02), 0xA5
    byte[] probe = new byte[30];
    probe[0] = (byte) 0xA5;
    probe[5] = '\n'; // the body is binary: a newline in it is not a line end
    probe[9] = (byte) 0xA6;
    probe[10] = 0x01;
    probe[29] = (byte) 0xA5;
    shell.fromHost(probe);
    type("AT\r\n");
    assertEquals("OK\r\n", replies());
  }

  @Test
  void a0xA5InsideATextLineIsText() {
    shell.fromHost(new byte[] {(byte) 0xE5, (byte) 0x85, (byte) 0xA5, '\r', '\n'}); // UTF-8 of U+5165
    type("AT\r\n");
    assertEquals("ERR\r\nOK\r\n", replies());
  }

  @Test
  void anOverlongLineIsAnError() {
    type("A".repeat(Shell.MAX_LINE + 10) + "\r\nAT\r\n");
    assertEquals("ERR\r\nOK\r\n", replies());
  }

  private void type(String text) {
    shell.fromHost(text.getBytes(StandardCharsets.ISO_8859_1));
  }

  private String replies() {
    String s = wire.toString(StandardCharsets.ISO_8859_1);
    wire.reset();
    return s;
  }
}
