package airemu.cli;

/** What {@code airemu} exits with, so CI can tell a failing script from a misconfigured run. */
final class ExitCode {
  /** The run ended as asked: expected lines seen, the timeout reached without expectations, os.exit(0). */
  static final int OK = 0;
  /** The script failed: a Lua error ended the VM, the watchdog fired, or a --fail line appeared. */
  static final int SCRIPT_FAILED = 1;
  /** A usage or configuration error: bad option, unknown board, unreadable project or profile. */
  static final int USAGE = 2;
  /** The timeout passed before every --expect text was seen. */
  static final int TIMEOUT = 3;

  private ExitCode() {}
}
