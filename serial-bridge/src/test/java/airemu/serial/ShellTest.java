package airemu.serial;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The firmware shell subset, as bytes on the wire, against {@code luat_shell.c}: case-sensitive
 * prefixes matched in the table's order, the echo of the line followed by CRLF, CGSN's bare LF.
 */
class ShellTest {
  private final ByteArrayOutputStream wire = new ByteArrayOutputStream();
  private final List<String> resets = new ArrayList<>();
  private final List<ShellCommand> asked = new ArrayList<>();
  private final Shell quiet = shell(false);

  @Test
  void commandsAndTheirReplies() {
    type(quiet, "AT\r\nati\rAT+CGSN\nATX\r\n");
    assertEquals("OK\r\n" + Wire.BANNER + "\r\n+CGSN=8675309ABC\nERR\r\n", replies());
  }

  @Test
  void prefixesAreCaseSensitiveAsInTheFirmwaresTable() {
    type(quiet, "Ati\r\nat\r\nAT \r\nat+reset\r\nAt+ecrst\r\nFREE\r\nATIxyz\r\n");
    assertEquals("ERR\r\nERR\r\nERR\r\nERR\r\nERR\r\nERR\r\n" + Wire.BANNER + "\r\n", replies());
    assertEquals(List.of(), resets);
  }

  @Test
  void cmuxIsRefusedBecauseNothingHereSpeaksIt() {
    type(quiet, "AT+CMUX=1,0,5\r\nAT\r\n"); // the firmware would answer OK and switch to 27.010 frames
    assertEquals("ERR\r\nOK\r\n", replies());
  }

  @Test
  void theEchoIsTheLineAsReceivedThenCrlf() {
    Shell shell = shell(true);
    type(shell, "ATI\r\n");
    assertEquals("ATI\r\n\r\n" + Wire.BANNER + "\r\n", replies());
    type(shell, "AT\r");
    assertEquals("AT\r\r\nOK\r\n", replies());
    type(shell, "\n"); // the LF of that CRLF, arriving later: no second command
    type(shell, "\r\n"); // an empty line is a command the firmware does not know
    assertEquals("\r\n\r\nERR\r\n", replies());
  }

  @Test
  void resetAnswersOkThenResets() {
    type(quiet, "AT+RESET\r\n");
    assertEquals("OK\r\n", replies());
    assertEquals(List.of("reset"), resets);
    type(quiet, "at+ecrst\r\nAT+ECRST\r\n");
    assertEquals(List.of("reset", "reset", "reset"), resets);
  }

  @Test
  void ateLooksAtTheFifthByteAsTodaysFirmwareDoes() {
    Shell shell = shell(true);
    type(shell, "ATE1\r\n"); // byte 4 is the CR: echo goes off, as on the module
    assertEquals("ATE1\r\n\r\nOK\r\n", replies());
    type(shell, "AT\r\n");
    assertEquals("OK\r\n", replies());
    type(shell, "ATE 1\r\n"); // byte 4 is '1'
    assertEquals("OK\r\n", replies());
    type(shell, "AT\r\nATE0\r\n");
    assertEquals("AT\r\n\r\nOK\r\nATE0\r\n\r\nOK\r\n", replies());
    type(shell, "AT\r\n");
    assertEquals("OK\r\n", replies());
  }

  @Test
  void theDeviceAnswersFreeLsdirFreadAndFwrite() {
    type(quiet, "free\r\nlsdir /luadb/\r\nfread  /a b\r\nfwrite /x 1\r\nlsdir \r\n");
    assertEquals(List.of(ShellCommand.Kind.FREE, ShellCommand.Kind.LSDIR, ShellCommand.Kind.FREAD,
        ShellCommand.Kind.FWRITE, ShellCommand.Kind.LSDIR), asked.stream().map(ShellCommand::kind).toList());
    assertNull(asked.get(0).path());
    assertEquals("/luadb/", asked.get(1).path());
    assertEquals("/a", asked.get(2).path()); // the second space-separated token, as strtok finds it
    assertNull(asked.get(4).path());
    assertEquals("", replies()); // the device replies through the command
    asked.get(0).reply("lua total=1 used=0 max_used=0\r\n");
    assertEquals("lua total=1 used=0 max_used=0\r\n", replies());
  }

  @Test
  void aPathAfterABareLfKeepsTheLfAsTheFirmwaresDoes() {
    assertEquals("/a.txt\n", Shell.pathArgument("fread /a.txt\n".getBytes(StandardCharsets.US_ASCII)));
    assertEquals("/a.txt", Shell.pathArgument("fread /a.txt\r".getBytes(StandardCharsets.US_ASCII)));
  }

  @Test
  void withoutADeviceThoseCommandsAreUnknown() {
    Shell shell = new Shell(Wire.BANNER, "", () -> {}, false, ShellCommand.UNANSWERED, wire::writeBytes);
    type(shell, "free\r\n");
    assertEquals("ERR\r\n", replies());
  }

  @Test
  void aCommandMayArriveByteByByte() {
    for (byte b : "AT+CG".getBytes(StandardCharsets.US_ASCII)) quiet.fromHost(new byte[] {b});
    type(quiet, "SN");
    type(quiet, "\r\n");
    assertEquals("+CGSN=8675309ABC\n", replies());
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
    quiet.fromHost(probe);
    type(quiet, "AT\r\n");
    assertEquals("OK\r\n", replies());
  }

  @Test
  void a0xA5InsideATextLineIsText() {
    quiet.fromHost(new byte[] {(byte) 0xE5, (byte) 0x85, (byte) 0xA5, '\r', '\n'}); // UTF-8 of U+5165
    type(quiet, "AT\r\n");
    assertEquals("ERR\r\nOK\r\n", replies());
  }

  @Test
  void anOverlongLineIsAnError() {
    type(quiet, "A".repeat(Shell.MAX_LINE + 10) + "\r\nAT\r\n");
    assertEquals("ERR\r\nOK\r\n", replies());
  }

  private Shell shell(boolean echo) {
    return new Shell(Wire.BANNER, "8675309ABC", () -> resets.add("reset"), echo, asked::add, wire::writeBytes);
  }

  private static void type(Shell shell, String text) {
    shell.fromHost(text.getBytes(StandardCharsets.ISO_8859_1));
  }

  private String replies() {
    String s = wire.toString(StandardCharsets.ISO_8859_1);
    wire.reset();
    return s;
  }
}
