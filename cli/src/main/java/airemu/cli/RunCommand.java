package airemu.cli;

import airemu.boards.BoardProfile;
import airemu.cli.control.ConsoleControl;
import airemu.cli.control.Controls;
import airemu.cli.control.Events;
import airemu.cli.control.HttpControl;
import airemu.cli.control.ScenarioRunner;
import airemu.config.BoardProfiles;
import airemu.config.ConfigException;
import airemu.config.Durations;
import airemu.config.Scenario;
import airemu.core.Clock;
import airemu.core.Device;
import airemu.core.DeviceListener;
import airemu.core.LogRecord;
import airemu.core.Scheduler;
import airemu.lua.DeviceSetup;
import airemu.lua.LuaFirmware;
import airemu.lua.Project;
import airemu.netif.Environment;
import airemu.netif.AccessPoint;
import airemu.netif.NetOptions;
import airemu.serial.LogPort;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code airemu run}: boots a project on an emulated board and streams the module's log until the
 * run ends (a timeout, an expected or failing line, {@code os.exit}, or a VM error).
 */
@Command(name = "run", description = {"Boots a LuatOS project on an emulated board and prints the module's log.",
    "With no PATH, runs the bundled demo. Press Ctrl-C to stop a run that has no end condition."},
    footer = {"", "Exit codes:",
        "  0  the run ended as asked: every --expect text appeared; without --expect,",
        "     the timeout passed, main.lua returned or the script called os.exit(0)",
        "  1  the script failed: a Lua VM error, a watchdog reset, a --fail line",
        "  2  a usage or configuration error (one line on stderr says what)",
        "  3  an --expect text never appeared: the timeout passed, or the VM exited",
        "     without an error first (main.lua returned)",
        "  n  the script called os.exit(n); missing --expect texts are only reported",
        "", "Examples:",
        "  airemu run",
        "      the bundled demo on the default board (Air780EPM)",
        "  airemu run --board air8101 myproject/",
        "      a project folder with main.lua, on an Air8101",
        "  airemu run --timeout 30s --expect 'connected' app/",
        "      CI: succeed once a line contains 'connected', exit 3 if none does",
        "  airemu run --fail 'E/' --timeout 1m app/",
        "      CI: fail on the first error log line",
        "  airemu run --on-crash reboot app/",
        "      reboot after a Lua error, as a module does",
        "  airemu run --host netlab.luatos.com=192.168.1.20 app/",
        "      talk to your own server instead of the embedded echo peer"})
final class RunCommand implements Callable<Integer> {
  static final String DEFAULT_ON_CRASH = "stop";
  static final String DEFAULT_WATCHDOG = "5s";
  static final String DEFAULT_LOG_PORT_EOL = "crlf";

  /**
   * Options with a value, and flags, as {@link #parseFast} knows them; a test checks this against
   * the annotations below so both parsers accept the same options.
   */
  static final java.util.Set<String> VALUE_OPTIONS = java.util.Set.of("--board", "--timeout", "--expect", "--fail",
      "--on-crash", "--watchdog", "--fs", "--log-port", "--log-port-eol", "--uart", "--host", "--echo-port", "--scenario", "--control-port",
      "--wifi", "--attach-delay");
  static final java.util.Set<String> FLAG_OPTIONS = java.util.Set.of("--plain", "--debug", "--log-port-timestamps", "--uart-udp",
      "--no-peers");

