package airemu.cli;

import java.io.PrintWriter;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What ends a run and what it exits with, from the {@code --expect} and {@code --fail} texts and
 * what the device did: the exit code, and the one line on stderr that explains an end CI did not
 * ask for (which {@code --fail} text matched, which {@code --expect} texts never appeared).
 *
 * <p>The device's listener feeds it (one thread at a time); {@link #finish} reads it once the
 * device has stopped, which orders every earlier call before it.
 */
final class RunEnd {
  RunEnd(List<String> expect, List<String> fail) {
    this.pending = new LinkedHashSet<>(expect);
    this.fail = List.copyOf(fail);
  }

  /** A line of the module's log; returns the exit code to stop the run with now, or -1 to go on. */
  int line(String text) {
    for (String f : fail) {
      if (text.contains(f)) {
        if (failText == null) { // the first match is the one to report; the VM may log on for a moment
          failText = f;
          failLine = lineContaining(text, f);
        }
        return ExitCode.SCRIPT_FAILED;
      }
    }
    if (!pending.isEmpty() && pending.removeIf(text::contains) && pending.isEmpty()) return ExitCode.OK;
    return -1;
  }

  /** The VM ended (main.lua returned, a Lua error, a watchdog reset); a reboot follows or the run stops. */
  void vmExited() {
    vmExited = true;
  }

  /** The device boots (again): a VM runs. */
  void booted() {
    vmExited = false;
  }

  /**
   * The exit code of a run whose device stopped with {@code deviceCode}, and its stderr line.
   *
   * @param timeout the {@code --timeout} text when the timeout ended the run, else null
   */
  int finish(int deviceCode, String timeout, PrintWriter err) {
    if (failText != null) {
      err.println("airemu: --fail '" + failText + "' matched: " + failLine);
      return ExitCode.SCRIPT_FAILED;
    }
    if (pending.isEmpty()) return timeout != null ? ExitCode.OK : deviceCode;
    String missing = " before a line containing: " + String.join(", ", pending);
    if (timeout != null) {
      err.println("airemu: timeout after " + timeout + missing);
      return ExitCode.EXPECTED_MISSING;
    }
    if (deviceCode == ExitCode.INTERRUPTED) return deviceCode;
    if (vmExited) {
      // a module would reboot and run on; the run cannot see the text any more: never a pass
      err.println("airemu: the Lua VM exited" + missing);
      return deviceCode == ExitCode.OK ? ExitCode.EXPECTED_MISSING : deviceCode;
    }
    err.println("airemu: the script called os.exit(" + deviceCode + ")" + missing);
    return deviceCode; // the script chose its exit code
  }

  /** The line of a (possibly multi-line) log record that holds {@code text}, for the --fail report. */
  private static String lineContaining(String record, String text) {
    for (String l : record.split("\n")) {
      if (l.contains(text)) return l.strip();
    }
    return record.lines().findFirst().orElse("").strip(); // the text spans lines
  }

  private final Set<String> pending; // --expect texts not seen yet
  private final List<String> fail;
  private String failText, failLine; // the --fail text that matched, and its line
  private boolean vmExited; // the VM of the current boot has ended
}
