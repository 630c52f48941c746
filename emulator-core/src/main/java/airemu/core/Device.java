package airemu.core;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One emulated module: a message bus, firmware timers, an uptime and a log stream around a
 * {@link Firmware}. A device owns no thread: a {@link Scheduler} worker steps it when mail arrives or
 * its wait deadline passes, and the firmware returns a {@link Step} instead of blocking.
 *
 * <pre>{@code
 * Device device = scheduler.newDevice(options, d -> new LuaFirmware(d, setup), listener);
 * device.start();
 * int exitCode = device.stopped().join();
 * }</pre>
 */
public final class Device {
  /** Diagnostics only; looked up when needed so that a normal run never starts the logging system. */
  private static Logger log() {
    return LoggerFactory.getLogger(Device.class);
  }

  /** What happens when the VM dies: stop the run, or reboot after the module's delay as a module does. */
  public enum CrashPolicy { STOP, REBOOT }

  /** Per-device settings; {@code watchdogMillis} is how long one step may run without yielding. */
  public record Options(String name, CrashPolicy onCrash, long watchdogMillis) {
    public Options {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(onCrash, "onCrash");
      if (watchdogMillis <= 0) throw new IllegalArgumentException("watchdogMillis must be > 0");
    }
  }

  Device(Scheduler scheduler, Options options, Firmware.Factory factory, DeviceListener listener) {
    this.scheduler = scheduler;
    this.options = options;
    this.factory = factory;
    this.listener = listener;
    this.watchdog = new Watchdog(TimeUnit.MILLISECONDS.toNanos(options.watchdogMillis()));
  }

  /** Powers the device on; the first boot runs on a worker. */
  public void start() {
    if (!lifecycle.compareAndSet(NEW, BOOTING)) throw new IllegalStateException(name() + " already started");
    wake();
  }

  /** Delivers a message to the bus; messages to a stopped device are dropped. Any thread. */
  public void post(Message message) {
    if (lifecycle.get() == STOPPED) return;
    mailbox.add(message);
    Thread blocked = blockedWorker;
    if (blocked != null) LockSupport.unpark(blocked);
    wake();
  }

  /** Takes the next message, or null. Device thread only. */
  public Message poll() {
    return mailbox.poll();
  }

  public boolean hasMail() {
    return !mailbox.isEmpty();
  }

  /**
   * Blocks the stepping worker until mail arrives or the deadline passes, as the module's VM blocks
   * when {@code rtos.receive} is called outside the main loop. Returns the message or null.
   */
  public Message awaitMail(long deadlineNanos) {
    blockedWorker = Thread.currentThread();
    try {
      Message m;
      while ((m = mailbox.poll()) == null && !stopOrRebootRequested()) {
        long left = deadlineNanos - clock().nanoTime();
        if (left <= 0) return null;
        LockSupport.parkNanos(this, Math.min(left, TimeUnit.MILLISECONDS.toNanos(50)));
        if (watchdog.expired()) return null;
      }
      return m;
    } finally {
      blockedWorker = null;
    }
  }

  /** Ends the run with {@code exitCode} once the current step returns. Any thread. */
  public void stop(int exitCode) {
    stopCode = exitCode;
    stopRequested = true;
    wake();
  }

  /** Reboots the device once the current step returns (a reset pin, {@code AT+RESET}). Any thread. */
  public void requestReboot() {
    rebootRequested = true;
    wake();
  }

  /** Writes to the device's log stream. Device thread. */
  public void log(byte[] bytes) {
    LogRecord record = new LogRecord(uptimeMillis(), clock().currentTimeMillis(), bytes);
    try {
      listener.onLog(this, record);
    } catch (RuntimeException e) {
      log().error("{}: log listener failed", name(), e);
    }
  }

  public String name() {
    return options.name();
  }

  public Options options() {
    return options;
  }

  public Clock clock() {
    return scheduler.clock();
  }

  public Scheduler scheduler() {
    return scheduler;
  }

  /** Time since this boot began, as the module's {@code mcu.ticks()} counts it. */
  public long uptimeNanos() {
    return clock().nanoTime() - bootNanos;
  }

  public long uptimeMillis() {
    return TimeUnit.NANOSECONDS.toMillis(uptimeNanos());
  }

  /** The firmware timers of the current boot ({@code rtos.timer_start}). */
  public DeviceTimers timers() {
    return timers;
  }

  public Watchdog watchdog() {
    return watchdog;
  }

  public int bootCount() {
    return bootCount;
  }

  /** How many times a worker has stepped this device; an idle device's count does not move. */
  public long steps() {
    return steps.get();
  }

  /** Completes with the exit code when the device stops for good. */
  public CompletableFuture<Integer> stopped() {
    return stopped;
  }

  public boolean isStopped() {
    return lifecycle.get() == STOPPED;
  }

  @Override
  public String toString() {
    return "Device(" + name() + ")";
  }

  /** Schedules a step unless one is queued; a running step notices and runs again. */
  void wake() {
    for (;;) {
      int s = runState.get();
      if (s == IDLE) {
        if (runState.compareAndSet(IDLE, QUEUED)) {
          scheduler.execute(this::run);
          return;
        }
      } else if (s == RUNNING) {
        if (runState.compareAndSet(RUNNING, RUNNING_WOKEN)) return;
      } else {
        return; // QUEUED or RUNNING_WOKEN: a step will see the news
      }
    }
  }

