package airemu.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/** airemu run as CI uses it: exit codes, output, and the option parsing of both paths. */
class RunCommandTest {
  @TempDir
  Path dir;

  private record Result(int code, String out, String err) {}

  private Result airemu(String... args) {
    StringWriter out = new StringWriter(), err = new StringWriter();
    int code = Main.execute(new PrintWriter(out), new PrintWriter(err), args);
    return new Result(code, out.toString(), err.toString());
  }

  private String project(String main) throws Exception {
    Path p = Files.createDirectories(dir.resolve("p" + System.nanoTime()));
    Files.writeString(p.resolve("main.lua"), main);
    return p.toString();
  }

  @Test
  void anExpectedLineEndsTheRunWithZeroAndTheLogIsPrefixedLikeLuaTools() throws Exception {
    Result r = airemu("run", "--expect", "I/user.main hello", project("log.info('main', 'hello') sys.run()"));
    assertThat(r.code).isEqualTo(ExitCode.OK);
    assertThat(r.out.lines().findFirst().orElseThrow())
        .matches("\\[\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3}]\\[\\d{8}\\.\\d{3}] I/main LuatOS@Air780EPM base 26\\.04 bsp V2050 64bit");
    assertThat(r.out).contains("] I/user.main hello\n");
  }

  @Test
  void plainOutputIsTheModulesLinesAsTheyAre() throws Exception {
    Result r = airemu("run", "--plain", "--board", "air8101", project("print('x', 1/3) os.exit(0)"));
    assertThat(r.code).isZero();
    assertThat(r.out.lines()).startsWith("I/main LuatOS@Air8101 base 26.04 bsp V2018 64bit").contains("x 0.33333333300000");
  }

  @Test
  void everyExpectedTextMustAppearAndTheTimeoutGivesThreeOtherwise() throws Exception {
    String p = project("log.info('a', 'one') sys.run()");
    // long enough for the boot and the first line on a loaded machine: only 'never printed' is missing
    Result r = airemu("run", "--timeout", "2s", "--expect", "I/user.a one", "--expect", "never printed", p);
    assertThat(r.code).isEqualTo(ExitCode.EXPECTED_MISSING);
    assertThat(r.err).isEqualTo("airemu: timeout after 2s before a line containing: never printed\n");
    assertThat(airemu("run", "--timeout", "200ms", p).code).isEqualTo(ExitCode.OK);
  }

  @Test
  void anExpectedTextIsNeverPassedOverByAVmThatExitsFirst() throws Exception {
    Result returned = airemu("run", "--expect", "never", project("log.info('a', 'one')"));
    assertThat(returned.code).isEqualTo(ExitCode.EXPECTED_MISSING);
    assertThat(returned.err).isEqualTo("airemu: the Lua VM exited before a line containing: never\n");
    Result crashed = airemu("run", "--expect", "never", "--expect", "again", project("error('boom')"));
    assertThat(crashed.code).isEqualTo(ExitCode.SCRIPT_FAILED);
    assertThat(crashed.err).isEqualTo("airemu: the Lua VM exited before a line containing: never, again\n");
    Result exited = airemu("run", "--expect", "never", project("os.exit(0)"));
    assertThat(exited.code).isEqualTo(ExitCode.OK); // the script chose its exit code
    assertThat(exited.err).isEqualTo("airemu: the script called os.exit(0) before a line containing: never\n");
    Result seen = airemu("run", "--expect", "I/user.a one", project("log.info('a', 'one')"));
    assertThat(seen.code).isEqualTo(ExitCode.OK);
    assertThat(seen.err).isEmpty();
  }

  @Test
  void aFailTextEndsTheRunWithOneAndStderrSaysWhichLine() throws Exception {
    Result r = airemu("run", "--plain", "--fail", "nope", "--fail", "E/", "--timeout", "30s",
        project("log.info('a', 'ok') log.error('a', 'bad') log.error('a', 'worse') sys.run()"));
    assertThat(r.code).isEqualTo(ExitCode.SCRIPT_FAILED);
    assertThat(r.out).contains("I/user.a ok\nE/user.a bad\n");
    assertThat(r.err).isEqualTo("airemu: --fail 'E/' matched: E/user.a bad\n");
  }

