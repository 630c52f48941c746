package airemu.serial;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * The part of the LuatOS firmware shell ({@code components/shell/luat_shell.c}, {@code luat_shell_exec}
 * and the {@code cmd_regs} table) that a log port answers.
 *
 * <p>The firmware takes each burst the UART received as one command: with echo on it writes the burst
 * back followed by {@code \r\n}, then compares the burst's start, case-sensitively, with each prefix
 * of its table in order and runs the first that matches; with none it answers {@code ERR\r\n}. Bursts
 * have no meaning on a pty or a socket (the kernel and TCP split and join writes as they like), so here
 * a command is a line as received: its bytes up to and including the CR, LF or CRLF that ends it. A
 * terminal that sends a whole command at once (LuaTools, a script) gets the firmware's exact bytes.
 *
 * <table>
 *   <caption>Commands, in the firmware's matching order</caption>
 *   <tr><th>line starts with</th><th>reply</th></tr>
 *   <tr><td>{@code ATI}, {@code ati}</td><td>the banner, e.g. {@code LuatOS-SoC_V2050_EC718PM\r\n}</td></tr>
 *   <tr><td>{@code AT+RESET}, {@code at+ecrst}, {@code AT+ECRST}</td><td>{@code OK\r\n}, then the reset</td></tr>
 *   <tr><td>{@code AT\r}, {@code AT\n}</td><td>{@code OK\r\n}</td></tr>
 *   <tr><td>{@code ATE}</td><td>{@code OK\r\n}; echo on if the line's fifth byte is {@code 1}, else off</td></tr>
 *   <tr><td>{@code free}, {@code lsdir }, {@code fread }, {@code fwrite }</td><td>the device answers
 *       ({@link ShellCommand})</td></tr>
 *   <tr><td>{@code AT+CGSN}</td><td>{@code +CGSN=<unique id in hex>\n} (a bare LF, as the firmware)</td></tr>
 *   <tr><td>anything else, an empty line too</td><td>{@code ERR\r\n}</td></tr>
 * </table>
 *
 * <p>The commands the device answers are answered on its own thread, when its VM next takes a message
 * (the firmware runs them in its shell task); a command sent right behind one of them in the same
 * write may be answered first. The firmware would not answer it at all: it takes a whole burst as one
 * command.
 *
 * <p>{@code ATE} follows today's firmware, whose {@code cmd_ate} reads the fifth byte: so {@code ATE0\r\n}
 * and also {@code ATE1\r\n} turn echo off (the fifth byte is the CR), and only a line such as
 * {@code ATE 1} turns it on; older firmware compared {@code ATE1} whole. {@code loadstr}, {@code ry},
 * {@code sntp} and {@code ping} exist only in builds with LOADSTR, YMODEM, SNTP or PING, and answer
 * {@code ERR} here as on a build without them. {@code AT+CMUX=1,0,5} is in every build: the firmware
 * answers {@code OK} and from then on speaks 27.010 multiplexing on the port. airemu does not, so it
 * answers {@code ERR} rather than an {@code OK} that would send the client into a protocol nobody speaks.
 *
 * <p>A 0xA5-framed SOC command (the probe luatos-cli sends to EC7xx and CCM4211 debug ports) is skipped
 * whole when it starts a line; a text line can contain 0xA5 (it is in UTF-8 Chinese), so only a frame
 * at a line start counts. Thread-safe: clients of several transports may type at once.
 */
final class Shell implements FromHost {
  /** Longer lines are answered with ERR, like a firmware whose receive buffer overflowed. */
  static final int MAX_LINE = 1024;
  /** A SOC frame longer than this was not one: go back to reading lines. */
  static final int MAX_FRAME = 4096;
  static final int SOC_FLAG = 0xA5;

  Shell(String banner, String uniqueId, Runnable onReset, boolean echo, Consumer<ShellCommand> device,
      Consumer<byte[]> toHost) {
    this.banner = banner;
    this.uniqueId = uniqueId;
    this.onReset = onReset;
    this.echo = echo;
    this.device = device;
    this.toHost = toHost;
  }

