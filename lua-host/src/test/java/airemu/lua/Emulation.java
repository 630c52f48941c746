package airemu.lua;

import airemu.boards.BoardProfile;
import airemu.config.BoardProfiles;
import airemu.core.Clock;
import airemu.core.Device;
import airemu.core.DeviceListener;
import airemu.core.LogRecord;
import airemu.core.Scheduler;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Test support: boots a project on a real scheduler and records what the device logs, so a test can
 * wait for a line (on the event, not on a sleep) and then assert the exact log.
 *
 * <pre>{@code
 * try (Emulation emu = Emulation.run("air780epm", "log.info('main', 'hi') sys.run()")) {
 *   emu.awaitLine("I/user.main hi");
 * }
 * }</pre>
 */
final class Emulation implements AutoCloseable {
  static final Duration WAIT = Duration.ofSeconds(20); // generous: a safety net, never a synchronisation

  static Emulation run(String board, String mainLua) {
    return run(board, Map.of("main.lua", mainLua), Device.CrashPolicy.STOP, 5000);
  }

  static Emulation run(String board, Map<String, String> files, Device.CrashPolicy onCrash, long watchdogMillis) {
    try {
      return run(BoardProfiles.find(board), files, onCrash, watchdogMillis);
    } catch (airemu.config.ConfigException e) {
      throw new IllegalArgumentException(e);
    }
  }

  /** A built-in board with a different reboot delay (a module waits 15 s; tests need not). */
  static BoardProfile withRebootDelay(String board, String delay) {
    return edited(board, "test", yaml -> yaml.replace("reboot-delay: 15000ms", "reboot-delay: " + delay));
  }

  /** A built-in board whose firmware is built without Wi-Fi ({@code wifi: support: none}). */
  static BoardProfile withoutWifi(String board) {
    return edited(board, "nowifi", yaml -> yaml.replaceAll("(?m)^wifi:\n(  .*\n)*", "") + "wifi:\n  support: none\n");
  }

  /** A built-in board running firmware of another build stamp, such as {@code "Mar  1 2025 10:00:00"}. */
  static BoardProfile builtOn(String board, String stamp) {
    return edited(board, "built", yaml -> yaml.replaceFirst("(?m)^  build: .*$", "  build: \"" + stamp + "\""));
  }

