package airemu.core;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Steps every device of a JVM on a small fixed pool of workers and one timer thread, so a thousand
 * devices cost a handful of threads and an idle device costs nothing: it is stepped only when mail
 * arrives or a deadline passes.
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
    this.timers = TimerService.started(clock, "airemu-timers");
    AtomicInteger n = new AtomicInteger();
    this.workers = new ThreadPoolExecutor(workers, workers, 0, TimeUnit.MILLISECONDS,
        new LinkedBlockingQueue<>(), r -> {
          Thread t = new Thread(r, "airemu-worker-" + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
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

  @Override
  public void close() {
    workers.shutdownNow();
    timers.close();
    try {
      workers.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  void execute(Runnable step) {
    workers.execute(step);
  }

  private final Clock clock;
  private final TimerService timers;
  private final ExecutorService workers;
}
