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

  /** Per-device settings; {@code watchdogMillis} is how long the script may run without returning to the main loop. */
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
    this.watchdog = new Watchdog(TimeUnit.MILLISECONDS.toNanos(options.watchdogMillis()), scheduler.guard());
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
    Thread me = Thread.currentThread();
    blockedWorker = me;
    // the VM waits in the firmware, not in the script: a module's watchdog is fed meanwhile
    watchdog.disarm();
    try {
      Message m = null;
      // a step given up meanwhile (its worker was stuck and came back) must not take the next boot's mail
      while (stepper == me && (m = mailbox.poll()) == null && !stopOrRebootPending()) {
        long left = deadlineNanos - clock().nanoTime();
        if (left <= 0) return null;
        // post, stop and reboot unpark; only a clock moved by hand must be looked at again
        LockSupport.parkNanos(this, clock() == Clock.system() ? left : Math.min(left, TimeUnit.MILLISECONDS.toNanos(50)));
      }
      return stepper == me ? m : null;
    } finally {
      blockedWorker = null;
      watchdog.feed();
    }
  }

  /** Ends the run with {@code exitCode} once the current step returns. Any thread. */
  public void stop(int exitCode) {
    stopCode = exitCode;
    stopRequested = true;
    noteRequest();
    wake();
  }

  /** Reboots the device once the current step returns (a reset pin, {@code AT+RESET}). Any thread. */
  public void requestReboot() {
    rebootRequested = true;
    noteRequest();
    wake();
  }

  /**
   * True while a stop or reboot waits for the current step to return: the firmware ends its VM at the
   * next chance rather than finishing a long step first.
   */
  public boolean stopOrRebootPending() {
    return stopRequested || rebootRequested;
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
          scheduler.execute(stepTask);
          return;
        }
      } else if (s == RUNNING) {
        if (runState.compareAndSet(RUNNING, RUNNING_WOKEN)) return;
      } else {
        return; // QUEUED or RUNNING_WOKEN: a step will see the news
      }
    }
  }

  /** One step, on a worker ({@link Scheduler#runStep}). */
  void run() {
    long token = steps.incrementAndGet();
    runningStep.set(token);
    stepper = Thread.currentThread();
    runState.set(RUNNING);
    Firmware f = null;
    Step step = null;
    try {
      int life = lifecycle.get();
      if (life == STOPPED) {
        // nothing to run
      } else if (stopRequested) {
        stopNow(stopCode);
      } else {
        if (rebootRequested) {
          rebootRequested = false;
          requestedAt = StepGuard.NONE;
          if (life == RUNNING_VM) shutdownFirmware();
          lifecycle.set(BOOTING);
          life = BOOTING;
        }
        if (life == BOOTING) {
          watchdog.standBy();
          f = boot(token);
          if (f != null) step = f.boot();
        } else if (life == RUNNING_VM) {
          watchdog.arm();
          f = firmware;
          if (f != null) step = f.resume();
        }
      }
    } catch (Throwable t) {
      log().error("{}: firmware failed", name(), t);
      step = Step.vmExit("internal error: " + t, 0, 1);
    }
    if (!runningStep.compareAndSet(token, 0)) {
      // The watchdog thread gave this step up while it was stuck and the device has moved on without
      // it: this thread alone holds the old VM, and the only thing it may still do is close it.
      if (f != null) closeQuietly(f);
      return;
    }
    stepper = null;
    watchdog.disarm();
    try {
      if (step != null) handle(step);
    } catch (Throwable t) {
      log().error("{}: device failed", name(), t);
      stopNow(1);
    }
    afterStep(step);
  }

  /** When the running step is overdue (host nanoseconds), or {@link StepGuard#NONE}. Watchdog thread. */
  long overdueAt() {
    if (runningStep.get() <= 0) return StepGuard.NONE;
    long due = StepGuard.NONE;
    long wd = watchdog.deadlineNanos();
    // once the VM hook has bitten, the script is unwinding and ends in a moment: nothing to give up
    if (wd != Watchdog.DISARMED && !watchdog.bitten()) due = wd + StepGuard.GRACE_NANOS;
    long req = requestedAt;
    if (req != StepGuard.NONE && (due == StepGuard.NONE || req + StepGuard.GRACE_NANOS - due < 0)) {
      due = req + StepGuard.GRACE_NANOS;
    }
    return due;
  }

  /**
   * Claims the running step if it is overdue at {@code now}, so that its result is thrown away when it
   * returns, and takes its firmware away from the device (watchdog thread).
   */
  boolean claimStuckStep(long now) {
    synchronized (adoption) {
      long token = runningStep.get();
      long due = overdueAt();
      if (token <= 0 || due == StepGuard.NONE || now - due < 0) return false;
      if (!runningStep.compareAndSet(token, GIVEN_UP)) return false;
      stepper = null;
      givenUp = firmware;
      firmware = null; // never closed here: its VM is in use on the stuck thread
      return true;
    }
  }

  /**
   * Ends a claimed step as the module would (watchdog thread): a stop or reboot that was asked for
   * happens now; otherwise the watchdog resets the VM, which the firmware says in its own words.
   */
  void takeOverStuckStep() {
    Firmware f = givenUp;
    givenUp = null;
    boolean requested = stopOrRebootPending();
    // the watchdog bites here unless the VM hook bit first (it is saying so) or the run is ending anyway
    boolean report = !requested && watchdog.bite();
    Step step = null;
    try {
      if (f != null) step = f.abandon(report);
    } catch (RuntimeException e) {
      log().error("{}: firmware abandon failed", name(), e);
    }
    log().debug("{}: a step stuck in one call was given up ({})", name(), requested ? "stop or reboot asked" : "watchdog");
    watchdog.disarm();
    try {
      if (stopRequested) {
        stopNow(stopCode);
      } else if (!requested) {
        handle(step != null ? step : Step.vmExit("watchdog", 0, 1));
      }
    } catch (Throwable t) {
      log().error("{}: device failed", name(), t);
      stopNow(1);
    }
    afterStep(step);
  }

  /** Starts a boot; returns its firmware, or null when the step was given up while it was made. */
  private Firmware boot(long token) {
    bootCount++;
    bootNanos = clock().nanoTime();
    timers = new DeviceTimers(this);
    lifecycle.set(RUNNING_VM);
    listener.onBoot(this, bootCount);
    Firmware created = factory.create(this);
    synchronized (adoption) {
      if (runningStep.get() == token) {
        firmware = created;
        return created;
      }
    }
    closeQuietly(created);
    return null;
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
  }

  private void afterStep(Step step) {
    if (lifecycle.get() == STOPPED) {
      runState.set(IDLE);
      return;
    }
    if (step == null || step.kind != Step.Kind.YIELD) {
      // Woken while running: often by mail the step took itself (its own timers and network post to
      // it), which is no reason to step again. Go idle, then look once more, so nothing is lost.
      if (runState.compareAndSet(RUNNING, IDLE) || runState.compareAndSet(RUNNING_WOKEN, IDLE)) {
        if (hasWork()) wake();
        return;
      }
    }
    runState.set(QUEUED); // the firmware yielded its turn: step again after the others
    scheduler.execute(stepTask);
  }

  /** Whether the device needs a step: mail, a passed deadline, a boot, a stop or reboot. Stepping thread. */
  private boolean hasWork() {
    int life = lifecycle.get();
    if (stopOrRebootPending() || life == BOOTING) return true;
    if (life != RUNNING_VM) return false;
    return hasMail() || (deadlineNanos != Long.MAX_VALUE && clock().nanoTime() - deadlineNanos >= 0);
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
    if (f != null) closeQuietly(f);
    mailbox.clear();
  }

  private void closeQuietly(Firmware f) {
    try {
      f.close();
    } catch (RuntimeException e) {
      log().error("{}: firmware close failed", name(), e);
    }
  }

  /** Remembers when a stop or reboot was first asked for, so the watchdog thread can see a step ignore it. */
  private void noteRequest() {
    Thread blocked = blockedWorker;
    if (blocked != null) LockSupport.unpark(blocked); // a VM blocked in rtos.receive sees the request now
    long now = System.nanoTime();
    if (requestedAt == StepGuard.NONE) requestedAt = now;
    scheduler.guard().watch(now);
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

  /** What a worker runs to step this device (a class, not a lambda: see Main's warm-up). */
  private final class StepTask implements Runnable {
    @Override
    public void run() {
      scheduler.runStep(Device.this);
    }
  }

  // lifecycle
  private static final int NEW = 0, BOOTING = 1, RUNNING_VM = 2, REBOOT_PENDING = 3, STOPPED = 4;
  // run state: at most one worker steps the device; a wake during a step makes it step again
  private static final int IDLE = 0, QUEUED = 1, RUNNING = 2, RUNNING_WOKEN = 3;
  private static final long GIVEN_UP = -1; // runningStep of a step the watchdog thread took over

  private final Scheduler scheduler;
  private final Options options;
  private final Firmware.Factory factory;
  private final DeviceListener listener;
  private final Watchdog watchdog;
  private final Runnable stepTask = new StepTask();
  private final ConcurrentLinkedQueue<Message> mailbox = new ConcurrentLinkedQueue<>();
  private final AtomicInteger lifecycle = new AtomicInteger(NEW);
  private final AtomicInteger runState = new AtomicInteger(IDLE);
  private final CompletableFuture<Integer> stopped = new CompletableFuture<>();
  private final java.util.concurrent.atomic.AtomicLong steps = new java.util.concurrent.atomic.AtomicLong();
  private final java.util.concurrent.atomic.AtomicLong runningStep = new java.util.concurrent.atomic.AtomicLong(); // 0: none
  private final Object adoption = new Object(); // a step's firmware is adopted or given up under this lock

  private volatile boolean stopRequested;
  private volatile int stopCode;
  private volatile boolean rebootRequested;
  private volatile Thread blockedWorker; // a worker parked in awaitMail
  private volatile Thread stepper; // the worker running the current step, until it ends or is given up
  private volatile long requestedAt = StepGuard.NONE; // host nanos of the pending stop or reboot request

  // touched only by the stepping worker (or the watchdog thread once it took the step over)
  private volatile Firmware firmware;
  private Firmware givenUp; // watchdog thread: between claimStuckStep and takeOverStuckStep
  private DeviceTimers timers = new DeviceTimers(this);
  private TimerService.Timer waitTimer;
  private long deadlineNanos = Long.MAX_VALUE;
  private volatile long bootNanos;
  private volatile int bootCount;
}