  @Test
  void aScriptStuckInsideOneCallStillEndsAtTheTimeout() throws Exception {
    // opening a FIFO blocks inside the C library: no VM hook runs, and the run must still end on time
    Path fs = Files.createDirectories(dir.resolve("fs"));
    Path pipe = fs.resolve("pipe");
    assertThat(new ProcessBuilder("mkfifo", pipe.toString()).inheritIO().start().waitFor()).isZero();
    try {
      // 3 s: far more than a boot to the io.open takes, even on a loaded machine
      Result r = airemu("run", "--plain", "--fs", fs.toString(), "--watchdog", "1m", "--timeout", "3s", "--expect", "opened",
          project("log.info('a', 'opening') io.open('/pipe', 'r') log.info('a', 'opened') sys.run()"));
      assertThat(r.code).isEqualTo(ExitCode.EXPECTED_MISSING);
      assertThat(r.err).isEqualTo("airemu: timeout after 3s before a line containing: opened\n");
      assertThat(r.out).endsWith("I/user.a opening\n");
    } finally {
      // lets the abandoned call return, so its thread ends; read-write, so this open never waits for a reader
      new java.io.RandomAccessFile(pipe.toFile(), "rw").close();
    }
  }

  @Test
  void aLuaErrorGivesOneAfterTheModulesErrorLines() throws Exception {
    Result r = airemu("run", "--plain", project("local x = = 1"));
    assertThat(r.code).isEqualTo(ExitCode.SCRIPT_FAILED);
    assertThat(r.out).endsWith("E/main Luat: \nE/main main.lua:1: unexpected symbol near '='\nE/main Lua VM exit!! reboot in 15000ms\n");
  }

  @Test
  void osExitGivesItsCode() throws Exception {
    assertThat(airemu("run", project("os.exit(4)")).code).isEqualTo(4);
  }

  @Test
  void usageAndConfigurationErrorsAreOneLineAndTwo() throws Exception {
    String p = project("sys.run()");
    Result board = airemu("run", "--board", "air999", p);
    assertThat(board.code).isEqualTo(ExitCode.USAGE);
    assertThat(board.err).startsWith("airemu: unknown board 'air999'; known boards: air780e,").hasLineCount(1);
    Result timeout = airemu("run", "--timeout", "soon", p);
    assertThat(timeout.err).isEqualTo("airemu: --timeout: invalid duration 'soon': write a number and a unit, such as 500ms, 30s, 2m or 1h\n");
    assertThat(timeout.code).isEqualTo(ExitCode.USAGE);
    Result missing = airemu("run", dir.resolve("nope").toString());
    assertThat(missing.code).isEqualTo(ExitCode.USAGE);
    assertThat(missing.err).contains("no such project folder or script file").hasLineCount(1);
    Result option = airemu("run", "--bogus");
    assertThat(option.code).isEqualTo(ExitCode.USAGE);
    assertThat(option.err).isEqualTo("airemu: Unknown option: '--bogus' (see 'airemu run --help')\n");
    Result value = airemu("run", "--timeout");
    assertThat(value.code).isEqualTo(ExitCode.USAGE);
    assertThat(value.err).isEqualTo("airemu: Missing required parameter for option '--timeout' (DURATION) (see 'airemu run --help')\n");
    Result zero = airemu("run", "--timeout", "0s", p);
    assertThat(zero.code).isEqualTo(ExitCode.USAGE);
    assertThat(zero.err).isEqualTo("airemu: --timeout must be longer than 0ms, e.g. --timeout 30s\n");
    Result crash = airemu("run", "--on-crash", "later", p);
    assertThat(crash.err).isEqualTo("airemu: --on-crash must be 'stop' or 'reboot', not 'later'\n");
  }

  @Test
  void theAttachDelayIsHowLongTheCellularAdapterTakesToIpReady() throws Exception {
    String p = project("""
        sys.taskInit(function()
          sys.wait(100)
          log.info("t", "after 100 ms", socket.adapter(socket.LWIP_GP))
          os.exit(0)
        end)
        sys.run()
        """);
    Result now = airemu("run", "--plain", "--attach-delay", "0ms", p);
    assertThat(now.code).isZero();
    assertThat(now.out).contains("I/user.t after 100 ms true 1\n");
    Result later = airemu("run", "--plain", "--attach-delay=300ms", p);
    assertThat(later.code).isZero();
    assertThat(later.out).contains("I/user.t after 100 ms false 1\n");
    Result bad = airemu("run", "--attach-delay", "soon", p);
    assertThat(bad.code).isEqualTo(ExitCode.USAGE);
    assertThat(bad.err).isEqualTo("airemu: --attach-delay: invalid duration 'soon': write a number and a unit, such as 500ms, 30s, 2m or 1h\n");
  }

