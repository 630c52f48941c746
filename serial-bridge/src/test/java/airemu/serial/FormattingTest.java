package airemu.serial;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import airemu.core.LogRecord;
import java.io.InputStream;
import java.net.Socket;

import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** The bytes a log port puts on the wire, and what its backlog keeps. */
class FormattingTest {
  /** 2026-01-01T00:00:00.123Z */
  static final long WALL = 1_767_225_600_123L;

  @Test
  void lfBecomesCrlfButAnExistingCrlfIsKept() {
    LineFormatter f = new LineFormatter(true, false, ZoneOffset.UTC);
    assertEquals("I/user.a 1\r\n", format(f, "I/user.a 1\n"));
    assertEquals("I/user.b 2\r\n", format(f, "I/user.b 2\r\n"));
    assertEquals("\r\n\r\n", format(f, "\n\n"));
  }

  @Test
  void lfModePassesTheFirmwareBytesThrough() {
    LineFormatter f = new LineFormatter(false, false, ZoneOffset.UTC);
    assertEquals("I/user.a \u00e4\n", format(f, "I/user.a \u00e4\n"));
  }

  @Test
  void eachLineGetsOneTimestampEvenWhenARecordEndsMidLine() {
    LineFormatter f = new LineFormatter(true, true, ZoneOffset.UTC);
    assertEquals("[2026-01-01 00:00:00.123] I/user.long first half", format(f, "I/user.long first half"));
    assertEquals(" second half\r\n", format(f, " second half\n"));
    assertEquals("[2026-01-01 00:00:00.123] a\r\n[2026-01-01 00:00:00.123] b\r\n", format(f, "a\nb\n"));
  }

  @Test
  void aShellReplyWaitsForTheLogLineItWouldCutAndKeepsItsOwnLineEnds() throws Exception {
    LogPort.Options options = Wire.options().withTimestamps(true).withZone(ZoneOffset.UTC);
    try (LogPort port = LogPort.open(PortSpec.parseList("tcp:0"), options)) {
      port.write(new LogRecord(0, WALL, bytes("I/user.long first half"))); // a long print, flushed in pieces
      port.hub().fromHost(bytes("AT+CGSN\r\n")); // answered now, on the wire once the line is whole
      port.write(new LogRecord(0, WALL, bytes(" second half\n")));
      try (Socket viewer = SocketPortTest.connect(port)) {
        InputStream in = viewer.getInputStream();
        assertEquals("[2026-01-01 00:00:00.123] I/user.long first half second half\r\n", Wire.readLine(in));
        String stamp = "\\[\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3}] ";
        assertTrue(Wire.readLine(in).matches(stamp + "AT\\+CGSN\r\n")); // the echo: the line as received
        assertTrue(Wire.readLine(in).matches(stamp + "\r\n")); // and the CRLF after it
        assertTrue(Wire.readLine(in).matches(stamp + "\\+CGSN=0123456789ABCDEF\n")); // a bare LF, untranslated
      }
    }
  }

  @Test
  void theBacklogReplaysEverythingUntilItWrapsThenOnlyWholeLines() {
    Backlog b = new Backlog(16);
    b.append(bytes("one\n"));
    b.append(bytes("two\n"));
    assertEquals("one\ntwo\n", text(b.snapshot()));
    b.append(bytes("three\n")); // 14 bytes: still fits
    assertEquals("one\ntwo\nthree\n", text(b.snapshot()));
    b.append(bytes("four\n")); // 19: "one\n" is overwritten exactly
    assertEquals("two\nthree\nfour\n", text(b.snapshot()));
    b.append(bytes("5\n")); // 21: "two\n" is torn, so it is left out
    assertEquals("three\nfour\n5\n", text(b.snapshot()));
    b.append(bytes("a chunk longer than the whole backlog\n"));
    assertEquals("", text(b.snapshot())); // its head is gone, and a torn line is worse than none
  }

  @Test
  void aZeroBacklogKeepsNothing() {
    Backlog b = new Backlog(0);
    b.append(bytes("x\n"));
    assertEquals("", text(b.snapshot()));
  }

  private static String format(LineFormatter f, String text) {
    return text(f.format(bytes(text), WALL));
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String text(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }
}
