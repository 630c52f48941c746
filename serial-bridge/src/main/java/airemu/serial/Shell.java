package airemu.serial;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * The part of the LuatOS firmware shell ({@code components/shell/luat_shell.c}) that a log port
 * answers: line commands ending in CR or LF, replies ending in CRLF.
 *
 * <table>
 *   <caption>Commands (case-insensitive)</caption>
 *   <tr><th>line</th><th>reply</th></tr>
 *   <tr><td>{@code AT}</td><td>{@code OK}</td></tr>
 *   <tr><td>{@code ATI...}</td><td>the banner, e.g. {@code LuatOS-SoC_V2050_EC718PM}</td></tr>
 *   <tr><td>{@code ATE0} / {@code ATE1}</td><td>{@code OK}; echo off / on</td></tr>
 *   <tr><td>{@code AT+RESET...}, {@code AT+ECRST...}</td><td>{@code OK}, then the reset callback</td></tr>
 *   <tr><td>{@code AT+CGSN...}</td><td>{@code +CGSN=<unique id>}</td></tr>
 *   <tr><td>anything else</td><td>{@code ERR}</td></tr>
 * </table>
 *
 * <p>With echo on (the firmware's default) each command line is sent back before its reply, as the
 * firmware does. A 0xA5-framed SOC command (the probe luatos-cli sends to EC7xx and CCM4211 debug
 * ports) is skipped whole when it starts a line; a text line can contain 0xA5 (it is in UTF-8 Chinese),
 * so only a frame at a line start counts. Thread-safe: clients of several transports may type at once.
 */
final class Shell implements FromHost {
  /** Longer lines are answered with ERR, like a firmware whose receive buffer overflowed. */
  static final int MAX_LINE = 1024;
  /** A SOC frame longer than this was not one: go back to reading lines. */
  static final int MAX_FRAME = 4096;
  static final int SOC_FLAG = 0xA5;

  Shell(String banner, String uniqueId, Runnable onReset, boolean echo, Consumer<byte[]> toHost) {
    this.banner = banner;
    this.uniqueId = uniqueId;
    this.onReset = onReset;
    this.echo = echo;
    this.toHost = toHost;
  }

  @Override
  public synchronized void fromHost(byte[] bytes) {
    for (byte value : bytes) {
      int b = value & 0xff;
      if (frameLength >= 0) {
        if (b == SOC_FLAG || ++frameLength > MAX_FRAME) frameLength = -1;
      } else if (b == SOC_FLAG && lineLength == 0) {
        frameLength = 0;
      } else if (b == '\r' || b == '\n') {
        if (lineLength > 0) execute();
        lineLength = 0;
      } else if (lineLength < line.length) {
        line[lineLength++] = value;
      } else {
        lineLength = line.length + 1; // overflowed: remembered until the line ends
      }
    }
  }

  private void execute() {
    if (lineLength > line.length) {
      reply("ERR");
      return;
    }
    String text = new String(line, 0, lineLength, StandardCharsets.ISO_8859_1);
    if (echo) reply(text);
    String cmd = text.trim().toUpperCase(Locale.ROOT);
    if (cmd.equals("AT")) {
      reply("OK");
    } else if (cmd.startsWith("ATI")) {
      reply(banner);
    } else if (cmd.equals("ATE0") || cmd.equals("ATE1")) {
      echo = cmd.equals("ATE1");
      reply("OK");
    } else if (cmd.startsWith("AT+RESET") || cmd.startsWith("AT+ECRST")) {
      reply("OK"); // before the reset, as the firmware does
      onReset.run();
    } else if (cmd.startsWith("AT+CGSN")) {
      reply("+CGSN=" + uniqueId);
    } else {
      reply("ERR");
    }
  }

  private void reply(String text) {
    toHost.accept((text + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
  }

  private final String banner;
  private final String uniqueId;
  private final Runnable onReset;
  private final Consumer<byte[]> toHost;
  private final byte[] line = new byte[MAX_LINE];
  private int lineLength; // MAX_LINE + 1 once the line overflowed
  private int frameLength = -1; // bytes of the SOC frame being skipped; -1 when reading lines
  private boolean echo;
}
