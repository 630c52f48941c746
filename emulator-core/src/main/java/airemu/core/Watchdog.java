package airemu.core;

import java.util.concurrent.TimeUnit;

/**
 * The module's hardware watchdog, reduced to what an emulator needs: a step that runs longer than the
 * timeout without giving control back is a runaway script.
 *
 * <p>It reads the host's clock, not the device {@link Clock}: it guards host CPU time, which passes
 * even when device time is virtual. The firmware polls {@link #expired()} from a cheap VM hook.
 */
public final class Watchdog {
  private final long timeoutNanos;
  private volatile long deadline = Long.MAX_VALUE;

  public Watchdog(long timeoutNanos) {
    this.timeoutNanos = timeoutNanos;
  }

  /** True once the current step has run longer than the timeout. */
  public boolean expired() {
    long d = deadline;
    return d != Long.MAX_VALUE && System.nanoTime() - d >= 0;
  }

  public long timeoutMillis() {
    return TimeUnit.NANOSECONDS.toMillis(timeoutNanos);
  }

  void arm() {
    deadline = System.nanoTime() + timeoutNanos;
  }

  void disarm() {
    deadline = Long.MAX_VALUE;
  }
}
