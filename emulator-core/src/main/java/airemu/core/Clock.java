package airemu.core;

/**
 * The single source of time for devices: uptime, timers and the wall clock scripts read.
 *
 * <p>Everything a device observes about time goes through a clock, so the same firmware can run on
 * real time ({@link #system()}) or on a clock that a test or a virtual-time scheduler moves by hand
 * ({@link ManualClock}).
 */
public interface Clock {

  /** Monotonic nanoseconds; only differences are meaningful. */
  long nanoTime();

  /** Wall-clock milliseconds since the Unix epoch. */
  long currentTimeMillis();

  /** The host's clocks. */
  static Clock system() {
    return SystemClock.INSTANCE;
  }
}

enum SystemClock implements Clock {
  INSTANCE;

  @Override
  public long nanoTime() {
    return System.nanoTime();
  }

  @Override
  public long currentTimeMillis() {
    return System.currentTimeMillis();
  }
}