  /**
   * The common {@code run} command line without picocli, whose first parse costs more than the
   * whole start-up budget of a device (~130 ms of 150 ms on a 2-core machine). Returns null for
   * anything unusual (help, an unknown option, a missing value): picocli then parses it and writes
   * the usage or the error.
   */
  static RunCommand parseFast(String[] args, PrintWriter out, PrintWriter err) {
    RunCommand r = new RunCommand();
    r.out = out;
    r.err = err;
    boolean sawPath = false;
    for (int i = 1; i < args.length; i++) {
      String a = args[i];
      String value = null;
      if (a.startsWith("--") && a.indexOf('=') > 2) {
        value = a.substring(a.indexOf('=') + 1);
        a = a.substring(0, a.indexOf('='));
      }
      if (FLAG_OPTIONS.contains(a)) {
        if (value != null) return null;
        switch (a) {
          case "--plain" -> r.plain = true;
          case "--log-port-timestamps" -> r.logPortTimestamps = true;
          case "--uart-udp" -> r.uartUdp = true;
          case "--no-peers" -> r.noPeers = true;
          default -> r.debug = true;
        }
        continue;
      }
      if (VALUE_OPTIONS.contains(a)) {
        if (value == null) {
          if (++i >= args.length) return null;
          value = args[i];
        }
        switch (a) {
          case "--board" -> r.board = value;
          case "--timeout" -> r.timeout = value;
          case "--expect" -> r.expect.add(value);
          case "--fail" -> r.fail.add(value);
          case "--on-crash" -> r.onCrash = value;
          case "--watchdog" -> r.watchdog = value;
          case "--log-port" -> r.logPorts.add(value);
          case "--log-port-eol" -> r.logPortEol = value;
          case "--uart" -> r.uarts.add(value);
          case "--host" -> r.hosts.add(value);
          case "--scenario" -> r.scenario = Path.of(value);
          case "--echo-port", "--control-port" -> {
            int port;
            try {
              port = Integer.parseInt(value);
            } catch (NumberFormatException e) {
              return null; // picocli words the error
            }
            if (a.equals("--echo-port")) r.echoPort = port;
            else r.controlPort = port;
          }
          case "--wifi" -> r.wifi.add(value);
          case "--attach-delay" -> r.attachDelay = value;
          default -> r.fs = Path.of(value);
        }
        continue;
      }
      if (a.startsWith("-") || sawPath) return null;
      r.path = Path.of(a);
      sawPath = true;
    }
    return r;
  }

  @Spec
  CommandSpec spec;
  PrintWriter out, err; // set by the fast path; otherwise the command's own writers
  java.io.InputStream stdin; // where typed or piped commands come from (the process's stdin); null: none

  @Parameters(index = "0", arity = "0..1", paramLabel = "PATH",
      description = "A project folder containing main.lua, or a single .lua file, e.g. demo/ or test.lua. "
          + "Default: the bundled demo.")
  Path path;

  @Option(names = "--board", paramLabel = "NAME", defaultValue = BoardProfiles.DEFAULT,
      description = "A built-in board (see 'airemu boards') or the path of a board profile file, "
          + "e.g. --board air8101 or --board boards/my-780.yaml. Default: ${DEFAULT-VALUE}.")
  String board = BoardProfiles.DEFAULT;

  @Option(names = "--timeout", paramLabel = "DURATION",
      description = "End the run after this long, e.g. --timeout 30s (also 500ms, 2m, 1h). "
          + "Exit 3 if an --expect text was not seen by then, else 0.")
  String timeout;

  @Option(names = "--expect", paramLabel = "TEXT",
      description = "End the run with exit 0 once log lines containing each given TEXT have appeared (repeatable), "
          + "e.g. --expect 'I/user.main connected'. Exit 3 if the timeout passes or the VM exits first.")
  List<String> expect = new ArrayList<>();

  @Option(names = "--fail", paramLabel = "TEXT",
      description = "End the run with exit 1 as soon as a log line contains TEXT (repeatable), e.g. --fail 'E/'; "
          + "stderr names the text and the line.")
  List<String> fail = new ArrayList<>();

  @Option(names = "--plain", description = "Print log lines as the module writes them, without the prefix of wall time "
      + "and device uptime, e.g. 'I/user.main hi' instead of '[2026-08-03 10:00:00.123][00000000.512] I/user.main hi'.")
  boolean plain;

  @Option(names = "--on-crash", paramLabel = "stop|reboot", defaultValue = DEFAULT_ON_CRASH,
      description = "After a Lua VM error: 'stop' ends the run with exit 1 (default); 'reboot' restarts the project "
          + "after the board's reboot delay, as a real module does, e.g. --on-crash reboot.")
  String onCrash = DEFAULT_ON_CRASH;

