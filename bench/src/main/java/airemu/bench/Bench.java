package airemu.bench;

import airemu.boards.BoardProfile;
import airemu.config.BoardProfiles;
import airemu.core.Clock;
import airemu.core.Device;
import airemu.core.DeviceListener;
import airemu.core.LogRecord;
import airemu.core.Scheduler;
import airemu.lua.DeviceSetup;
import airemu.lua.LuaFirmware;
import airemu.lua.Project;
import com.sun.management.OperatingSystemMXBean;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * airemu's benchmarks. Each prints one block of figures with the machine it ran on.
 *
 * <ul>
 *   <li>{@code startup}: process start to the first log line (the banner) and to a one-line project's
 *       own line, through {@code ./airemu}, as a user runs it.
 *   <li>{@code scale}: 1,000 devices, each running ten tasks that {@code sys.wait(1000)} in a loop:
 *       threads, heap, resident memory and CPU; then the same devices idle (no timers): CPU. Both are
 *       measured once every device is attached (the cellular attach and the network's time are done).
 *   <li>{@code tasks}: 10,000 tasks in one device, each doing ten {@code sys.wait(10)}: wall time.
 *   <li>{@code socket}: the socket library against a plain Netty client on the same peers: 1 KiB
 *       ping-pong, 64 MiB up paced on TX_OK, 64 MiB down into a zbuff ({@link SocketBench}).
 *   <li>{@code tls}: TLS 1.2 against plain TCP, ping-pong and bulk ({@link TlsBench}).
 * </ul>
 */
public final class Bench {

  public static void main(String[] args) throws Exception {
    String what = args.length == 0 ? "all" : args[0];
    System.out.println("== airemu bench " + what + " on " + machine());
    switch (what) {
      case "startup" -> startup();
      case "scale" -> scale();
      case "tasks" -> tasks();
      case "tls" -> TlsBench.run();
      case "socket" -> SocketBench.run();
      case "ping-pong" -> SocketBench.run(args.length > 1 ? Integer.parseInt(args[1]) : 5, false);
      default -> {
        startup();
        scale();
        tasks();
        SocketBench.run();
        TlsBench.run();
      }
    }
  }

  // --- startup ------------------------------------------------------------------------------------

  static void startup() throws Exception {
    Path project = Files.createTempDirectory("bench-one");
    Files.writeString(project.resolve("main.lua"), "log.info('bench', 'one line')\n");
    List<Long> banner = new ArrayList<>(), line = new ArrayList<>(), hello = new ArrayList<>();
    int runs = 21;
    for (int i = 0; i < runs; i++) {
      long[] t = timeLines(List.of("./airemu", "run", "--expect", "I/user.bench one line", project.toString()), "I/user.bench");
      banner.add(t[0]);
      line.add(t[1]);
      long[] h = timeLines(List.of("java", "-XX:+UseSerialGC", "-cp", helloClasspath(), "airemu.bench.Hello"), "hello");
      hello.add(h[0]);
    }
    System.out.printf("startup (ms, %d runs)        min   median   p90%n", runs);
    System.out.printf("  java hello world      %6d %8d %6d   (the JVM alone, for scale)%n", min(hello), median(hello), p90(hello));
    System.out.printf("  first line (banner)   %6d %8d %6d%n", min(banner), median(banner), p90(banner));
    System.out.printf("  the project's line    %6d %8d %6d%n", min(line), median(line), p90(line));
  }

  /** Milliseconds from process start to its first stdout line and to the first line containing {@code mark}. */
  private static long[] timeLines(List<String> command, String mark) throws Exception {
    long t0 = System.nanoTime();
    Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    long first = -1, marked = -1;
    try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      for (String l; (l = r.readLine()) != null; ) {
        long now = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        if (first < 0) first = now;
        if (marked < 0 && l.contains(mark)) marked = now;
      }
    }
    p.waitFor();
    return new long[] {first, marked};
  }

  private static String helloClasspath() {
    return System.getProperty("java.class.path");
  }

  // --- scale --------------------------------------------------------------------------------------

  static void scale() throws Exception {
    int devices = 1000;
    Path dir = Files.createTempDirectory("bench-scale");
    Path busy = Files.createDirectories(dir.resolve("busy")), idle = Files.createDirectories(dir.resolve("idle"));
    // the network's time (NTP_UPDATE, after IP_READY) is the last thing the cellular attach brings
    String attached = "sys.subscribe('NTP_UPDATE', function() log.info('bench', 'attached') end)\n";
    Files.writeString(busy.resolve("main.lua"), attached + """
        for i = 1, 10 do
          sys.taskInit(function()
            while true do sys.wait(1000) end
          end)
        end
        log.info("bench", "up")
        sys.run()
        """);
    Files.writeString(idle.resolve("main.lua"), attached + "log.info('bench', 'up') sys.run()");
    System.out.printf("scale: %d devices x 10 tasks, each task sys.wait(1000) in a loop%n", devices);
    measureFleet(devices, busy, dir, "busy");
    measureFleet(devices, idle, dir, "idle (sys.run, no timers)");
  }

  private static void measureFleet(int devices, Path projectDir, Path dir, String label) throws Exception {
    BoardProfile board = BoardProfiles.find("air780epm");
    Project project = Project.open(projectDir);
    int threadsBefore = Thread.activeCount();
    CountDownLatch up = new CountDownLatch(devices), attached = new CountDownLatch(devices);
    long t0 = System.nanoTime();
    try (Scheduler scheduler = Scheduler.create(Clock.system(), Scheduler.defaultWorkers())) {
      List<Device> all = new ArrayList<>();
      for (int i = 0; i < devices; i++) {
        Device d = scheduler.newDevice(new Device.Options("d" + i, Device.CrashPolicy.STOP, 5000),
            dev -> new LuaFirmware(dev, DeviceSetup.of(board, project, dir.resolve("fs"))), new DeviceListener() {
              @Override
              public void onLog(Device dev, LogRecord r) {
                if (r.text().equals("I/user.bench up")) up.countDown();
                if (r.text().equals("I/user.bench attached")) attached.countDown();
              }
            });
        all.add(d);
        d.start();
      }
      up.await(5, TimeUnit.MINUTES);
      long bootMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
      attached.await(5, TimeUnit.MINUTES); // the window below holds no boot and no attach
      System.gc();
      OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
      long cpu0 = os.getProcessCpuTime(), wall0 = System.nanoTime();
      long steps0 = all.stream().mapToLong(Device::steps).sum();
      Thread.sleep(10_000); // a measuring window, not synchronisation
      long cpu = os.getProcessCpuTime() - cpu0, wall = System.nanoTime() - wall0;
      long steps = all.stream().mapToLong(Device::steps).sum() - steps0;
      Runtime rt = Runtime.getRuntime();
      System.out.printf("  %-26s boot all %5d ms | threads +%d | heap %4d MB | RSS %5d MB | CPU %5.1f%% of one core | %d steps/s%n",
          label, bootMs, Thread.activeCount() - threadsBefore, (rt.totalMemory() - rt.freeMemory()) >> 20, rssMb(),
          100.0 * cpu / wall, steps * 1_000_000_000L / wall);
      for (Device d : all) d.stop(0);
    }
  }

  private static long rssMb() {
    try {
      for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (l.startsWith("VmRSS:")) return Long.parseLong(l.replaceAll("\\D", "")) >> 10;
      }
    } catch (Exception e) {
      // not Linux
    }
    return -1;
  }

  // --- tasks --------------------------------------------------------------------------------------

  static void tasks() throws Exception {
    Path dir = Files.createTempDirectory("bench-tasks");
    Files.writeString(dir.resolve("main.lua"), """
        local left = 10000
        local t0 = mcu.ticks()
        for i = 1, 10000 do
          sys.taskInit(function()
            for k = 1, 10 do sys.wait(10) end
            left = left - 1
            if left == 0 then log.info("bench", "done", mcu.ticks() - t0) os.exit(0) end
          end)
        end
        sys.run()
        """);
    // 10,000 coroutines need ~12 MB of Lua heap, more than any module has: a profile with a 64 MB heap
    String yaml = new String(BoardProfile.class.getResourceAsStream("/airemu/boards/air780ehm.yaml").readAllBytes(),
        StandardCharsets.UTF_8).replace("lua: 4194296", "lua: 67108864");
    BoardProfile board = BoardProfiles.parse("air780ehm-64mb-heap.yaml", "air780ehm-64mb", yaml);
    Project project = Project.open(dir);
    for (int run = 1; run <= 3; run++) {
      long[] result = {-1};
      long t0 = System.nanoTime();
      try (Scheduler scheduler = Scheduler.create(Clock.system(), Scheduler.defaultWorkers())) {
        Device d = scheduler.newDevice(new Device.Options("tasks", Device.CrashPolicy.STOP, 60_000),
            dev -> new LuaFirmware(dev, DeviceSetup.of(board, project, dir.resolve("fs"))), new DeviceListener() {
              @Override
              public void onLog(Device dev, LogRecord r) {
                if (r.text().startsWith("I/user.bench done")) result[0] = Long.parseLong(r.text().replaceAll(".* ", ""));
              }
            });
        d.start();
        int code = d.stopped().get(5, TimeUnit.MINUTES);
        if (code != 0 || result[0] < 0) throw new IllegalStateException("the tasks benchmark failed: exit code " + code);
      }
      System.out.printf("tasks: 10,000 tasks x ten sys.wait(10) in one device, run %d: %d ms by mcu.ticks (%d ms with boot)%n",
          run, result[0], TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
    }
  }

  // --- helpers ------------------------------------------------------------------------------------

  private static String machine() {
    return Runtime.getRuntime().availableProcessors() + " cores, Java " + System.getProperty("java.version") + ", "
        + System.getProperty("os.name") + " " + System.getProperty("os.arch");
  }

  private static long min(List<Long> v) {
    return v.stream().mapToLong(Long::longValue).min().orElse(-1);
  }

  private static long median(List<Long> v) {
    long[] a = v.stream().mapToLong(Long::longValue).sorted().toArray();
    return a[a.length / 2];
  }

  private static long p90(List<Long> v) {
    long[] a = v.stream().mapToLong(Long::longValue).sorted().toArray();
    return a[(int) Math.min(a.length - 1, Math.round(a.length * 0.9))];
  }

  static long[] sorted(long[] a) {
    Arrays.sort(a);
    return a;
  }
}
