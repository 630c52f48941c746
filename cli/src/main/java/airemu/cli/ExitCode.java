package airemu.cli;

/** What {@code airemu} exits with, so CI can tell a failing script from a misconfigured run. */
final class ExitCode {
  /**
   * The run ended as asked: every expected line seen; without --expect, the timeout, main.lua
   * returning or os.exit(0).
   */
  static final int OK = 0;
  /** The script failed: a Lua error ended the VM, the watchdog fired, or a --fail line appeared. */
  static final int SCRIPT_FAILED = 1;
  /** A usage or configuration error: bad option, unknown board, unreadable project or profile. */
  static final int USAGE = 2;
  /**
   * An --expect text never appeared: the timeout passed, or the VM exited without an error first
   * (main.lua returned). A VM error stays 1, and os.exit(n) still ends the run with n.
   */
  static final int EXPECTED_MISSING = 3;
  /** Interrupted (Ctrl-C), as a shell reports a SIGINT. */
  static final int INTERRUPTED = 130;

  private ExitCode() {}
}
