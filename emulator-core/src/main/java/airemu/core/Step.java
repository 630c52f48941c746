package airemu.core;

/**
 * What a firmware step ended with: the device waits for mail, goes on later, or stops its VM.
 *
 * <p>A firmware never blocks its worker: when the script waits (inside {@code rtos.receive}) the step
 * returns {@link #waitUntil} and the device is stepped again when mail arrives or the deadline passes.
 */
public final class Step {
  enum Kind { WAIT, YIELD, EXIT, CRASH, REBOOT }

  private static final Step FOREVER = new Step(Kind.WAIT, Long.MAX_VALUE, 0, null);
  private static final Step YIELD = new Step(Kind.YIELD, 0, 0, null);

  /** Runnable again when mail arrives or {@link Clock#nanoTime()} reaches {@code deadlineNanos}. */
  public static Step waitUntil(long deadlineNanos) {
    return new Step(Kind.WAIT, deadlineNanos, 0, null);
  }

  /** Runnable again only when mail arrives. */
  public static Step waitForMail() {
    return FOREVER;
  }

  /** Still runnable: gives other devices a turn first. */
  public static Step yieldTurn() {
    return YIELD;
  }

  /** The script ended the VM on purpose ({@code os.exit(code)}). */
  public static Step exit(int code) {
    return new Step(Kind.EXIT, 0, code, null);
  }

  /**
   * The VM ended (a script error, a watchdog reset, main.lua returning); a module reboots after
   * {@code rebootDelayMillis}. {@code exitCode} is what a run that does not reboot ends with.
   */
  public static Step vmExit(String reason, long rebootDelayMillis, int exitCode) {
    return new Step(Kind.CRASH, rebootDelayMillis, exitCode, reason);
  }

  /** The script asked for a reboot ({@code rtos.reboot()}, {@code AT+RESET}); it happens after {@code delayMillis}. */
  public static Step reboot(String reason, long delayMillis) {
    return new Step(Kind.REBOOT, delayMillis, 0, reason);
  }

  private Step(Kind kind, long value, int code, String reason) {
    this.kind = kind;
    this.value = value;
    this.code = code;
    this.reason = reason;
  }

  @Override
  public String toString() {
    return kind + (reason == null ? "" : "(" + reason + ")");
  }

  final Kind kind;
  final long value; // deadline for WAIT, reboot delay for CRASH and REBOOT
  final int code; // exit code for EXIT and CRASH
  final String reason;
}