  @Override
  public synchronized void fromHost(byte[] bytes) {
    for (int i = 0; i < bytes.length; i++) {
      int b = bytes[i] & 0xff;
      if (lfEndsLastLine) {
        lfEndsLastLine = false;
        if (b == '\n') continue; // the LF of a CRLF that arrived in two pieces
      }
      if (frameLength >= 0) {
        if (b == SOC_FLAG || ++frameLength > MAX_FRAME) frameLength = -1;
      } else if (b == SOC_FLAG && lineLength == 0) {
        frameLength = 0;
      } else {
        append(bytes[i]);
        if (b == '\r' && i + 1 < bytes.length && bytes[i + 1] == '\n') append(bytes[++i]);
        else if (b == '\r') lfEndsLastLine = true;
        if (b == '\r' || b == '\n') {
          execute();
          lineLength = 0;
        }
      }
    }
  }

  private void append(byte b) {
    if (lineLength < line.length) line[lineLength] = b;
    lineLength++; // counts on past the buffer, so an overflowed line is remembered until it ends
  }

  private void execute() {
    if (lineLength > line.length) {
      write("ERR\r\n");
      return;
    }
    byte[] chunk = Arrays.copyOf(line, lineLength);
    if (echo) {
      toHost.accept(chunk);
      write("\r\n");
    }
    if (startsWith(chunk, "ATI") || startsWith(chunk, "ati")) {
      write(banner + "\r\n");
    } else if (startsWith(chunk, "AT+RESET") || startsWith(chunk, "at+ecrst") || startsWith(chunk, "AT+ECRST")) {
      write("OK\r\n"); // before the reset, as the firmware does
      onReset.run();
    } else if (startsWith(chunk, "AT\r") || startsWith(chunk, "AT\n")) {
      write("OK\r\n");
    } else if (startsWith(chunk, "ATE")) {
      if (chunk.length > 4) { // luat_shell.c cmd_ate: uart_buff[4] == '1'
        echo = chunk[4] == '1';
        write("OK\r\n");
      }
    } else if (startsWith(chunk, "free")) {
      device.accept(new ShellCommand(ShellCommand.Kind.FREE, null, toHost));
    } else if (startsWith(chunk, "AT+CGSN")) {
      write("+CGSN=" + uniqueId + "\n");
    } else if (startsWith(chunk, "lsdir ")) {
      device.accept(new ShellCommand(ShellCommand.Kind.LSDIR, pathArgument(chunk), toHost));
    } else if (startsWith(chunk, "fread ")) {
      device.accept(new ShellCommand(ShellCommand.Kind.FREAD, pathArgument(chunk), toHost));
    } else if (startsWith(chunk, "fwrite ")) {
      device.accept(new ShellCommand(ShellCommand.Kind.FWRITE, null, toHost));
    } else {
      write("ERR\r\n");
    }
  }

  /**
   * The path as {@code cmd_lsdir} and {@code cmd_fread} cut it: a CR in the last or second-to-last
   * byte ends the string there, then the second space-separated token is the path. So after a bare
   * LF the LF stays in the path, and such a path is not found, as on the module.
   */
  static String pathArgument(byte[] chunk) {
    int end = chunk.length;
    if (end >= 2 && chunk[end - 2] == '\r') end = end - 2;
    else if (end >= 1 && chunk[end - 1] == '\r') end = end - 1;
    for (int i = 0; i < end; i++) {
      if (chunk[i] == 0) end = i; // a C string
    }
    int i = 0;
    while (i < end && chunk[i] == ' ') i++;
    while (i < end && chunk[i] != ' ') i++; // the command itself
    while (i < end && chunk[i] == ' ') i++;
    int from = i;
    while (i < end && chunk[i] != ' ') i++;
    return from == i ? null : new String(chunk, from, i - from, StandardCharsets.UTF_8);
  }

  private static boolean startsWith(byte[] chunk, String prefix) {
    if (chunk.length < prefix.length()) return false;
    for (int i = 0; i < prefix.length(); i++) {
      if (chunk[i] != (byte) prefix.charAt(i)) return false;
    }
    return true;
  }

  private void write(String text) {
    toHost.accept(text.getBytes(StandardCharsets.ISO_8859_1));
  }

  private final String banner;
  private final String uniqueId;
  private final Runnable onReset;
  private final Consumer<ShellCommand> device; // answers free, lsdir, fread, fwrite
  private final Consumer<byte[]> toHost;
  private final byte[] line = new byte[MAX_LINE];
  private int lineLength; // may exceed MAX_LINE: the line overflowed
  private int frameLength = -1; // bytes of the SOC frame being skipped; -1 when reading lines
  private boolean lfEndsLastLine; // the last line ended in a CR at the end of a burst
  private boolean echo;
}
