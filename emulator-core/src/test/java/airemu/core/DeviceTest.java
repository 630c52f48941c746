package airemu.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Devices stepped by the shared scheduler: mail and deadlines wake them; they own no thread. */
class DeviceTest {
  private final Scheduler scheduler = Scheduler.create(Clock.system(), 2);

  @AfterEach
  void close() {
    scheduler.close();
  }

  /** A firmware that logs every message it takes and waits for more. */
  private static final class Recorder implements Firmware {
    final Device device;
    final List<String> seen = new ArrayList<>();

    Recorder(Device device) {
      this.device = device;
    }

    @Override
    public Step boot() {
      seen.add("boot");
      return Step.waitForMail();
    }

    @Override
    public Step resume() {
      for (Message m; (m = device.poll()) != null; ) {
        if (m instanceof DeviceTimers.Expired e) {
          long left = device.timers().claim(e);
          seen.add("timer " + e.id() + " left " + left);
          if (e.id() == 99) return Step.exit(5);
        } else {
          seen.add(String.valueOf(m));
          if (m instanceof Text t && t.s.equals("timers")) {
            device.timers().start(1, 30, 0);
            device.timers().start(2, 10, 2);
            device.timers().start(3, 20, 0);
            device.timers().stop(3);
            device.timers().start(99, 100, 0);
          }
        }
      }
      return Step.waitForMail();
    }

    @Override
    public void close() {}
  }

  private record Text(String s) implements Message {
    @Override
    public String toString() {
      return s;
    }
  }

  @Test
  void mailWakesTheDeviceAndTimersFireInOrderWithRepeats() throws Exception {
    Recorder[] fw = new Recorder[1];
    Device device = scheduler.newDevice(new Device.Options("d", Device.CrashPolicy.STOP, 5000), d -> fw[0] = new Recorder(d),
        new DeviceListener() {});
    device.start();
    device.post(new Text("hello"));
    device.post(new Text("timers"));
    assertThat(device.stopped().get(10, TimeUnit.SECONDS)).isEqualTo(5);
    assertThat(fw[0].seen).containsExactly("boot", "hello", "timers", "timer 2 left 2", "timer 2 left 1", "timer 1 left 0",
        "timer 2 left 0", "timer 99 left 0");
  }

  @Test
  void aDeviceWaitingWithADeadlineIsSteppedWhenItPasses() throws Exception {
    CountDownLatch woke = new CountDownLatch(1);
    Device device = scheduler.newDevice(new Device.Options("d", Device.CrashPolicy.STOP, 5000), d -> new Firmware() {
      long deadline;

      @Override
      public Step boot() {
        deadline = d.clock().nanoTime() + TimeUnit.MILLISECONDS.toNanos(20);
        return Step.waitUntil(deadline);
      }

      @Override
      public Step resume() {
        if (d.clock().nanoTime() - deadline >= 0) {
          woke.countDown();
          return Step.exit(0);
        }
        return Step.waitUntil(deadline);
      }

      @Override
      public void close() {}
    }, new DeviceListener() {});
    device.start();
    assertThat(woke.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(device.stopped().get(10, TimeUnit.SECONDS)).isZero();
  }

  @Test
  void thousandsOfDevicesShareAFewThreadsAndEveryMessageArrivesOnce() throws Exception {
    int devices = 2000, messages = 50;
    ConcurrentLinkedQueue<String> received = new ConcurrentLinkedQueue<>();
    CountDownLatch done = new CountDownLatch(devices);
    int threadsBefore = Thread.activeCount();
    List<Device> all = new ArrayList<>();
    for (int i = 0; i < devices; i++) {
      Device device = scheduler.newDevice(new Device.Options("d" + i, Device.CrashPolicy.STOP, 5000), d -> new Firmware() {
        int count;

        @Override
        public Step boot() {
          return Step.waitForMail();
        }

        @Override
        public Step resume() {
          for (Message m; (m = d.poll()) != null; ) {
            received.add(d.name() + ":" + m);
            if (++count == messages) done.countDown();
          }
          return Step.waitForMail();
        }

        @Override
        public void close() {}
      }, new DeviceListener() {});
      device.start();
      all.add(device);
    }
    Thread[] posters = new Thread[4];
    for (int p = 0; p < posters.length; p++) {
      int from = p;
      posters[p] = new Thread(() -> {
        for (int m = 0; m < messages; m++) {
          for (int i = from; i < devices; i += posters.length) all.get(i).post(new Text("m" + m));
        }
      });
      posters[p].start();
    }
    for (Thread t : posters) t.join();
    assertThat(done.await(60, TimeUnit.SECONDS)).isTrue();
    assertThat(received).hasSize(devices * messages).doesNotHaveDuplicates();
    assertThat(Thread.activeCount()).isLessThan(threadsBefore + 10);
  }
}