  private void run() {
    runState.set(RUNNING);
    steps.incrementAndGet();
    Step step = null;
    try {
      step = stepOnce();
    } catch (Throwable t) {
      log().error("{}: firmware failed", name(), t);
      step = Step.vmExit("internal error: " + t, 0, 1);
    }
    try {
      if (step != null) handle(step);
    } catch (Throwable t) {
      log().error("{}: device failed", name(), t);
      stopNow(1);
    }
    afterStep(step);
  }

  /** Runs the firmware once; returns null when there was nothing to run. */
  private Step stepOnce() {
    int life = lifecycle.get();
    if (life == STOPPED) return null;
    if (stopRequested) {
      stopNow(stopCode);
      return null;
    }
    if (rebootRequested) {
      rebootRequested = false;
      if (life == RUNNING_VM) shutdownFirmware();
      lifecycle.set(BOOTING);
      life = BOOTING;
    }
    if (life == REBOOT_PENDING) return null;
    watchdog.arm();
    try {
      if (life == BOOTING) {
        boot();
        return firmware.boot();
      }
      return firmware.resume();
    } finally {
      watchdog.disarm();
    }
  }

  private void boot() {
    bootCount++;
    bootNanos = clock().nanoTime();
    timers = new DeviceTimers(this);
    lifecycle.set(RUNNING_VM);
    listener.onBoot(this, bootCount);
    firmware = factory.create(this);
  }

  private void handle(Step step) {
    if (stopRequested) {
      stopNow(stopCode);
      return;
    }
    switch (step.kind) {
      case WAIT -> armDeadline(step.value);
      case YIELD -> armDeadline(Long.MAX_VALUE);
      case EXIT -> stopNow(step.code);
      case REBOOT -> rebootAfter(step.value);
      case CRASH -> {
        listener.onCrash(this, step.reason);
        if (stopRequested) {
          stopNow(stopCode);
        } else if (options.onCrash() == CrashPolicy.STOP) {
          stopNow(step.code);
        } else {
          rebootAfter(step.value);
        }
      }
    }
    if (step.kind == Step.Kind.YIELD) runState.set(RUNNING_WOKEN);
  }

  private void afterStep(Step step) {
    if (lifecycle.get() == STOPPED) {
      runState.set(IDLE);
      return;
    }
    if (runState.compareAndSet(RUNNING, IDLE)) {
      // Mail posted between the firmware's last look and now must not be lost.
      if ((hasMail() && lifecycle.get() == RUNNING_VM) || stopRequested || rebootRequested) wake();
      return;
    }
    runState.set(QUEUED); // woken while running, or the firmware yielded its turn
    scheduler.execute(this::run);
  }

  private void rebootAfter(long delayMillis) {
    shutdownFirmware();
    rebootRequested = false;
    lifecycle.set(REBOOT_PENDING);
    scheduler.timers().scheduleAfter(delayMillis, TimeUnit.MILLISECONDS, () -> {
      if (lifecycle.compareAndSet(REBOOT_PENDING, BOOTING)) wake();
    });
  }

  /** Makes sure the device is stepped once the clock reaches {@code deadline}. */
  private void armDeadline(long deadline) {
    if (deadline == deadlineNanos && waitTimer != null) return;
    if (waitTimer != null) waitTimer.cancel();
    waitTimer = null;
    deadlineNanos = deadline;
    if (deadline != Long.MAX_VALUE) {
      waitTimer = scheduler.timers().schedule(deadline, this::wake);
    }
  }

  private void shutdownFirmware() {
    if (waitTimer != null) waitTimer.cancel();
    waitTimer = null;
    deadlineNanos = Long.MAX_VALUE;
    if (timers != null) timers.cancelAll();
    Firmware f = firmware;
    firmware = null;
    if (f != null) {
      try {
        f.close();
      } catch (RuntimeException e) {
        log().error("{}: firmware close failed", name(), e);
      }
    }
    mailbox.clear();
  }

  private void stopNow(int exitCode) {
    if (lifecycle.getAndSet(STOPPED) == STOPPED) return;
    shutdownFirmware();
    try {
      listener.onStopped(this, exitCode);
    } finally {
      stopped.complete(exitCode);
    }
  }

  private boolean stopOrRebootRequested() {
    return stopRequested || rebootRequested;
  }

  // lifecycle
  private static final int NEW = 0, BOOTING = 1, RUNNING_VM = 2, REBOOT_PENDING = 3, STOPPED = 4;
  // run state: at most one worker steps the device; a wake during a step makes it step again
  private static final int IDLE = 0, QUEUED = 1, RUNNING = 2, RUNNING_WOKEN = 3;

  private final Scheduler scheduler;
  private final Options options;
  private final Firmware.Factory factory;
  private final DeviceListener listener;
  private final Watchdog watchdog;
  private final ConcurrentLinkedQueue<Message> mailbox = new ConcurrentLinkedQueue<>();
  private final AtomicInteger lifecycle = new AtomicInteger(NEW);
  private final AtomicInteger runState = new AtomicInteger(IDLE);
  private final CompletableFuture<Integer> stopped = new CompletableFuture<>();
  private final java.util.concurrent.atomic.AtomicLong steps = new java.util.concurrent.atomic.AtomicLong();

  private volatile boolean stopRequested;
  private volatile int stopCode;
  private volatile boolean rebootRequested;
  private volatile Thread blockedWorker; // a worker parked in awaitMail

  // touched only by the stepping worker
  private Firmware firmware;
  private DeviceTimers timers = new DeviceTimers(this);
  private TimerService.Timer waitTimer;
  private long deadlineNanos = Long.MAX_VALUE;
  private volatile long bootNanos;
  private volatile int bootCount;
}