  @Test
  void helpExplainsEveryOptionWithAnExample() {
    Result r = airemu("run", "--help");
    assertThat(r.code).isZero();
    CommandLine cl = new CommandLine(new RunCommand());
    for (OptionSpec o : cl.getCommandSpec().options()) {
      assertThat(r.out).contains(o.longestName());
      assertThat(String.join(" ", o.description())).containsPattern("e\\.g\\.");
    }
    assertThat(r.out).contains("Exit codes:", "  n  the script called os.exit(n)", "the VM exited");
    // picocli wraps at 80 columns: a longer footer line would break an example's columns
    for (CommandLine c : List.of(cl, new CommandLine(new Main()))) {
      assertThat(c.getCommandSpec().usageMessage().footer()).allSatisfy(l -> assertThat(l.length()).as(l).isLessThanOrEqualTo(80));
    }
  }

  @Test
  void theFastPathKnowsExactlyTheOptionsPicocliDeclares() {
    CommandLine cl = new CommandLine(new RunCommand());
    Set<String> flags = cl.getCommandSpec().options().stream().filter(o -> o.arity().max() == 0 && !o.usageHelp())
        .map(OptionSpec::longestName).collect(Collectors.toSet());
    Set<String> values = cl.getCommandSpec().options().stream().filter(o -> o.arity().max() > 0)
        .map(OptionSpec::longestName).collect(Collectors.toSet());
    assertThat(flags).isEqualTo(RunCommand.FLAG_OPTIONS);
    assertThat(values).isEqualTo(RunCommand.VALUE_OPTIONS);
    RunCommand fast = RunCommand.parseFast(new String[] {"run", "--board=air8000", "--expect", "a", "--expect", "b", "--plain",
        "--timeout", "1s", "--fs", "x", "p"}, null, null);
    RunCommand pico = new RunCommand();
    new CommandLine(pico).parseArgs("--board=air8000", "--expect", "a", "--expect", "b", "--plain", "--timeout", "1s", "--fs", "x", "p");
    assertThat(fast).usingRecursiveComparison().ignoringFields("spec", "out", "err", "help").isEqualTo(pico);
    assertThat(RunCommand.parseFast(new String[] {"run", "--help"}, null, null)).isNull();
    assertThat(RunCommand.parseFast(new String[] {"run", "--board"}, null, null)).isNull();
  }

  @Test
  void wifiOptionsAreTheNetworksTheDeviceSees() throws Exception {
    String p = project("""
        sys.taskInit(function()
          wlan.init()
          wlan.scan()
          sys.waitUntil("WLAN_SCAN_DONE")
          local r = wlan.scanResult()
          log.info("t", #r, r[1].ssid, r[2].ssid)
          wlan.connect("lab", "a:b:c")
          log.info("t", sys.waitUntil("WLAN_STA_INC"))
          os.exit(0)
        end)
        sys.run()
        """);
    Result r = airemu("run", "--plain", "--board", "air8101", "--wifi", "guest", "--wifi=lab:a:b:c", p);
    assertThat(r.code).isZero();
    assertThat(r.out.lines()).contains("I/user.t 2 guest lab").anyMatch(l -> l.startsWith("I/user.t true CONNECTED lab"));
    Result bad = airemu("run", "--wifi", ":secret", p);
    assertThat(bad.code).isEqualTo(ExitCode.USAGE);
    assertThat(bad.err).isEqualTo("airemu: --wifi ':secret': an SSID has 1 to 32 bytes: ''\n");
  }

  @Test
  void theLogPortIsAnnouncedAndABadSpecIsOneLine() throws Exception {
    String p = project("log.info('main', 'hi') os.exit(0)");
    Result ok = airemu("run", "--log-port", "tcp:0", "--uart", "1=tcp:0", p);
    assertThat(ok.code).isZero();
    assertThat(ok.err).containsPattern("airemu: log port at socket://127\\.0\\.0\\.1:\\d+\n")
        .containsPattern("airemu: uart1 at socket://127\\.0\\.0\\.1:\\d+\n");
    Result bad = airemu("run", "--log-port", "tcp:nope", p);
    assertThat(bad.code).isEqualTo(ExitCode.USAGE);
    assertThat(bad.err).startsWith("airemu: --log-port: bad port spec \"tcp:nope\"").hasLineCount(1);
    Result uart = airemu("run", "--uart", "x=tcp:1", p);
    assertThat(uart.err).isEqualTo("airemu: --uart x=tcp:1: write ID=SPEC, e.g. --uart 1=tcp:9001 or --uart 2=pty:./uart2\n");
  }

  @Test
  void boardsListsTheBuiltInBoards() {
    Result r = airemu("boards");
    assertThat(r.code).isZero();
    assertThat(r.out.lines()).hasSize(9)
        .anyMatch(l -> l.startsWith("air8000     EC718HM    V2050     2026-08-12 LWIP_GP LWIP_STA LWIP_AP"))
        .anyMatch(l -> l.startsWith("air780e     EC618      V1112     2024-09-03 LWIP_GP ETH0*"));
  }

