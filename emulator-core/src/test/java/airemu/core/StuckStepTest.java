package airemu.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A step stuck inside one call that no VM hook reaches (here: a firmware blocked on a latch, as a
 * script is inside a pathological {@code string.find}) is given up by the scheduler's watchdog thread,
 * whatever the device waits for, and its worker is replaced.
 */
class StuckStepTest {
  private static final long WAIT_SECONDS = 20; // a safety net, never a synchronisation

  /** One worker: a stuck step would hold every other device of the scheduler if it were not replaced. */
  private final Scheduler scheduler = Scheduler.create(Clock.system(), 1);
  private final CountDownLatch inCall = new CountDownLatch(1);
  private final CountDownLatch callReturns = new CountDownLatch(1);

  @AfterEach
  void close() {
    callReturns.countDown();
    scheduler.close();
  }

  private record Text(String s) implements Message {}

  /** A firmware whose step on "hang" stays inside one call until the test lets it return. */
  private final class Hanging implements Firmware {
    final List<String> events = new CopyOnWriteArrayList<>();
    final CompletableFuture<String> closedOn = new CompletableFuture<>();
    final Device device;

    Hanging(Device device) {
      this.device = device;
    }

    @Override
    public Step boot() {
      return Step.waitForMail();
    }

    @Override
    public Step resume() {
      Message m = device.poll();
      if (m instanceof Text t && t.s.equals("hang")) {
        events.add("hanging");
        inCall.countDown();
        try {
          callReturns.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        events.add("call returned");
        return Step.exit(9); // what the step would have ended with: too late, nobody takes it
      }
      return Step.waitForMail();
    }

    @Override
    public Step abandon(boolean report) {
      events.add("abandoned on " + Thread.currentThread().getName() + (report ? ", reset reported" : ""));
      return Step.vmExit("watchdog", 0, 1);
    }

    @Override
    public void close() {
      events.add("closed");
      closedOn.complete(Thread.currentThread().getName());
    }
  }

  /** Stops itself with exit code 7 on its first message. */
  private static Firmware stopsOnMail(Device d) {
    return new Firmware() {
      @Override
      public Step boot() {
        return Step.waitForMail();
      }

      @Override
      public Step resume() {
        return d.poll() == null ? Step.waitForMail() : Step.exit(7);
      }

      @Override
      public void close() {}
    };
  }

  @Test
  void theWatchdogGivesUpAStuckStepAndTheOtherDevicesKeepRunning() throws Exception {
    Hanging[] fw = new Hanging[1];
    Device stuck = scheduler.newDevice(new Device.Options("stuck", Device.CrashPolicy.STOP, 100), d -> fw[0] = new Hanging(d),
        new DeviceListener() {});
    Device other = scheduler.newDevice(new Device.Options("other", Device.CrashPolicy.STOP, 5000), StuckStepTest::stopsOnMail,
        new DeviceListener() {});
    stuck.start();
    other.start();
    stuck.post(new Text("hang"));

    assertThat(stuck.stopped().get(WAIT_SECONDS, TimeUnit.SECONDS)).isEqualTo(1); // the watchdog reset, with --on-crash stop
    assertThat(fw[0].events).containsExactly("hanging", "abandoned on airemu-watchdog, reset reported");
    assertThat(scheduler.stuckSteps()).isOne();
    other.post(new Text("ping")); // the only worker is still stuck: a replacement steps this device
    assertThat(other.stopped().get(WAIT_SECONDS, TimeUnit.SECONDS)).isEqualTo(7);

    callReturns.countDown();
    assertThat(fw[0].closedOn.get(WAIT_SECONDS, TimeUnit.SECONDS)).startsWith("airemu-worker-"); // by the thread that held it
    assertThat(fw[0].events).containsExactly("hanging", "abandoned on airemu-watchdog, reset reported", "call returned", "closed");
    assertThat(stuck.stopped().join()).isEqualTo(1);
  }

  @Test
  void aStopThatAStuckStepIgnoresStillEndsTheRun() throws Exception {
    Hanging[] fw = new Hanging[1];
    Device device = scheduler.newDevice(new Device.Options("stuck", Device.CrashPolicy.STOP, 60_000), d -> fw[0] = new Hanging(d),
        new DeviceListener() {});
    device.start();
    device.post(new Text("hang"));
    assertThat(inCall.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();

    device.stop(3); // as --timeout does
    assertThat(device.stopped().get(WAIT_SECONDS, TimeUnit.SECONDS)).isEqualTo(3);
    assertThat(fw[0].events).containsExactly("hanging", "abandoned on airemu-watchdog"); // no reset: the run was ending
  }
}