  /** A built-in board's profile file as a user would edit it, read as a user's profile is. */
  private static BoardProfile edited(String board, String suffix, java.util.function.UnaryOperator<String> edit) {
    try {
      String yaml = new String(BoardProfile.class.getResourceAsStream("/airemu/boards/" + board + ".yaml").readAllBytes(),
          StandardCharsets.UTF_8);
      return BoardProfiles.parse(board + "-" + suffix + ".yaml", board, edit.apply(yaml));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Boots a device set up by the test itself (its own access points, UART hosts, ...). */
  static Emulation start(DeviceSetup setup, Device.CrashPolicy onCrash, long watchdogMillis) {
    return new Emulation(setup, onCrash, watchdogMillis);
  }

  static Emulation run(BoardProfile board, Map<String, String> files, Device.CrashPolicy onCrash, long watchdogMillis) {
    return run(board, files, onCrash, watchdogMillis, TEST_NETWORK);
  }

  /** Tests attach the cellular adapter quickly: a module takes seconds, a test need not. */
  static final airemu.netif.NetOptions TEST_NETWORK = airemu.netif.NetOptions.defaults().withAttachDelayMillis(20);

  static Emulation run(BoardProfile board, Map<String, String> files, Device.CrashPolicy onCrash, long watchdogMillis,
      airemu.netif.NetOptions network) {
    return run(board, files, onCrash, watchdogMillis, network, DeviceSetup.calm(board, 0));
  }

  /** Boots in {@code environment}, the network outside the device, which the test changes as it runs. */
  static Emulation run(BoardProfile board, Map<String, String> files, Device.CrashPolicy onCrash, long watchdogMillis,
      airemu.netif.NetOptions network, airemu.netif.Environment environment) {
    try {
      Path dir = Files.createTempDirectory("airemu-test");
      Path project = Files.createDirectories(dir.resolve("project"));
      for (Map.Entry<String, String> f : files.entrySet()) {
        Path p = project.resolve(f.getKey());
        Files.createDirectories(p.getParent());
        Files.writeString(p, f.getValue(), StandardCharsets.UTF_8);
      }
      return new Emulation(DeviceSetup.of(board, Project.open(project), Files.createDirectories(dir.resolve("fs")))
          .withNetwork(network).withEnvironment(environment), onCrash, watchdogMillis);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private Emulation(DeviceSetup setup, Device.CrashPolicy onCrash, long watchdogMillis) {
    this.scheduler = Scheduler.create(Clock.system(), 2);
    this.device = scheduler.newDevice(new Device.Options("test-" + setup.board().id(), onCrash, watchdogMillis),
        d -> new Watched(firmware = new LuaFirmware(d, setup)), new DeviceListener() {
          @Override
          public void onLog(Device d, LogRecord r) {
            synchronized (lines) {
              lines.add(r.text());
              lines.notifyAll();
            }
          }

          @Override
          public void onBoot(Device d, int bootCount) {
            synchronized (lines) {
              boots = bootCount;
              lines.notifyAll();
            }
          }
        });
    device.start();
  }

  /** Waits until at least {@code n} lines have been logged; returns them. */
  List<String> awaitLines(int n) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    synchronized (lines) {
      while (lines.size() < n) {
        long left = deadline - System.nanoTime();
        if (left <= 0 || device.isStopped()) throw new AssertionError("only " + lines.size() + " lines:\n" + String.join("\n", lines));
        try {
          lines.wait(TimeUnit.NANOSECONDS.toMillis(left) + 1);
        } catch (InterruptedException e) {
          throw new AssertionError(e);
        }
      }
      return new ArrayList<>(lines);
    }
  }

  /** Waits for boot number {@code n} (1 is the first boot). */
  void awaitBoot(int n) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    synchronized (lines) {
      while (boots < n) {
        long left = deadline - System.nanoTime();
        if (left <= 0) throw new AssertionError("no boot " + n + "; log:\n" + String.join("\n", lines));
        try {
          lines.wait(TimeUnit.NANOSECONDS.toMillis(left) + 1);
        } catch (InterruptedException e) {
          throw new AssertionError(e);
        }
      }
    }
  }

  /** Waits until a logged line satisfies {@code p}; returns it. */
  String awaitLine(Predicate<String> p) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    synchronized (lines) {
      int seen = 0;
      while (true) {
        for (; seen < lines.size(); seen++) if (p.test(lines.get(seen))) return lines.get(seen);
        long left = deadline - System.nanoTime();
        if (left <= 0 || device.isStopped() && seen == lines.size()) {
          throw new AssertionError("no such line; the device logged:\n" + String.join("\n", lines));
        }
        try {
          lines.wait(TimeUnit.NANOSECONDS.toMillis(left) + 1);
        } catch (InterruptedException e) {
          throw new AssertionError(e);
        }
      }
    }
  }

  String awaitLine(String exact) {
    return awaitLine(exact::equals);
  }

  /** Waits for the device to stop (os.exit, a crash with the STOP policy); returns the exit code. */
  int awaitExit() {
    try {
      return device.stopped().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      throw new AssertionError("device did not stop; it logged:\n" + String.join("\n", lines()), e);
    }
  }

  /** Every line logged so far, boot banner included. */
  List<String> lines() {
    synchronized (lines) {
      return new ArrayList<>(lines);
    }
  }

  /**
   * The lines the script produced: everything but the firmware's boot lines and the lines of the
   * network's own attach (lwIP's {@code network ready}, the cellular stack's {@code D/mobile} lines).
   */
  List<String> scriptLines() {
    List<String> all = lines();
    return all.stream().filter(l -> !l.startsWith("I/main LuatOS@") && !l.startsWith("I/main ROM Build")
        && !l.startsWith("D/main loadlibs") && !l.startsWith("D/net network ready") && !l.startsWith("D/mobile ")).toList();
  }

  /** The network of the device's current boot, whose link controls a test may call from its own thread. */
  airemu.netif.NetStack network() {
    LuaFirmware fw = firmware;
    return fw == null ? null : fw.network();
  }

  /**
   * Runs {@code probe} on the device thread, where the firmware's state may be read, as a message the
   * script's {@code rtos.receive} takes (so the script must be in {@code sys.run}); returns its answer.
   */
  <T> T probe(java.util.function.BiFunction<LuaFirmware, party.iroiro.luajava.Lua, T> probe) {
    CompletableFuture<T> answer = new CompletableFuture<>();
    device.post((LuaMessage) (fw, L) -> {
      try {
        answer.complete(probe.apply(fw, L));
      } catch (RuntimeException | Error e) {
        answer.completeExceptionally(e);
      }
      L.push(1); // rtos.receive returns nothing for it
      return 1;
    });
    try {
      return answer.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      throw new AssertionError("the probe did not run; the device logged:\n" + String.join("\n", lines()), e);
    }
  }

  int boots() {
    synchronized (lines) {
      return boots;
    }
  }

  Device device() {
    return device;
  }

  CompletableFuture<Integer> stopped() {
    return device.stopped();
  }

  @Override
  public void close() {
    device.stop(0);
    try {
      device.stopped().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      // the scheduler shutdown below interrupts a stuck step
    }
    scheduler.close();
  }

  /** Completes with the thread that closed the first boot's VM. */
  CompletableFuture<Thread> vmClosed() {
    return vmClosed;
  }

  /** The firmware as the device sees it, telling the test when the VM is closed and on which thread. */
  private final class Watched implements airemu.core.Firmware {
    private final LuaFirmware inner;

    Watched(LuaFirmware inner) {
      this.inner = inner;
    }

    @Override
    public airemu.core.Step boot() {
      return inner.boot();
    }

    @Override
    public airemu.core.Step resume() {
      return inner.resume();
    }

    @Override
    public airemu.core.Step abandon(boolean report) {
      return inner.abandon(report);
    }

    @Override
    public void close() {
      inner.close();
      vmClosed.complete(Thread.currentThread());
    }
  }

  private final Scheduler scheduler;
  private final Device device;
  private final CompletableFuture<Thread> vmClosed = new CompletableFuture<>();
  private volatile LuaFirmware firmware; // of the current boot
  private final List<String> lines = new ArrayList<>();
  private int boots;
}