  @Option(names = "--watchdog", paramLabel = "DURATION", defaultValue = DEFAULT_WATCHDOG,
      description = "Reset the VM when the script runs this long without yielding (a loop that never waits), "
          + "e.g. --watchdog 2s. Default: ${DEFAULT-VALUE}.")
  String watchdog = DEFAULT_WATCHDOG;

  @Option(names = "--fs", paramLabel = "DIR",
      description = "Keep the device's file system ('/') in DIR across runs, e.g. --fs .airemu/fs. "
          + "Default: a fresh temporary folder, deleted at the end.")
  Path fs;

  @Option(names = "--log-port", paramLabel = "SPEC",
      description = "Expose the module's log port for a log viewer or terminal (repeatable, or comma-separated): pty, "
          + "pty:PATH (a stable link to the pty), tcp:[HOST:]PORT, rfc2217:[HOST:]PORT or serial:NAME[@BAUD] "
          + "(an existing port, e.g. one end of a com0com pair), e.g. --log-port pty:./luat-log --log-port rfc2217:7000. "
          + "Where each one is is printed on stderr at start.")
  List<String> logPorts = new ArrayList<>();

  @Option(names = "--log-port-eol", paramLabel = "crlf|lf", defaultValue = DEFAULT_LOG_PORT_EOL,
      description = "Line ending on the log port, e.g. --log-port-eol lf. Default: ${DEFAULT-VALUE}.")
  String logPortEol = DEFAULT_LOG_PORT_EOL;

  @Option(names = "--log-port-timestamps",
      description = "Prefix each line on the log port with the LuaTools timestamp, e.g. '[2026-08-03 10:00:00.123] I/user.main hi'.")
  boolean logPortTimestamps;

  @Option(names = "--uart", paramLabel = "ID=SPEC",
      description = "Wire the script's uart ID to a host port (repeatable): pty, pty:PATH, tcp:[HOST:]PORT, "
          + "rfc2217:[HOST:]PORT, serial:NAME[@BAUD] or udp:[HOST:]PORT, e.g. --uart 1=tcp:9001.")
  List<String> uarts = new ArrayList<>();

  @Option(names = "--uart-udp",
      description = "Wire every uart without --uart to UDP as the LuatOS PC simulator does: uart ID receives on UDP "
          + "9000+ID and sends to 127.0.0.1:19000+ID, e.g. uart 1 listens on 9001 and answers to 19001.")
  boolean uartUdp;

  @Option(names = "--host", paramLabel = "NAME=IP",
      description = "Resolve NAME to IP (or IP,IP,... tried in order) without DNS (repeatable); wins over the "
          + "embedded peers' names, e.g. --host netlab.luatos.com=192.168.1.20 to reach your own echo server.")
  List<String> hosts = new ArrayList<>();

  @Option(names = "--echo-port", paramLabel = "PORT",
      description = "Loopback port of the embedded TCP/UDP echo peer that netlab.luatos.com leads to "
          + "(every port the script connects to there reaches it), e.g. --echo-port 41506. Default: any free port.")
  int echoPort;

  @Option(names = "--no-peers",
      description = "Start no embedded peers and map no names: netlab.luatos.com and the NTP servers are "
          + "reached on the Internet, as from a module, e.g. run --no-peers app/.")
  boolean noPeers;

  @Option(names = "--scenario", paramLabel = "FILE",
      description = "Play a timeline of network faults and actions (YAML) against the device, e.g. "
          + "--scenario flaps.yaml; see the README for the format.")
  Path scenario;

  @Option(names = "--control-port", paramLabel = "PORT",
      description = "Serve the control API on this loopback port (0: any free port, printed at start): "
          + "GET /status, POST /command (the console's commands), GET /events (a live event stream), "
          + "e.g. --control-port 7070. The same commands can always be typed, or piped, on stdin.")
  Integer controlPort;

  @Option(names = "--wifi", paramLabel = "SSID[:PASSWORD]",
      description = "The Wi-Fi networks around the device instead of the board's (repeatable): what wlan.scan finds and "
          + "wlan.connect can join, e.g. --wifi office:secret123 --wifi guest (an open network). The SSID ends at the first ':'.")
  List<String> wifi = new ArrayList<>();

