package airemu.cli.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import airemu.config.BoardProfiles;
import airemu.config.ConfigException;
import airemu.config.Scenario;
import airemu.core.Clock;
import airemu.core.Device;
import airemu.core.DeviceListener;
import airemu.core.LogRecord;
import airemu.core.ManualClock;
import airemu.core.Scheduler;
import airemu.core.TimerService;
import airemu.lua.DeviceSetup;
import airemu.lua.LuaFirmware;
import airemu.lua.Project;
import airemu.netif.Environment;
import airemu.netif.Fault;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command language and the scenario timeline, on an Air8000 that runs a project meanwhile. */
class ControlsTest {
  @TempDir
  Path dir;

  private Scheduler scheduler;
  private Device device;
  private Environment environment;
  private Controls controls;
  private volatile LuaFirmware firmware;
  private final List<String> changes = new CopyOnWriteArrayList<>();

  @BeforeEach
  void boot() throws Exception {
    var board = BoardProfiles.find("air8000");
    Files.writeString(dir.resolve("main.lua"), "log.info('t', 'booted') sys.run()");
    var booted = new java.util.concurrent.CountDownLatch(1);
    environment = DeviceSetup.calm(board, 7);
    environment.addListener(c -> changes.add(c.describe()));
    DeviceSetup setup = DeviceSetup.of(board, Project.open(dir), dir.resolve("fs")).withEnvironment(environment);
    scheduler = Scheduler.create(Clock.system(), 1);
    device = scheduler.newDevice(new Device.Options("dev", Device.CrashPolicy.STOP, 5000),
        d -> firmware = LuaFirmware.forDevice(d, setup), new DeviceListener() {
          @Override
          public void onLog(Device d, LogRecord record) {
            if (record.text().equals("I/user.t booted")) booted.countDown();
          }
        });
    device.start();
    assertThat(booted.await(20, TimeUnit.SECONDS)).isTrue();
    controls = new Controls(device, environment, () -> firmware == null ? null : firmware.network());
  }

  @AfterEach
  void stop() throws Exception {
    device.stop(0);
    device.stopped().get(10, TimeUnit.SECONDS);
    scheduler.close();
  }

  @Test
  void commandsChangeTheNetworkOutsideEachAdapterAndStatusShowsIt() {
    assertThat(controls.execute("link down lwip_gp")).isEqualTo("LWIP_GP link down");
    assertThat(controls.execute("fault latency LWIP_STA 300ms 50ms")).isEqualTo("LWIP_STA latency 300ms ±50ms");
    assertThat(controls.execute("fault loss LWIP_STA 20%")).isEqualTo("LWIP_STA loss 20%");
    assertThat(controls.execute("fault dns LWIP_GP timeout")).isEqualTo("LWIP_GP dns timeout");
    assertThat(controls.execute("ip change LWIP_GP 10.9.8.7")).isEqualTo("LWIP_GP ip change 10.9.8.7");
    assertThat(controls.status().lines().findFirst().orElseThrow()).matches("dev running, uptime \\d+ ms, boot 1");
    assertThat(controls.status()).contains("LWIP_GP   link down ip ready next ip 10.9.8.7, dns timeout; device: not ready")
        .contains("LWIP_STA  link up   ip ready, latency 300ms ±50ms, loss 20%; device: not ready")
        .contains("LWIP_AP   link up   ip ready; device: not ready")
        .contains("LWIP_ETH  link up   ip ready; device: not registered");
    assertThat(controls.execute("clear LWIP_STA loss")).isEqualTo("LWIP_STA clear loss");
    assertThat(controls.execute("clear LWIP_GP")).isEqualTo("LWIP_GP clear");
    assertThat(environment.link("LWIP_GP")).isTrue();
    assertThat(environment.fault("LWIP_GP", Fault.Kind.DNS)).isNull();
    assertThat(changes).containsExactly("LWIP_GP link down", "LWIP_STA fault latency 300ms ±50ms",
        "LWIP_STA fault loss 20%", "LWIP_GP fault dns timeout", "LWIP_GP ip change 10.9.8.7", "LWIP_STA clear loss",
        "LWIP_GP clear dns", "LWIP_GP link up");
  }

  @Test
  void aWrongCommandIsOneLineSayingWhatWouldBeRight() {
    assertThatThrownBy(() -> controls.execute("link sideways LWIP_GP")).hasMessage("usage: link down|up ADAPTER");
    assertThatThrownBy(() -> controls.execute("link down ETH0"))
        .hasMessage("unknown adapter 'ETH0'; this board has LWIP_GP, LWIP_STA, LWIP_AP, LWIP_ETH");
    assertThatThrownBy(() -> controls.execute("fault jam LWIP_GP"))
        .hasMessage("unknown fault 'jam'; the kinds are latency, loss, bandwidth, blackhole, dns, unreachable");
    assertThatThrownBy(() -> controls.execute("fault loss LWIP_GP 120")).hasMessage("'120' is not a percentage 0..100");
    assertThatThrownBy(() -> controls.execute("fault latency LWIP_GP soon")).hasMessageContaining("invalid duration 'soon'");
    assertThatThrownBy(() -> controls.execute("fault latency LWIP_GP 100ms 150ms"))
        .hasMessage("the jitter (150ms) must not be larger than the latency (100ms)");
    assertThatThrownBy(() -> controls.execute("ip change LWIP_GP 10.0.0")).hasMessage("'10.0.0' is not an IPv4 address, e.g. 10.1.2.3");
    assertThatThrownBy(() -> controls.execute("dance")).hasMessage("unknown command 'dance'; type 'help' for the list");
    assertThat(controls.execute("help")).contains("fault latency ADAPTER DELAY [JITTER]");
    assertThat(changes).isEmpty();
  }

