package airemu.serial;

import airemu.core.LogRecord;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.ZoneId;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * A device's log port as a module exposes it: what the device prints goes out as text lines to every
 * attached viewer (LuaTools' generic serial print, {@code luatos-cli log view}, miniterm, pyserial), and
 * what a viewer types is answered by the firmware shell ({@code AT}, {@code ATI}, {@code AT+RESET}, ...;
 * see {@link Shell}); what the shell writes never lands inside a log line.
 *
 * <p>Output is LuatOS text as the firmware prints it, with {@code \n} sent as {@code \r\n} by default
 * and an optional LuaTools timestamp before each line. The last {@link Options#backlogBytes()} of output
 * are kept and replayed to each viewer when it attaches, so one opened late still sees the boot.
 * {@link #write} never blocks: a viewer that does not read loses output (counted in
 * {@link #droppedBytes()}), the device never waits for it.
 *
 * <pre>{@code
 * LogPort port = LogPort.open(PortSpec.parseList("pty:/tmp/luat0,rfc2217:7000"),
 *     LogPort.Options.of(banner).withUniqueId(idHex).withOnReset(device::requestReboot).withDevice(device::post));
 * port.endpoints().forEach(e -> out.println("log port: " + e));
 * // in the DeviceListener: public void onLog(Device d, LogRecord r) { port.write(r); }
 * }</pre>
 */
public final class LogPort implements AutoCloseable {

  /**
   * Opens the log port on every transport in {@code specs}.
   *
   * @throws IllegalArgumentException if a spec is {@code udp:}, which only data UARTs use
   * @throws IOException if a transport cannot be opened (port in use, no such serial port); the
   *     message names the spec, and transports already opened are closed again
   */
  public static LogPort open(List<PortSpec> specs, Options options) throws IOException {
    Objects.requireNonNull(options, "options");
    for (PortSpec spec : specs) {
      if (spec.kind() == PortSpec.Kind.UDP) {
        throw new IllegalArgumentException("port spec \"" + spec + "\": udp is for data UARTs only; a log port"
            + " accepts pty, pty:PATH, tcp:[HOST:]PORT, rfc2217:[HOST:]PORT, serial:NAME[@BAUD]");
      }
    }
    LogPort port = new LogPort(options);
    port.hub.open(specs);
    return port;
  }

  /** Sends one record of the device's log stream. Any thread; never blocks. */
  public void write(LogRecord record) {
    synchronized (formatter) { // formatted in the order written, so the line state stays right
      hub.toHost(formatter.format(record.bytes(), record.wallMillis()));
      logLineOpen = !formatter.atLineStart();
      if (held.size() > 0 && !logLineOpen) {
        byte[] replies = held.toByteArray();
        held.reset();
        hub.toHost(formatter.formatRaw(replies, record.wallMillis()));
      }
    }
  }

  /** Where viewers attach, one per spec, in the order given. */
  public List<Endpoint> endpoints() {
    return hub.endpoints();
  }

  /** Output that attached viewers did not read in time, summed over all transports. */
  public long droppedBytes() {
    return hub.droppedBytes();
  }

  /** Closes every transport and removes pty symlinks; idempotent. */
  @Override
  public void close() {
    hub.close();
  }

  PortHub hub() {
    return hub;
  }

  /**
   * Sends what the shell writes. A reply never lands inside a log line: while the device's last record
   * ended mid-line (a long print arrives in pieces) it waits for the record that ends the line, unless
   * that takes more than {@link #MAX_HELD} bytes of replies, which then go out where the line stands.
   */
  private void shellOutput(byte[] bytes) {
    synchronized (formatter) {
      if (logLineOpen && held.size() + bytes.length <= MAX_HELD) {
        held.writeBytes(bytes);
        return;
      }
      // The shell answers on the host's time, as a viewer stamps what it receives.
      hub.toHost(formatter.formatRaw(bytes, System.currentTimeMillis()));
    }
  }

  /** Whether {@code \n} is sent as is or as {@code \r\n}. */
  public enum LineEnding {
    LF,
    CRLF;

    /** Parses {@code lf} or {@code crlf} (any case). */
    public static LineEnding parse(String text) {
      switch (text.trim().toLowerCase(Locale.ROOT)) {
        case "lf": return LF;
        case "crlf": return CRLF;
        default: throw new IllegalArgumentException("bad line ending \"" + text + "\": expected lf or crlf");
      }
    }
  }

  /**
   * How a log port behaves; start from {@link #of(String)} and change with the {@code with} methods.
   *
   * @param banner what {@code ATI} answers, {@code LuatOS-SoC_<version>_<bsp>}
   * @param uniqueId what {@code AT+CGSN} answers after {@code +CGSN=} (the firmware sends the chip's
   *     unique id in hex)
   * @param onReset run on {@code AT+RESET} and {@code AT+ECRST}, on an I/O thread: it must not block
   *     (e.g. {@code device::requestReboot})
   * @param lineEnding {@link LineEnding#CRLF} by default; Windows viewers expect it
   * @param timestamps prefix each line with {@code [YYYY-MM-DD HH:MM:SS.mmm] } from the record's wall
   *     clock, as LuaTools shows it; off by default, because the firmware sends none
   * @param zone the time zone of the timestamps
   * @param backlogBytes how much output to replay to a viewer that attaches (64 KiB by default; 0 = none)
   * @param echo whether shell commands are echoed at start (on, as the firmware; {@code ATE0} turns it off)
   * @param device answers the shell commands that need the device ({@code free}, {@code lsdir},
   *     {@code fread}, {@code fwrite}), on an I/O thread, so it must only hand the command over (e.g.
   *     {@code device::post}); {@link ShellCommand#UNANSWERED} by default
   */
  public record Options(String banner, String uniqueId, Runnable onReset, LineEnding lineEnding,
      boolean timestamps, ZoneId zone, int backlogBytes, boolean echo, Consumer<ShellCommand> device) {

    public static final int DEFAULT_BACKLOG = 64 * 1024;
    public static final int MAX_BACKLOG = 16 * 1024 * 1024;

    public Options {
      Objects.requireNonNull(banner, "banner");
      Objects.requireNonNull(uniqueId, "uniqueId");
      Objects.requireNonNull(onReset, "onReset");
      Objects.requireNonNull(lineEnding, "lineEnding");
      Objects.requireNonNull(zone, "zone");
      Objects.requireNonNull(device, "device");
      if (backlogBytes < 0 || backlogBytes > MAX_BACKLOG) {
        throw new IllegalArgumentException("backlogBytes must be 0.." + MAX_BACKLOG + ", not " + backlogBytes);
      }
    }

    /** The defaults, answering {@code ATI} with {@code banner}. */
    public static Options of(String banner) {
      return new Options(banner, "", () -> {}, LineEnding.CRLF, false, ZoneId.systemDefault(), DEFAULT_BACKLOG, true,
          ShellCommand.UNANSWERED);
    }

    public Options withUniqueId(String id) {
      return new Options(banner, id, onReset, lineEnding, timestamps, zone, backlogBytes, echo, device);
    }

    public Options withOnReset(Runnable action) {
      return new Options(banner, uniqueId, action, lineEnding, timestamps, zone, backlogBytes, echo, device);
    }

    public Options withLineEnding(LineEnding ending) {
      return new Options(banner, uniqueId, onReset, ending, timestamps, zone, backlogBytes, echo, device);
    }

    public Options withTimestamps(boolean on) {
      return new Options(banner, uniqueId, onReset, lineEnding, on, zone, backlogBytes, echo, device);
    }

    public Options withZone(ZoneId z) {
      return new Options(banner, uniqueId, onReset, lineEnding, timestamps, z, backlogBytes, echo, device);
    }

    public Options withBacklogBytes(int bytes) {
      return new Options(banner, uniqueId, onReset, lineEnding, timestamps, zone, bytes, echo, device);
    }

    public Options withDevice(Consumer<ShellCommand> answers) {
      return new Options(banner, uniqueId, onReset, lineEnding, timestamps, zone, backlogBytes, echo, answers);
    }

    public Options withEcho(boolean on) {
      return new Options(banner, uniqueId, onReset, lineEnding, timestamps, zone, backlogBytes, on, device);
    }
  }

  private LogPort(Options options) {
    this.formatter = new LineFormatter(options.lineEnding() == LineEnding.CRLF, options.timestamps(), options.zone());
    Shell shell = new Shell(options.banner(), options.uniqueId(), options.onReset(), options.echo(), options.device(),
        this::shellOutput);
    this.hub = new PortHub("log port", options.backlogBytes(), shell);
  }

  /** Shell output waiting for a log line to end; more than this goes out at once. */
  static final int MAX_HELD = 16 * 1024;

  private final LineFormatter formatter; // also the lock that orders writes
  private final PortHub hub;
  private final ByteArrayOutputStream held = new ByteArrayOutputStream(); // guarded by formatter
  private boolean logLineOpen; // the last record ended mid-line; guarded by formatter
}
