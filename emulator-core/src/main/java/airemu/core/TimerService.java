package airemu.core;

import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One queue of due actions for every device in the JVM, fired in (due time, insertion order) so that
 * timers due at the same instant fire in the order they were started and runs are reproducible.
 *
 * <p>Actions run on the timer thread and must only hand work over (post a message, wake a device).
 * Cancelling is lazy: a cancelled timer stays queued until it is due or until cancelled timers
 * outnumber live ones, when the queue is rebuilt.
 *
 * <pre>{@code
 * TimerService timers = TimerService.started(Clock.system(), "airemu-timers");
 * TimerService.Timer t = timers.schedule(clock.nanoTime() + 1_000_000, () -> device.post(msg));
 * t.cancel();
 * }</pre>
 */
public final class TimerService implements AutoCloseable {
  private static final int PURGE_THRESHOLD = 256;

  /** Starts a service with its own thread that sleeps until the next due timer. */
  public static TimerService started(Clock clock, String threadName) {
    TimerService service = new TimerService(clock);
    Thread thread = new Thread(service::loop, threadName);
    thread.setDaemon(true);
    service.thread = thread;
    thread.start();
    return service;
  }

  /** A service without a thread: due timers fire only when {@link #runDue()} is called. */
  public static TimerService manual(Clock clock) {
    return new TimerService(clock);
  }

  private TimerService(Clock clock) {
    this.clock = clock;
  }

  public Clock clock() {
    return clock;
  }

  /** Runs {@code action} once {@link Clock#nanoTime()} reaches {@code dueNanos}. */
  public Timer schedule(long dueNanos, Runnable action) {
    Timer timer = new Timer(this, dueNanos, action);
    lock.lock();
    try {
      if (closed) throw new IllegalStateException("timer service is closed");
      timer.seq = nextSeq++;
      queue.add(timer);
      if (queue.peek() == timer) changed.signal();
    } finally {
      lock.unlock();
    }
    return timer;
  }

  /** Schedules {@code action} after {@code delay} from now. */
  public Timer scheduleAfter(long delay, TimeUnit unit, Runnable action) {
    return schedule(clock.nanoTime() + unit.toNanos(delay), action);
  }

  /** Fires every timer that is due now, in order; returns how many fired. */
  public int runDue() {
    int fired = 0;
    for (Timer due; (due = pollDue()) != null; ) {
      due.action.run();
      fired++;
    }
    return fired;
  }

  /** The due time of the earliest live timer, or {@link Long#MAX_VALUE} when none is queued. */
  public long nextDueNanos() {
    lock.lock();
    try {
      Timer head = peekLive();
      return head == null ? Long.MAX_VALUE : head.dueNanos;
    } finally {
      lock.unlock();
    }
  }

  /** Live timers queued; for tests and leak checks. */
  public int pending() {
    lock.lock();
    try {
      return queue.size() - cancelled;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void close() {
    lock.lock();
    try {
      closed = true;
      queue.clear();
      cancelled = 0;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
    if (thread != null && thread != Thread.currentThread()) {
      try {
        thread.join(TimeUnit.SECONDS.toMillis(5));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private Timer pollDue() {
    lock.lock();
    try {
      Timer head = peekLive();
      if (head == null || head.dueNanos - clock.nanoTime() > 0) return null;
      queue.poll();
      head.state = Timer.FIRED;
      return head;
    } finally {
      lock.unlock();
    }
  }

  private void loop() {
    lock.lock();
    try {
      while (!closed) {
        Timer head = peekLive();
        if (head == null) {
          changed.awaitUninterruptibly();
          continue;
        }
        long wait = head.dueNanos - clock.nanoTime();
        if (wait > 0) {
          changed.awaitNanos(wait);
          continue;
        }
        queue.poll();
        head.state = Timer.FIRED;
        lock.unlock();
        try {
          head.action.run();
        } catch (RuntimeException e) {
          org.slf4j.LoggerFactory.getLogger(TimerService.class).error("timer action failed", e);
        } finally {
          lock.lock();
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      lock.unlock();
    }
  }

  /** Drops cancelled timers at the head; rebuilds the queue when they dominate. Lock held. */
  private Timer peekLive() {
    Timer head;
    while ((head = queue.peek()) != null && head.state == Timer.CANCELLED) {
      queue.poll();
      cancelled--;
    }
    return head;
  }

  /** Counts a cancellation; rebuilds the queue once cancelled timers dominate it. Lock held. */
  private void cancelledLocked() {
    cancelled++;
    if (cancelled > PURGE_THRESHOLD && cancelled * 2 > queue.size()) {
      List<Timer> live = new ArrayList<>(queue.size() - cancelled);
      for (Timer t : queue) if (t.state != Timer.CANCELLED) live.add(t);
      queue.clear();
      queue.addAll(live);
      cancelled = 0;
    }
  }

  /** A scheduled action; {@link #cancel()} is idempotent and harmless after it fired. */
  public static final class Timer implements Comparable<Timer> {
    static final int QUEUED = 0, FIRED = 1, CANCELLED = 2;

    private final TimerService owner;
    private final long dueNanos;
    private final Runnable action;
    private long seq; // tie-breaker: insertion order among equal due times
    private int state; // guarded by owner.lock

    private Timer(TimerService owner, long dueNanos, Runnable action) {
      this.owner = owner;
      this.dueNanos = dueNanos;
      this.action = action;
    }

    public long dueNanos() {
      return dueNanos;
    }

    /** Cancels the timer; returns false when it already fired or was cancelled. */
    public boolean cancel() {
      owner.lock.lock();
      try {
        if (state != QUEUED) return false;
        state = CANCELLED;
        owner.cancelledLocked();
        return true;
      } finally {
        owner.lock.unlock();
      }
    }

    @Override
    public int compareTo(Timer o) {
      int byDue = Long.compare(dueNanos - o.dueNanos, 0);
      return byDue != 0 ? byDue : Long.compare(seq, o.seq);
    }
  }

  private final Clock clock;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final PriorityQueue<Timer> queue = new PriorityQueue<>();
  private long nextSeq;
  private int cancelled; // cancelled timers still in the queue
  private boolean closed;
  private Thread thread; // null for a manual service
}
