package airemu.core;

import java.util.concurrent.TimeUnit;

/**
 * A clock that moves only when told to. Tests use it with {@link TimerService#runDue()} to fire timers
 * deterministically; the wall clock moves in step with the monotonic one.
 */
public final class ManualClock implements Clock {
  private volatile long nanos;
  private final long epochMillisAtZero;

  public ManualClock(long epochMillisAtZero) {
    this.epochMillisAtZero = epochMillisAtZero;
  }

  public void advance(long amount, TimeUnit unit) {
    if (amount < 0) throw new IllegalArgumentException("time cannot go back: " + amount);
    synchronized (this) {
      nanos += unit.toNanos(amount);
    }
  }

  @Override
  public long nanoTime() {
    return nanos;
  }

  @Override
  public long currentTimeMillis() {
    return epochMillisAtZero + TimeUnit.NANOSECONDS.toMillis(nanos);
  }
}