  @Option(names = "--attach-delay", paramLabel = "DURATION",
      description = "How long the cellular adapter takes to attach, from boot (and after flight mode or mobile.reset) "
          + "to IP_READY, e.g. --attach-delay 500ms or --attach-delay 10s (0ms: at once). Default: 2s, about what a module takes.")
  String attachDelay;

  @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help, e.g. airemu run --help.")
  boolean help;

  @Option(names = "--debug", description = "Print airemu's own diagnostics (on stderr) and stack traces, e.g. run --debug app/.")
  boolean debug;

  @Override
  public Integer call() throws Exception {
    if (out == null) {
      out = spec.commandLine().getOut();
      err = spec.commandLine().getErr();
    }
    if (debug) Diagnostics.enableDebug();
    Device.CrashPolicy policy = switch (onCrash) {
      case "stop" -> Device.CrashPolicy.STOP;
      case "reboot" -> Device.CrashPolicy.REBOOT;
      default -> throw new ConfigException("--on-crash must be 'stop' or 'reboot', not '" + onCrash + "'");
    };
    long timeoutMillis = timeout == null ? -1 : option("--timeout", timeout);
    if (timeoutMillis == 0) throw new ConfigException("--timeout must be longer than 0ms, e.g. --timeout 30s");
    long watchdogMillis = option("--watchdog", watchdog);
    if (watchdogMillis <= 0) throw new ConfigException("--watchdog must be longer than 0ms, e.g. --watchdog 5s");
    long attachMillis = attachDelay == null ? -1 : option("--attach-delay", attachDelay);
    BoardProfile profile = BoardProfiles.find(board);
    Project project = path == null ? Demo.project() : Project.open(path);
    // a fresh folder per run, made on first use (Files.createTempDirectory would seed SecureRandom at start-up)
    Path storage = fs != null ? fs
        : Path.of(System.getProperty("java.io.tmpdir"), "airemu-fs-" + ProcessHandle.current().pid() + "-" + System.nanoTime());
    try {
      return run(profile, project, storage, policy, timeoutMillis, watchdogMillis, attachMillis);
    } finally {
      if (fs == null) deleteTree(storage);
    }
  }

