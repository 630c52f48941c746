package airemu.core;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The firmware timer table of one boot ({@code rtos.timer_start}/{@code timer_stop}): each id fires
 * a {@link Expired} message on the device's bus after its period, once or repeatedly.
 *
 * <p>Repeats are scheduled from the previous due time, not from delivery, so a periodic timer does
 * not drift. A stopped or restarted id may still have an expiry in the bus; {@link #claim} tells
 * the firmware whether that message is still live.
 */
public final class DeviceTimers {

  /** A timer expiry on the bus; {@code left} is how many more expiries follow it (-1: forever). */
  public record Expired(DeviceTimers owner, long id, long generation, long left) implements Message {}

  DeviceTimers(Device device) {
    this.device = device;
  }

  /**
   * Starts timer {@code id} firing after {@code periodMillis}; {@code repeat} is 0 for once, -1 forever,
   * n for n more times. Restarting an id replaces it. Returns false for a period below 1 ms.
   */
  public synchronized boolean start(long id, long periodMillis, long repeat) {
    if (periodMillis < 1 || closed) return false;
    stop(id);
    Entry e = new Entry(id, nextGeneration++, TimeUnit.MILLISECONDS.toNanos(periodMillis), repeat);
    active.put(id, e);
    schedule(e, device.clock().nanoTime() + e.periodNanos);
    return true;
  }

  /** Stops timer {@code id}; returns whether it was running. */
  public synchronized boolean stop(long id) {
    Entry e = active.remove(id);
    if (e == null) return false;
    if (e.timer != null) e.timer.cancel();
    return true;
  }

  public synchronized boolean isActive(long id) {
    return active.containsKey(id);
  }

  public synchronized int activeCount() {
    return active.size();
  }

  /** What {@link #claim} answers for an expiry whose timer was stopped or restarted meanwhile. */
  public static final long STALE = Long.MIN_VALUE;

  /**
   * Accepts an expiry taken from the bus. Returns the timer's repeats still to come (0 for the last
   * or only one, -1 for a timer that repeats forever), or {@link #STALE} when the timer is no longer
   * the live one for that id. A timer is finished by the delivery of its last expiry.
   */
  public synchronized long claim(Expired expired) {
    if (expired.owner() != this) return STALE;
    Entry e = active.get(expired.id());
    if (e == null || e.generation != expired.generation()) return STALE;
    if (expired.left() == 0) active.remove(e.id);
    return expired.left();
  }

  synchronized void cancelAll() {
    closed = true;
    for (Entry e : active.values()) if (e.timer != null) e.timer.cancel();
    active.clear();
  }

  private void schedule(Entry e, long due) {
    e.timer = device.scheduler().timers().schedule(due, () -> fire(e, due));
  }

  private void fire(Entry e, long due) {
    long left;
    synchronized (this) {
      if (active.get(e.id) != e) return;
      e.timer = null;
      left = e.remaining;
      if (e.remaining != 0) {
        if (e.remaining > 0) e.remaining--;
        schedule(e, due + e.periodNanos);
      }
    }
    device.post(new Expired(this, e.id, e.generation, left));
  }

  private static final class Entry {
    final long id;
    final long generation;
    final long periodNanos;
    long remaining; // expiries still to come after the next one; -1 = forever
    TimerService.Timer timer; // null once the last expiry fired

    Entry(long id, long generation, long periodNanos, long repeat) {
      this.id = id;
      this.generation = generation;
      this.periodNanos = periodNanos;
      this.remaining = repeat < 0 ? -1 : repeat;
    }
  }

  private final Device device;
  private final Map<Long, Entry> active = new HashMap<>();
  private long nextGeneration;
  private boolean closed;
}
