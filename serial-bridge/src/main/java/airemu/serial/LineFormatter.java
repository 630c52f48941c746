package airemu.serial;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;

/**
 * Turns the device's log bytes into what goes on the wire: {@code \n} as {@code \r\n} when asked (a
 * {@code \r\n} the device wrote stays as it is), and optionally LuaTools' timestamp
 * {@code [YYYY-MM-DD HH:MM:SS.mmm] } before each line. A record may end mid-line (LuatOS flushes long
 * prints in pieces), so the position in the line carries over from one record to the next. What the
 * firmware shell writes goes through here too, untranslated (its replies carry their own line ends),
 * so that it gets timestamps and keeps the line position right. Not thread-safe: {@link LogPort}
 * calls it under its lock.
 */
final class LineFormatter {

  LineFormatter(boolean crlf, boolean timestamps, ZoneId zone) {
    this.crlf = crlf;
    this.stamp = timestamps ? DateTimeFormatter.ofPattern("'['yyyy-MM-dd HH:mm:ss.SSS'] '").withZone(zone) : null;
  }

  /** The wire bytes for one record written at {@code wallMillis}; always a new array. */
  byte[] format(byte[] bytes, long wallMillis) {
    return format(bytes, wallMillis, crlf);
  }

  /** The wire bytes for shell output: line ends as they are, timestamps as for records. */
  byte[] formatRaw(byte[] bytes, long wallMillis) {
    return format(bytes, wallMillis, false);
  }

  /** Whether the next byte begins a line. */
  boolean atLineStart() {
    return atLineStart;
  }

  private byte[] format(byte[] bytes, long wallMillis, boolean translate) {
    byte[] prefix = null;
    byte[] out = new byte[bytes.length + bytes.length / 8 + 32];
    int n = 0;
    for (byte b : bytes) {
      if (atLineStart && stamp != null) {
        if (prefix == null) prefix = stamp.format(Instant.ofEpochMilli(wallMillis)).getBytes(StandardCharsets.US_ASCII);
        out = ensure(out, n, prefix.length);
        System.arraycopy(prefix, 0, out, n, prefix.length);
        n += prefix.length;
      }
      out = ensure(out, n, 2);
      if (b == '\n' && translate && !lastWasCr) out[n++] = '\r';
      out[n++] = b;
      atLineStart = b == '\n';
      lastWasCr = b == '\r';
    }
    return n == out.length ? out : Arrays.copyOf(out, n);
  }

  private static byte[] ensure(byte[] out, int used, int more) {
    return used + more <= out.length ? out : Arrays.copyOf(out, Math.max(out.length * 2, used + more));
  }

  private final boolean crlf;
  private final DateTimeFormatter stamp; // null: no timestamps
  private boolean atLineStart = true; // the next byte begins a line
  private boolean lastWasCr; // the previous byte was \r, so a \n after it needs no \r
}
