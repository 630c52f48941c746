package airemu.core;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Steps every device of a JVM on a small fixed pool of workers, one timer thread and one watchdog
 * thread, so a thousand devices cost a handful of threads and an idle device costs nothing: it is
 * stepped only when mail arrives or a deadline passes.
 *
 * <p>A step stuck inside one native call is given up by the watchdog thread ({@link StepGuard}) and
 * its worker replaced for as long as it stays stuck, so one hung script cannot starve the others.
 *
 * <pre>{@code
 * try (Scheduler scheduler = Scheduler.create(Clock.system(), Scheduler.defaultWorkers())) {
 *   Device device = scheduler.newDevice(options, firmwareFactory, listener);
 *   device.start();
 * }
 * }</pre>
 */
public final class Scheduler implements AutoCloseable {

  /** One worker per core, at least two, so one busy device cannot stall the rest. */
  public static int defaultWorkers() {
    return Math.max(2, Runtime.getRuntime().availableProcessors());
  }

  public static Scheduler create(Clock clock, int workers) {
    return new Scheduler(clock, workers);
  }

  private Scheduler(Clock clock, int workers) {
    if (workers < 1) throw new IllegalArgumentException("workers must be >= 1: " + workers);
    this.clock = clock;
    this.size = workers;
    this.timers = TimerService.started(clock, "airemu-timers");
    this.guard = new StepGuard(this);
    this.pool = new ThreadPoolExecutor(workers, workers, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), WorkerFactory.of(this));
    guard.start();
  }

  public Device newDevice(Device.Options options, Firmware.Factory firmware, DeviceListener listener) {
    return new Device(this, options, firmware, listener);
  }

  public Clock clock() {
    return clock;
  }

  public TimerService timers() {
    return timers;
  }

  /** Steps given up as stuck whose worker has not come back yet; each holds one extra thread. */
  public int stuckSteps() {
    synchronized (pool) {
      return stuck;
    }
  }

  @Override
  public void close() {
    guard.close();
    pool.shutdownNow();
    timers.close();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    for (Worker w : workers) {
      if (w.stuck) continue; // inside a native call that may never return: nothing to wait for
      try {
        w.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** Queues a step of {@code device} on a worker. */
  void execute(Runnable step) {
    pool.execute(step);
  }

  /** Runs one step of {@code device} on the calling worker. */
  void runStep(Device device) {
    Worker w = (Worker) Thread.currentThread();
    w.device = device;
    try {
      device.run();
    } finally {
      boolean cameBack;
      synchronized (w) {
        w.device = null;
        cameBack = w.stuck;
        w.stuck = false;
      }
      if (cameBack) resize(-1); // its step was given up long ago and the device moved on without it
    }
  }

  /**
   * Gives up the step {@code w} is running if it is still overdue (watchdog thread): the worker is
   * marked stuck and replaced, atomically with respect to the step returning.
   */
  boolean giveUpStep(Worker w, Device d, long now) {
    synchronized (w) {
      if (w.device != d || w.stuck || !d.claimStuckStep(now)) return false;
      w.stuck = true;
      resize(+1);
      return true;
    }
  }

  StepGuard guard() {
    return guard;
  }

  Set<Worker> workers() {
    return workers;
  }

  private void resize(int delta) {
    synchronized (pool) {
      stuck += delta;
      int n = size + stuck;
      if (delta > 0) { // the maximum first: the core size may never exceed it
        pool.setMaximumPoolSize(n);
        pool.setCorePoolSize(n);
      } else {
        pool.setCorePoolSize(n);
        pool.setMaximumPoolSize(n); // an idle surplus worker ends
      }
    }
  }

  /** A worker thread; the watchdog thread reads what each one is stepping. */
  static final class Worker extends Thread {
    Worker(Runnable r, String name, Set<Worker> registry) {
      super(r, name);
      this.registry = registry;
      setDaemon(true);
    }

    @Override
    public void run() {
      try {
        super.run();
      } finally {
        registry.remove(this);
      }
    }

    private final Set<Worker> registry;
    volatile Device device; // the device this worker is stepping, or null
    volatile boolean stuck; // its step was given up (set under the worker's lock); not waited for at close
  }

  /** Names workers and registers them with their scheduler (a class, not a lambda: see Main's warm-up). */
  private static final class WorkerFactory implements java.util.concurrent.ThreadFactory {
    static WorkerFactory of(Scheduler s) {
      return new WorkerFactory(s.workers);
    }

    private WorkerFactory(Set<Worker> workers) {
      this.workers = workers;
    }

    @Override
    public Thread newThread(Runnable r) {
      Worker w = new Worker(r, "airemu-worker-" + count.incrementAndGet(), workers);
      workers.add(w);
      return w;
    }

    private final Set<Worker> workers;
    private final AtomicInteger count = new AtomicInteger();
  }

  private final Clock clock;
  private final int size; // workers when none is stuck
  private final TimerService timers;
  private final StepGuard guard;
  private final Set<Worker> workers = ConcurrentHashMap.newKeySet();
  private final ThreadPoolExecutor pool;
  private int stuck; // guarded by pool
}