  @Test
  void aScenarioPlaysItsTimelineAndUndoesEachStepAfterItsDuration() throws Exception {
    Scenario s = Scenario.parse("flaps.yaml", """
        seed: 42
        timeline:
          - at: 1s
            do: link-down
            adapter: LWIP_GP
            for: 2s
          - at: 2s
            do: flap
            adapter: LWIP_STA
            down: 500ms
            every: 1s
            repeat: 3
          - at: 2500ms
            do: latency
            adapter: LWIP_GP
            delay: 300ms
            jitter: 20ms
            for: 1s
          - at: 6s
            do: ip-change
            adapter: LWIP_GP
            ip: 10.1.2.3
        """);
    ManualClock clock = new ManualClock(0);
    try (TimerService timers = TimerService.manual(clock);
         ScenarioRunner runner = ScenarioRunner.prepare(s, controls, timers, new Events(device))) {
      runner.start();
      List<String> seen = new java.util.ArrayList<>();
      for (int t = 0; t <= 7000; t += 250) {
        timers.runDue();
        for (String c : changes) seen.add(t + " " + c);
        changes.clear();
        clock.advance(250, TimeUnit.MILLISECONDS);
      }
      assertThat(seen).containsExactly("1000 LWIP_GP link down", "2000 LWIP_STA link down", "2500 LWIP_GP fault latency 300ms ±20ms",
          "2500 LWIP_STA link up", "3000 LWIP_GP link up", "3000 LWIP_STA link down",
          "3500 LWIP_GP clear latency", "3500 LWIP_STA link up", "4000 LWIP_STA link down", "4500 LWIP_STA link up",
          "6000 LWIP_GP ip change 10.1.2.3");
      assertThat(timers.pending()).isZero();
    }
  }

  @Test
  void aScenarioNamingAnAdapterTheBoardLacksOrABadAddressIsRefusedAtTheValue() throws Exception {
    Scenario eth = Scenario.parse("eth.yaml", """
        timeline:
          - at: 1s
            do: link-down
            adapter: LWIP_GP
          - at: 2s
            do: link-down
            adapter: ETH0
        """);
    Scenario ip = Scenario.parse("ip.yaml", """
        timeline:
          - at: 1s
            do: ip-change
            adapter: LWIP_GP
            ip: 10.0.0.300
        """);
    try (TimerService timers = TimerService.manual(new ManualClock(0))) {
      assertThatThrownBy(() -> ScenarioRunner.prepare(eth, controls, timers, new Events(device)))
          .isInstanceOf(ConfigException.class)
          .hasMessage("eth.yaml:7:14: unknown adapter 'ETH0'; this board has LWIP_GP, LWIP_STA, LWIP_AP, LWIP_ETH");
      assertThatThrownBy(() -> ScenarioRunner.prepare(ip, controls, timers, new Events(device)))
          .isInstanceOf(ConfigException.class)
          .hasMessage("ip.yaml:5:9: '10.0.0.300' is not an IPv4 address, e.g. 10.1.2.3");
    }
  }

