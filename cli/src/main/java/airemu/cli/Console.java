package airemu.cli;

import airemu.core.LogRecord;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/**
 * Prints the device's log stream on the terminal, each line prefixed LuaTools-style with the host's
 * wall clock and the device's uptime: {@code [2026-08-03 10:00:00.123][00000000.512] I/user.main hi}.
 */
final class Console {
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS").withZone(ZoneId.systemDefault());

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

  static String prefix(long wallMillis, long uptimeMillis) {
    return "[" + TIME.format(Instant.ofEpochMilli(wallMillis)) + "]["
        + String.format("%08d.%03d", uptimeMillis / 1000, uptimeMillis % 1000) + "] ";
  }

  private final PrintWriter out;
  private final boolean prefixed;
}
