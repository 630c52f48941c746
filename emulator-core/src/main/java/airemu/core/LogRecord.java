package airemu.core;

import java.nio.charset.StandardCharsets;

/**
 * One write of the device's log stream: what a {@code print} or a firmware log call produced, as the
 * module's bytes (usually one line ending in {@code \n}), stamped with the device's uptime and wall clock.
 */
public record LogRecord(long uptimeMillis, long wallMillis, byte[] bytes) {

  /** The text without its trailing newline, decoded as UTF-8 (LuatOS strings are UTF-8). */
  public String text() {
    int end = bytes.length;
    if (end > 0 && bytes[end - 1] == '\n') end--;
    if (end > 0 && bytes[end - 1] == '\r') end--;
    return new String(bytes, 0, end, StandardCharsets.UTF_8);
  }
}