  /** {@code attachMillis}: the cellular attach delay, -1 for the network's default. */
  private int run(BoardProfile profile, Project project, Path storage, Device.CrashPolicy policy, long timeoutMillis,
      long watchdogMillis, long attachMillis) throws Exception {
    Console console = new Console(out, !plain);
    RunEnd end = new RunEnd(expect, fail);
    LogPort.LineEnding eol;
    try {
      eol = LogPort.LineEnding.parse(logPortEol);
    } catch (IllegalArgumentException e) {
      throw new ConfigException("--log-port-eol must be 'crlf' or 'lf', not '" + logPortEol + "'");
    }
    Scenario timeline = scenario == null ? null : Scenario.load(scenario);
    Environment environment = DeviceSetup.calm(profile, timeline == null ? 0 : timeline.seed());
    Events[] events = new Events[1]; // made with the device, which the listener below must not wait for
    var firmware = new java.util.concurrent.atomic.AtomicReference<LuaFirmware>(); // of the current boot
    try (EmbeddedNetwork network = EmbeddedNetwork.open(hosts, echoPort, !noPeers);
        Scheduler scheduler = Scheduler.create(Clock.system(), Scheduler.defaultWorkers());
        HostPorts ports = new HostPorts(HostPorts.parseUarts(uarts), uartUdp, err)) {
      NetOptions options = attachMillis < 0 ? network.options() : network.options().withAttachDelayMillis(attachMillis);
      DeviceSetup setup = DeviceSetup.of(profile, project, storage).withUarts(ports).withNetwork(options)
          .withEnvironment(environment).withAccessPoints(accessPoints());
      Device device = scheduler.newDevice(new Device.Options(profile.id(), policy, watchdogMillis),
          d -> {
            LuaFirmware fw = LuaFirmware.forDevice(d, setup);
            firmware.set(fw);
            return fw;
          }, new DeviceListener() {
            @Override
            public void onLog(Device d, LogRecord record) {
              ports.log(record);
              console.print(record);
              if (events[0] != null) events[0].log(record);
              int stop = end.line(record.text());
              if (stop >= 0) d.stop(stop);
            }

            @Override
            public void onCrash(Device d, String reason) {
              end.vmExited();
            }

            @Override
            public void onBoot(Device d, int bootCount) {
              end.booted();
            }
          });
      if (!logPorts.isEmpty()) {
        ports.openLogPort(logPorts, eol, logPortTimestamps, profile, device, LuaFirmware.uniqueId(device.name(), profile));
      }
      ports.openUarts(device);
      Controls controls = new Controls(device, environment, () -> {
        LuaFirmware fw = firmware.get();
        return fw == null ? null : fw.network();
      });
      events[0] = new Events(device);
      events[0].follow(environment);
      events[0].subscribe(e -> {
        if (e.type().equals("network") || (e.type().equals("control") && e.text().startsWith("reboot ("))) {
          err.println(String.format("airemu: [%08d.%03d] %s", e.uptimeMillis() / 1000, e.uptimeMillis() % 1000, e.text()));
          err.flush();
        }
      });
      ScenarioRunner runner = timeline == null ? null : ScenarioRunner.prepare(timeline, controls, scheduler.timers(), events[0]);
      HttpControl http = controlPort == null ? null : HttpControl.start(controlPort, controls, events[0]);
      if (http != null) err.println("airemu: control API on http://127.0.0.1:" + http.port() + "/ (GET /status, POST /command, GET /events)");
      if (stdin != null) ConsoleControl.startOnStdin(stdin, err, controls, events[0]);
      try {
        scheduler.timers().scheduleAfter(EmbeddedNetwork.PEERS_AFTER_MILLIS, TimeUnit.MILLISECONDS, network::startPeers);
        int code = runDevice(device, runner, timeoutMillis, end);
        events[0].exit(code);
        return code;
      } finally {
        if (runner != null) runner.close();
        if (http != null) http.close();
      }
    }
  }

  private int runDevice(Device device, ScenarioRunner runner, long timeoutMillis, RunEnd end) throws Exception {
    Thread hook = new Thread(() -> device.stop(ExitCode.INTERRUPTED), "airemu-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    device.start();
    if (runner != null) runner.start();
    int code;
    try {
      int stopped;
      String timedOut = null;
      try {
        stopped = timeoutMillis < 0 ? device.stopped().get() : device.stopped().get(timeoutMillis, TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        timedOut = timeout;
        device.stop(ExitCode.OK);
        // a step stuck in one call is given up a moment after the stop (Scheduler): this cannot wait long
        stopped = device.stopped().get(5, TimeUnit.SECONDS);
      }
      code = end.finish(stopped, timedOut, err);
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // the JVM is exiting (Ctrl-C): the hook is stopping the device
      }
    }
    out.flush();
    return code;
  }

  /** {@code --wifi SSID[:PASSWORD]} as access points, or null (the board's) without the option. */
  private List<AccessPoint> accessPoints() throws ConfigException {
    if (wifi.isEmpty()) return null;
    List<AccessPoint> aps = new ArrayList<>();
    for (String w : wifi) {
      int colon = w.indexOf(':');
      try {
        aps.add(AccessPoint.of(colon < 0 ? w : w.substring(0, colon), colon < 0 ? "" : w.substring(colon + 1)));
      } catch (IllegalArgumentException e) {
        throw new ConfigException("--wifi '" + w + "': " + e.getMessage());
      }
    }
    return aps;
  }

  private static long option(String name, String value) throws ConfigException {
    try {
      return Durations.parseMillis(value);
    } catch (ConfigException e) {
      throw new ConfigException(name + ": " + e.getMessage());
    }
  }

  private static void deleteTree(Path root) {
    if (!Files.exists(root)) return;
    try (var walk = Files.walk(root)) {
      walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // a temporary folder; the OS cleans it eventually
    }
  }
}
