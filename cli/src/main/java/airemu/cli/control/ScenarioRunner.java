package airemu.cli.control;

import airemu.config.ConfigException;
import airemu.config.Scenario;
import airemu.core.TimerService;
import airemu.netif.Environment;
import airemu.netif.Fault;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Plays a scenario's timeline against a running device: each step at its time from the start of the
 * run (reboots do not restart the timeline), undone after {@code for}, again every {@code every} for
 * {@code repeat} times. Steps run on the timer thread; only the next occurrence of each step is queued.
 */
public final class ScenarioRunner implements AutoCloseable {

  /**
   * Checks the scenario against the board (adapter names, addresses) before anything runs.
   *
   * @throws ConfigException naming the file, line and column of the first value that does not fit the board
   */
  public static ScenarioRunner prepare(Scenario scenario, Controls controls, TimerService timers, Events events)
      throws ConfigException {
    for (Scenario.Step s : scenario.timeline()) {
      String key = "adapter";
      try {
        if (s.adapter() != null) controls.adapter(s.adapter());
        key = "ip";
        if (s.action() == Scenario.Action.IP_CHANGE && s.params().containsKey("ip")) Controls.ipv4(s.text("ip", null));
      } catch (IllegalArgumentException e) {
        throw scenario.errorAt(s, key, e.getMessage());
      }
    }
    return new ScenarioRunner(scenario, controls, timers, events);
  }

  /** Starts the timeline now. */
  public void start() {
    long origin = timers.clock().nanoTime();
    for (Scenario.Step s : scenario.timeline()) schedule(s, 0, origin + TimeUnit.MILLISECONDS.toNanos(s.atMillis()));
  }

  @Override
  public void close() {
    synchronized (queued) {
      closed = true;
      queued.forEach(TimerService.Timer::cancel);
      queued.clear();
    }
  }

  // --- private --------------------------------------------------------------------------------------

  private ScenarioRunner(Scenario scenario, Controls controls, TimerService timers, Events events) {
    this.scenario = scenario;
    this.controls = controls;
    this.environment = controls.environment();
    this.timers = timers;
    this.events = events;
  }

  private void schedule(Scenario.Step s, int occurrence, long dueNanos) {
    at(dueNanos, () -> {
      apply(s);
      if (s.forMillis() > 0 || s.action() == Scenario.Action.FLAP) {
        long undoAfter = s.action() == Scenario.Action.FLAP ? s.millis("down", 0) : s.forMillis();
        at(dueNanos + TimeUnit.MILLISECONDS.toNanos(undoAfter), () -> undo(s));
      }
      if (occurrence + 1 < s.repeat()) schedule(s, occurrence + 1, dueNanos + TimeUnit.MILLISECONDS.toNanos(s.everyMillis()));
    });
  }

  private void at(long dueNanos, Runnable action) {
    synchronized (queued) {
      if (closed) return;
      queued.removeIf(t -> t.dueNanos() < timers.clock().nanoTime()); // fired ones
      queued.add(timers.schedule(dueNanos, action));
    }
  }

  private void apply(Scenario.Step s) {
    String a = s.adapter() == null ? null : controls.adapter(s.adapter());
    Fault fault = faultOf(s);
    if (fault != null) {
      environment.fault(a, fault);
      return;
    }
    switch (s.action()) {
      case LINK_DOWN, FLAP -> environment.link(a, false);
      case LINK_UP -> environment.link(a, true);
      case IP_LOSE -> environment.ip(a, false);
      case IP_READY -> environment.ip(a, true);
      case IP_CHANGE -> environment.changeIp(a, s.params().containsKey("ip") ? s.text("ip", null) : controls.freshAddress());
      case RESET -> environment.reset(a);
      case CLEAR -> environment.clearAll(a);
      case REBOOT -> {
        events.control("reboot (" + scenario.file() + ":" + s.line() + ")");
        controls.device().requestReboot();
      }
      default -> throw new IllegalStateException("unhandled scenario action " + s.action());
    }
  }

  /** What {@code for} ends; the scenario parser allows it only on these actions. */
  private void undo(Scenario.Step s) {
    String a = controls.adapter(s.adapter());
    Fault fault = faultOf(s);
    if (fault != null) environment.clear(a, fault.kind());
    else if (s.action() == Scenario.Action.IP_LOSE) environment.ip(a, true);
    else environment.link(a, true); // link-down, flap
  }

  private static Fault faultOf(Scenario.Step s) {
    return switch (s.action()) {
      case DNS -> new Fault.Dns("timeout".equals(s.text("mode", "fail")));
      case UNREACHABLE -> new Fault.Unreachable(s.text("host", "*"));
      case LATENCY -> new Fault.Latency(s.millis("delay", 0), s.millis("jitter", 0));
      case LOSS -> new Fault.Loss((int) s.millis("percent", 100));
      case BANDWIDTH -> new Fault.Bandwidth(s.millis("kbps", 1));
      case BLACKHOLE -> new Fault.Blackhole();
      default -> null;
    };
  }

  private final Scenario scenario;
  private final Controls controls;
  private final Environment environment;
  private final TimerService timers;
  private final Events events;
  private final List<TimerService.Timer> queued = new ArrayList<>();
  private boolean closed;
}