  @Test
  void theHttpApiRunsTheSameCommandsAndStreamsWhatHappens() throws Exception {
    Events events = new Events(device);
    events.follow(environment);
    try (HttpControl http = HttpControl.start(0, controls, events)) {
      var client = java.net.http.HttpClient.newHttpClient();
      String base = "http://127.0.0.1:" + http.port();
      var stream = client.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "/events")).build(),
          java.net.http.HttpResponse.BodyHandlers.ofLines());
      assertThat(stream.headers().firstValue("content-type")).hasValue("text/event-stream; charset=utf-8");

      var posted = client.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "/command"))
          .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"command\": \"link down LWIP_GP\"}")).build(),
          java.net.http.HttpResponse.BodyHandlers.ofString());
      assertThat(posted.statusCode()).isEqualTo(200);
      assertThat(posted.body()).isEqualTo("{\"ok\":true,\"output\":\"LWIP_GP link down\"}\n");

      var lines = stream.body().iterator();
      List<String> got = new java.util.ArrayList<>();
      while (got.size() < 2) {
        String line = lines.next();
        if (line.startsWith("data: ")) got.add(line.substring(6).replaceAll("\"uptime\":\\d+", "\"uptime\":T"));
      }
      assertThat(got).containsExactly(
          "{\"type\":\"network\",\"uptime\":T,\"adapter\":\"LWIP_GP\",\"text\":\"LWIP_GP link down\"}",
          "{\"type\":\"control\",\"uptime\":T,\"text\":\"link down LWIP_GP\"}");

      var status = client.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "/status")).build(),
          java.net.http.HttpResponse.BodyHandlers.ofString());
      assertThat(status.body()).matches("\\{\"device\":\\{\"name\":\"dev\",\"running\":true,\"uptime\":\\d+,\"boot\":1},"
          + "\"adapters\":\\[\\{\"adapter\":\"LWIP_GP\",\"link\":false,\"ip\":true,\"nextIp\":null,\"faults\":\\[],"
          + "\"device\":\\{\"registered\":true,\"ready\":false,\"ip\":\"0.0.0.0\"}},.*\n");

      var bad = client.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "/command"))
          .POST(java.net.http.HttpRequest.BodyPublishers.ofString("link down ETH9")).build(),
          java.net.http.HttpResponse.BodyHandlers.ofString());
      assertThat(bad.statusCode()).isEqualTo(400);
      assertThat(bad.body()).isEqualTo("{\"ok\":false,\"error\":\"unknown adapter 'ETH9'; this board has LWIP_GP, LWIP_STA, LWIP_AP, LWIP_ETH\"}\n");
      var missing = client.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "/nope")).build(),
          java.net.http.HttpResponse.BodyHandlers.ofString());
      assertThat(missing.statusCode()).isEqualTo(404);
    }
  }

  /**
   * A stream client that stops reading: the events it cannot take are counted, not queued, and once
   * it reads again it hears how many it missed, where it missed them, without waiting for another event.
   */
  @Test
  void aStreamClientThatFallsBehindIsToldHowManyEventsItMissed() throws Exception {
    // 1,000 events of 4 KB: 4 MB, twenty times what the socket buffers (the server's fixed 64 KB, the
    // client's 8 KB, each doubled by the kernel) and the stream's 64 KB high-water mark hold
    int flood = 1000;
    String filler = "x".repeat(4000);
    Events events = new Events(device);
    try (HttpControl http = HttpControl.start(0, controls, events); java.net.Socket client = new java.net.Socket()) {
      client.setReceiveBufferSize(8192);
      client.setSoTimeout(20_000); // a safety net: the stream must account for every event without more coming
      client.connect(new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), http.port()));
      client.getOutputStream().write("GET /events HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      var in = new java.io.BufferedReader(new java.io.InputStreamReader(client.getInputStream(), java.nio.charset.StandardCharsets.UTF_8));
      for (String line; !(line = in.readLine()).isEmpty(); ) { } // the head: the stream is subscribed
      for (int i = 0; i < flood; i++) events.control("e" + i + " " + filler); // nothing read meanwhile

      int next = 0, missed = 0, notices = 0; // next event expected; missed: reported since the last one delivered
      while (next + missed < flood) {
        String line = in.readLine();
        if (line.startsWith("data: {\"count\":")) {
          missed += Integer.parseInt(line.replaceAll("\\D", ""));
          notices++;
        } else if (line.startsWith("data: {\"type\":\"control\"")) {
          int i = Integer.parseInt(line.replaceFirst(".*\"text\":\"e(\\d+) .*", "$1"));
          assertThat(i - next).as("events missed before e%d", i).isEqualTo(missed);
          next = i + 1;
          missed = 0;
        }
      }
      assertThat(notices).isPositive();
      assertThat(next).isLessThan(flood); // the last ones were missed too, and reported without a later event
    }
  }

  /** What the console answers to {@code typed}, once it has read all of it. */
  private List<String> console(String typed) throws InterruptedException {
    var out = new java.io.StringWriter();
    Thread t = ConsoleControl.start(new java.io.StringReader(typed), new java.io.PrintWriter(out), controls, new Events(device));
    t.join(10_000);
    return out.toString().lines().toList();
  }

  @Test
  void typedCommandsAreAnsweredOnTheConsole() throws Exception {
    assertThat(console("fault blackhole lwip_sta\nstatus\nnonsense\n")).startsWith("airemu> LWIP_STA blackhole")
        .contains("airemu> LWIP_STA  link up   ip ready, blackhole; device: not ready")
        .endsWith("airemu> unknown command 'nonsense'; type 'help' for the list");
  }

  @Test
  void theConsoleStopsAtAnInputThatIsNoText() throws Exception {
    assertThat(console("link down lwip_gp\n\u007fELF\u0002\u0001\u0000\u0000\nlink up lwip_gp\n")).containsExactly("airemu> LWIP_GP link down",
        "airemu: stdin is closed or is not text (a NUL byte, or a line longer than any command); "
            + "the console stops reading it (commands are lines such as 'status')");
    assertThat(changes).containsExactly("LWIP_GP link down");
  }
}
