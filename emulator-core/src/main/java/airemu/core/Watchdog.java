package airemu.core;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The module's hardware watchdog, reduced to what an emulator needs: a script that runs for the
 * timeout without giving control back to the firmware is a runaway, and its VM is reset.
 *
 * <p>The device arms it when a step resumes the script. The firmware {@link #feed() feeds} it when
 * main.lua starts and each time the script reaches {@code rtos.receive}, the main loop's turn: a script
 * that keeps returning to {@code sys.run} is never reset, however much work it does in total, and a
 * step may hand it many messages. Whoever notices first that the time ran out {@link #bite() bites}:
 * the firmware's VM hook between Lua instructions, or the scheduler's watchdog thread when the script
 * is stuck inside one native call that no hook reaches ({@link StepGuard}).
 *
 * <p>It reads the host's clock, not the device {@link Clock}: it guards host CPU time, which passes
 * even when device time is virtual.
 */
public final class Watchdog {
  static final long DISARMED = Long.MAX_VALUE;

  Watchdog(long timeoutNanos, StepGuard guard) {
    this.timeoutNanos = timeoutNanos;
    this.guard = guard;
  }

  /** True once the countdown has run out (a read; resetting the VM goes through {@link #bite()}). */
  public boolean expired() {
    long d = deadline;
    return d != DISARMED && System.nanoTime() - d >= 0;
  }

  /**
   * Claims the reset once the countdown has run out: true exactly once per arming, for the one
   * caller that then resets the VM and says so.
   */
  public boolean bite() {
    return expired() && bitten.compareAndSet(false, true);
  }

  /** True once this arming's reset has been claimed (by this thread or another). */
  public boolean bitten() {
    return bitten.get();
  }

  /** The script gave control back to the firmware (or starts): the countdown starts again. */
  public void feed() {
    boolean wasDisarmed = deadline == DISARMED;
    long d = System.nanoTime() + timeoutNanos;
    deadline = d;
    if (wasDisarmed) guard.watch(d);
  }

  public long timeoutMillis() {
    return TimeUnit.NANOSECONDS.toMillis(timeoutNanos);
  }

  /** A step resumes the script: the countdown starts. */
  void arm() {
    bitten.set(false);
    long d = System.nanoTime() + timeoutNanos;
    deadline = d;
    guard.watch(d);
  }

  /**
   * A step boots the VM: nothing counts until the firmware feeds the watchdog as the script starts,
   * so preparing a VM on a slow host never looks like a runaway script.
   */
  void standBy() {
    bitten.set(false);
    deadline = DISARMED;
  }

  void disarm() {
    deadline = DISARMED;
  }

  /** When the countdown runs out, in host nanoseconds, or {@link #DISARMED}. */
  long deadlineNanos() {
    return deadline;
  }

  private final long timeoutNanos;
  private final StepGuard guard; // told when a countdown starts, so it can watch the step
  private volatile long deadline = DISARMED;
  private final AtomicBoolean bitten = new AtomicBoolean(); // this arming's reset is claimed
}
