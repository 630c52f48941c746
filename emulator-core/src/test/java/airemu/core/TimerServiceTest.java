package airemu.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The shared timer queue, driven by hand with a manual clock. */
class TimerServiceTest {
  private final ManualClock clock = new ManualClock(0);
  private final TimerService timers = TimerService.manual(clock);
  private final List<String> fired = new ArrayList<>();

  @Test
  void timersDueTogetherFireInTheOrderTheyWereStarted() {
    timers.scheduleAfter(10, TimeUnit.MILLISECONDS, () -> fired.add("a"));
    timers.scheduleAfter(5, TimeUnit.MILLISECONDS, () -> fired.add("b"));
    timers.scheduleAfter(10, TimeUnit.MILLISECONDS, () -> fired.add("c"));
    timers.scheduleAfter(5, TimeUnit.MILLISECONDS, () -> fired.add("d"));

    clock.advance(4, TimeUnit.MILLISECONDS);
    assertThat(timers.runDue()).isZero();
    clock.advance(6, TimeUnit.MILLISECONDS);
    assertThat(timers.runDue()).isEqualTo(4);
    assertThat(fired).containsExactly("b", "d", "a", "c");
  }

  @Test
  void aCancelledTimerNeverFiresAndCancellingTwiceIsHarmless() {
    TimerService.Timer t = timers.scheduleAfter(1, TimeUnit.MILLISECONDS, () -> fired.add("x"));
    assertThat(t.cancel()).isTrue();
    assertThat(t.cancel()).isFalse();
    clock.advance(2, TimeUnit.MILLISECONDS);
    timers.runDue();
    assertThat(fired).isEmpty();
    assertThat(timers.pending()).isZero();
  }

  @Test
  void manyCancelledTimersAreDroppedFromTheQueue() {
    for (int i = 0; i < 10_000; i++) timers.scheduleAfter(1, TimeUnit.HOURS, () -> fired.add("never")).cancel();
    TimerService.Timer live = timers.scheduleAfter(1, TimeUnit.HOURS, () -> fired.add("live"));
    assertThat(timers.pending()).isEqualTo(1);
    assertThat(timers.nextDueNanos()).isEqualTo(live.dueNanos());
  }

  @Test
  void theRealTimeThreadFiresWithoutBeingPolled() throws Exception {
    try (TimerService real = TimerService.started(Clock.system(), "test-timers")) {
      java.util.concurrent.CountDownLatch latch = new java.util.concurrent.CountDownLatch(2);
      real.scheduleAfter(30, TimeUnit.MILLISECONDS, latch::countDown);
      real.scheduleAfter(1, TimeUnit.MILLISECONDS, latch::countDown);
      assertThat(latch.await(10, TimeUnit.SECONDS)).isTrue();
    }
  }
}