  @Test
  void theBundledDemoTalksToTheEmbeddedEchoPeerAndSyncsTheClockWithoutTheInternet() {
    Result r = airemu("run", "--plain", "--timeout", "60s", "--expect", "I/user.demo echo hello 1 from airemu_demo",
        "--expect", "I/user.demo clock synced");
    assertThat(r.code).as(r.out + r.err).isEqualTo(ExitCode.OK);
    assertThat(r.out).contains("I/user.demo connected netlab.luatos.com 41506 112.125.89.8 nil nil nil\n");
  }

  @Test
  void hostEntriesPointNamesAtTheUsersOwnServers() throws Exception {
    try (airemu.netif.peers.EchoPeer echo = airemu.netif.peers.EchoPeer.start(java.net.InetAddress.getLoopbackAddress(), 0)) {
      String p = project("""
          sys.taskInit(function()
            sys.waitUntil("IP_READY")
            local netc = socket.create(nil, function(c, e, param)
              if e == socket.ON_LINE then socket.tx(c, "mine")
              elseif e == socket.EVENT then
                local ok, data = socket.read(c, 0) log.info("t", "got", data) os.exit(0)
              end
            end)
            socket.config(netc)
            socket.connect(netc, "my.server", %d)
          end)
          sys.run()
          """.formatted(echo.port()));
      Result r = airemu("run", "--plain", "--no-peers", "--timeout", "60s", "--host", "my.server=127.0.0.1", p);
      assertThat(r.code).as(r.out + r.err).isZero();
      assertThat(r.out).contains("I/user.t got mine\n");
    }
    Result bad = airemu("run", "--host", "my.server=somewhere", project("sys.run()"));
    assertThat(bad.code).isEqualTo(ExitCode.USAGE);
    assertThat(bad.err).isEqualTo("airemu: --host my.server=somewhere: 'somewhere' is not an IPv4 or IPv6 address, "
        + "e.g. --host my.server=192.168.1.20\n");
  }

  @Test
  void aScenarioPlaysDuringTheRunAndABadOneIsOneLineWithFileAndLine() throws Exception {
    Path scenario = dir.resolve("drop.yaml");
    // The run's clock is the real one, so the attach (about 2 s after boot) may come before the first
    // flap or after it. The flaps repeat further apart than an attach takes: whichever is the first
    // after the attach, the script hears it as IP_LOSE and IP_READY, and the run ends there.
    Files.writeString(scenario, """
        timeline:
          - at: 100ms         # before the attach: the modem searches until the link returns
            do: link-down
            adapter: LWIP_GP
            for: 100ms
          - at: 3s
            do: flap
            adapter: LWIP_GP
            down: 200ms
            every: 3s
            repeat: 9
        """);
    Result r = airemu("run", "--plain", "--timeout", "30s", "--scenario", scenario.toString(), "--expect", "I/user.t IP_READY 2",
        project("""
            local n = 0
            sys.subscribe("IP_READY", function(ip, a) n = n + 1 log.info("t", "IP_READY", n, a) end)
            sys.subscribe("IP_LOSE", function(a) log.info("t", "IP_LOSE", a) end)
            sys.run()
            """));
    assertThat(r.code).as(r.out + r.err).isZero();
    assertThat(r.out.lines().filter(l -> l.startsWith("I/user.t")).toList())
        .containsExactly("I/user.t IP_READY 1 1", "I/user.t IP_LOSE 1", "I/user.t IP_READY 2 1");
    List<String> notes = r.err.lines().map(l -> l.replaceAll("\\[\\d{8}\\.\\d{3}]", "[T]")).toList();
    assertThat(notes.size()).as(r.err).isGreaterThanOrEqualTo(4).isEven(); // the 'for' step, then one flap or more
    for (int i = 0; i < notes.size(); i++) {
      assertThat(notes.get(i)).isEqualTo(i % 2 == 0 ? "airemu: [T] LWIP_GP link down" : "airemu: [T] LWIP_GP link up");
    }

    Files.writeString(scenario, """
        timeline:
          - at: 1s
            do: link-down
            adapter: LWIP_STA
        """);
    Result bad = airemu("run", "--scenario", scenario.toString(), project("sys.run()"));
    assertThat(bad.code).isEqualTo(ExitCode.USAGE);
    assertThat(bad.err).isEqualTo("airemu: " + scenario + ":4:14: unknown adapter 'LWIP_STA'; this board has LWIP_GP, LWIP_ETH\n");
  }
}
