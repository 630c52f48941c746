package airemu.cli.control;

import static org.assertj.core.api.Assertions.assertThat;

import airemu.config.BoardProfiles;
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
import airemu.netif.NetOptions;
import airemu.netif.peers.EchoPeer;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A scenario file's {@code flap} played end to end: the timeline on a clock the test moves, against
 * a project whose libnet client talks to a real echo peer. Each step of the timeline is played only
 * once the script has answered the one before, so what the script logs is the same on any machine.
 */
class ScenarioFlapTest {
  private static final String CLIENT = """
      local libnet = require "libnet"
      sys.subscribe("IP_READY", function(ip, a) log.info("net", "IP_READY", a) end)
      sys.subscribe("IP_LOSE", function(a) log.info("net", "IP_LOSE", a) end)
      sys.taskInitEx(function()
        local n, rx = 0, zbuff.create(64)
        while true do
          if not socket.adapter(socket.LWIP_GP) then
            log.info("c", "offline")
            sys.waitUntil("IP_READY")
          end
          local c = socket.create(nil, "c")
          socket.config(c)
          if libnet.connect("c", 5000, c, "127.0.0.1", PORT) then
            n = n + 1
            libnet.tx("c", 5000, c, "msg " .. n)
            while libnet.wait("c", 0, c) do
              socket.rx(c, rx)
              if rx:used() > 0 then log.info("c", "echo", rx:toStr(0, rx:used())) rx:del() end
            end
            log.info("c", "lost", n)
          end
          libnet.close("c", 5000, c)
          socket.release(c)
        end
      end, "c")
      sys.run()
      """;

  @TempDir
  Path dir;

  @Test
  void aFlapStepTakesTheLinkDownForItsDownTimeAndTheClientReconnectsEachTime() throws Exception {
    Scenario flaps = Scenario.parse("flaps.yaml", """
        timeline:
          - at: 10s
            do: flap
            adapter: LWIP_GP
            down: 2s
            every: 5s
            repeat: 3
        """);
    var board = BoardProfiles.find("air780epm");
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    AtomicReference<LuaFirmware> firmware = new AtomicReference<>(); // of the current boot
    try (EchoPeer echo = EchoPeer.start(InetAddress.getLoopbackAddress(), 0);
         Scheduler scheduler = Scheduler.create(Clock.system(), 1);
         TimerService timers = TimerService.manual(new ManualClock(0))) {
      Files.writeString(dir.resolve("main.lua"), "PORT = " + echo.port() + "\n" + CLIENT);
      Environment environment = DeviceSetup.calm(board, flaps.seed());
      DeviceSetup setup = DeviceSetup.of(board, Project.open(dir), dir.resolve("fs")).withEnvironment(environment)
          .withNetwork(NetOptions.defaults().withAttachDelayMillis(20));
      Device device = scheduler.newDevice(new Device.Options("dev", Device.CrashPolicy.STOP, 5000), d -> {
        LuaFirmware fw = LuaFirmware.forDevice(d, setup);
        firmware.set(fw);
        return fw;
      }, new DeviceListener() {
        @Override
        public void onLog(Device d, LogRecord r) {
          if (r.text().startsWith("I/user.")) lines.add(r.text().substring("I/user.".length()));
        }
      });
      Controls controls = new Controls(device, environment, () -> firmware.get() == null ? null : firmware.get().network());
      try (ScenarioRunner runner = ScenarioRunner.prepare(flaps, controls, timers, new Events(device))) {
        device.start();
        runner.start();
        assertThat(next(lines, 3)).containsExactly("c offline", "net IP_READY 1", "c echo msg 1");
        ManualClock clock = (ManualClock) timers.clock();
        for (int n = 1; n <= 3; n++) {
          clock.advance(n == 1 ? 10_000 : 3_000, TimeUnit.MILLISECONDS); // the flap's start
          assertThat(timers.runDue()).isEqualTo(1);
          assertThat(next(lines, 3)).as("flap %d", n).containsExactly("net IP_LOSE 1", "c lost " + n, "c offline");
          clock.advance(1_999, TimeUnit.MILLISECONDS);
          assertThat(timers.runDue()).as("still down").isZero();
          clock.advance(1, TimeUnit.MILLISECONDS); // 'down' later
          assertThat(timers.runDue()).isEqualTo(1);
          assertThat(next(lines, 2)).as("flap %d", n).containsExactly("net IP_READY 1", "c echo msg " + (n + 1));
        }
        assertThat(timers.pending()).isZero(); // three times, then the timeline is over
      } finally {
        device.stop(0);
        device.stopped().get(10, TimeUnit.SECONDS);
      }
    }
  }

  /** The script's next {@code n} lines (tag and text), each waited for. */
  private static List<String> next(BlockingQueue<String> lines, int n) throws InterruptedException {
    List<String> got = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String line = lines.poll(20, TimeUnit.SECONDS);
      assertThat(line).as("line %d of %d after %s", i + 1, n, got).isNotNull();
      got.add(line);
    }
    return got;
  }
}
