package airemu.lua;

import static org.assertj.core.api.Assertions.assertThat;

import airemu.boards.BoardProfile;
import airemu.config.BoardProfiles;
import airemu.core.Clock;
import airemu.core.Device;
import airemu.core.DeviceListener;
import airemu.core.LogRecord;
import airemu.core.Scheduler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Many devices in one JVM: they share the scheduler's few threads, and a device with nothing to do
 * is never stepped. (How fast and how much memory: bench/, not here.)
 */
class ScaleTest {
  private static final int DEVICES = 1000;

  @Test
  void aThousandDevicesWithTenWaitingTasksEachShareAFewThreads(@TempDir Path dir) throws Exception {
    Path project = Files.createDirectories(dir.resolve("p"));
    Files.writeString(project.resolve("main.lua"), """
        for i = 1, 10 do
          sys.taskInit(function()
            local n = 0
            while true do
              sys.wait(1000)
              n = n + 1
              if i == 1 and n == 2 then log.info("scale", "two seconds") end
            end
          end)
        end
        sys.run()
        """);
    Path idleProject = Files.createDirectories(dir.resolve("idle"));
    // idle once attached: the network's time (NTP_UPDATE after IP_READY) is the last thing the
    // cellular attach brings, so the last thing it is stepped for
    Files.writeString(idleProject.resolve("main.lua"),
        "sys.subscribe('NTP_UPDATE', function() log.info('idle', 'booted') end) sys.run()");
    BoardProfile board = BoardProfiles.find("air780epm");
    Project p = Project.open(project), idle = Project.open(idleProject);
    int threadsBefore = Thread.activeCount();
    CountDownLatch twoSeconds = new CountDownLatch(DEVICES);
    CountDownLatch idleBooted = new CountDownLatch(1);
    try (Scheduler scheduler = Scheduler.create(Clock.system(), Scheduler.defaultWorkers())) {
      DeviceListener listener = new DeviceListener() {
        @Override
        public void onLog(Device d, LogRecord r) {
          if (r.text().equals("I/user.scale two seconds")) twoSeconds.countDown();
          if (r.text().equals("I/user.idle booted")) idleBooted.countDown();
        }
      };
      Device idleDevice = scheduler.newDevice(new Device.Options("idle", Device.CrashPolicy.STOP, 5000),
          d -> new LuaFirmware(d, DeviceSetup.of(board, idle, dir.resolve("fs-idle"))), listener);
      idleDevice.start();
      assertThat(idleBooted.await(60, TimeUnit.SECONDS)).isTrue();
      long idleSteps = idleDevice.steps();

      List<Device> devices = new ArrayList<>();
      for (int i = 0; i < DEVICES; i++) {
        Device d = scheduler.newDevice(new Device.Options("dev" + i, Device.CrashPolicy.STOP, 5000),
            dev -> new LuaFirmware(dev, DeviceSetup.of(board, p, dir.resolve("fs"))), listener);
        devices.add(d);
        d.start();
      }
      assertThat(twoSeconds.await(120, TimeUnit.SECONDS)).isTrue();
      assertThat(Thread.activeCount() - threadsBefore).isLessThanOrEqualTo(Scheduler.defaultWorkers() + 2);
      assertThat(devices).noneMatch(Device::isStopped);
      assertThat(idleDevice.steps()).isEqualTo(idleSteps);
      for (Device d : devices) d.stop(0);
      idleDevice.stop(0);
    }
  }
}
