package airemu.cli;

import airemu.core.LogRecord;
import java.io.PrintWriter;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.TimeZone;

/**
 * Prints the device's log stream on the terminal, each line prefixed LuaTools-style with the host's
 * wall clock and the device's uptime: {@code [2026-08-03 10:00:00.123][00000000.512] I/user.main hi}.
 */
final class Console {
  Console(PrintWriter out, boolean prefixed) {
    this.out = out;
    this.prefixed = prefixed;
  }

  synchronized void print(LogRecord record) {
    String text = record.text();
    String prefix = prefixed ? prefix(record.wallMillis(), record.uptimeMillis()) : "";
    int from = 0;
    while (true) {
      int nl = text.indexOf('\n', from);
      int end = nl < 0 ? text.length() : nl;
      int visible = end > from && text.charAt(end - 1) == '\r' ? end - 1 : end;
      out.print(prefix);
      out.write(text, from, visible - from);
      out.print('\n');
      if (nl < 0) break;
      from = nl + 1;
    }
    out.flush();
  }

  /**
   * The LuaTools prefix, written digit by digit: the first line of a run is printed before anything
   * else has loaded String.format's or DateTimeFormatter's machinery, which would cost it ~30 ms.
   */
  static String prefix(long wallMillis, long uptimeMillis) {
    int offsetSeconds = ZONE.getOffset(wallMillis) / 1000;
    LocalDateTime t = LocalDateTime.ofEpochSecond(Math.floorDiv(wallMillis, 1000), 0, ZoneOffset.ofTotalSeconds(offsetSeconds));
    StringBuilder b = new StringBuilder(42).append('[');
    digits(b, t.getYear(), 4).append('-');
    digits(b, t.getMonthValue(), 2).append('-');
    digits(b, t.getDayOfMonth(), 2).append(' ');
    digits(b, t.getHour(), 2).append(':');
    digits(b, t.getMinute(), 2).append(':');
    digits(b, t.getSecond(), 2).append('.');
    digits(b, Math.floorMod(wallMillis, 1000), 3).append("][");
    digits(b, uptimeMillis / 1000, 8).append('.');
    return digits(b, uptimeMillis % 1000, 3).append("] ").toString();
  }

  /** Appends {@code v} zero-padded to at least {@code width} digits. */
  private static StringBuilder digits(StringBuilder b, long v, int width) {
    String s = Long.toString(v);
    for (int i = s.length(); i < width; i++) b.append('0');
    return b.append(s);
  }

  private static final TimeZone ZONE = TimeZone.getDefault(); // the host's, as LuaTools shows its own time

  private final PrintWriter out;
  private final boolean prefixed;
}
