package airemu.core;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The scheduler's watchdog thread: it gives up a step that runs on past its device's watchdog, or
 * past a stop or reboot request, because the script is stuck inside one native call (a pathological
 * {@code string.find}, a blocking {@code io.open}) where no VM hook runs and nothing else can stop it.
 *
 * <p>A module's hardware watchdog would reset it; here the device is taken over on this thread: the
 * firmware says the reset as the module does and the device stops or reboots, while the stuck worker
 * is replaced, so the other devices keep their threads. The stuck thread keeps the old VM, which
 * nothing touches again; if the call ever returns, that thread closes it.
 *
 * <p>It sleeps until the earliest moment a running step could be overdue, and indefinitely while no
 * step is armed, so an idle scheduler costs nothing.
 */
final class StepGuard implements Runnable {
  /**
   * How long past its deadline a step may still run. The VM hook stops a Lua loop within a millisecond
   * of the watchdog, so a step still running this much later is inside one native call. Giving up a
   * step that was merely slow is harmless: the outcome is the same, its VM is closed when it returns.
   */
  static final long GRACE_NANOS = TimeUnit.MILLISECONDS.toNanos(250);
  static final long NONE = Long.MAX_VALUE;

  StepGuard(Scheduler scheduler) {
    this.scheduler = scheduler;
    this.thread = new Thread(this, "airemu-watchdog");
    thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  /** A countdown or a request that ends at {@code deadlineNanos} started: wake up in time for it. Any thread. */
  void watch(long deadlineNanos) {
    long due = deadlineNanos + GRACE_NANOS;
    long until = sleepsUntil;
    if (until == NONE || due - until < 0) LockSupport.unpark(thread);
  }

  void close() {
    closed = true;
    LockSupport.unpark(thread);
  }

  @Override
  public void run() {
    while (!closed) {
      long next = scan();
      // publish the nap, then look again: a step armed meanwhile either sees the nap and wakes us, or is seen here
      sleepsUntil = next;
      long again = scan();
      if (again != next) {
        sleepsUntil = NONE;
        continue;
      }
      if (next == NONE) {
        LockSupport.park(this);
      } else {
        long left = next - System.nanoTime();
        if (left > 0) LockSupport.parkNanos(this, left);
      }
      sleepsUntil = NONE;
    }
  }

  /** Gives up every overdue step; returns when the next running step becomes overdue, or {@link #NONE}. */
  private long scan() {
    long next = NONE;
    long now = System.nanoTime();
    for (Scheduler.Worker w : scheduler.workers()) {
      Device d = w.device;
      if (d == null || w.stuck) continue;
      long due = d.overdueAt();
      if (due == NONE) continue;
      if (now - due >= 0) {
        if (scheduler.giveUpStep(w, d, now)) d.takeOverStuckStep();
      } else if (next == NONE || due - next < 0) {
        next = due;
      }
    }
    return next;
  }

  private final Scheduler scheduler;
  private final Thread thread;
  private volatile boolean closed;
  private volatile long sleepsUntil = NONE; // when the guard will look again (NONE: not before it is woken)
}
