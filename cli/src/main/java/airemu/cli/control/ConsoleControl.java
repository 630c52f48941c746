package airemu.cli.control;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.Reader;
import java.nio.charset.Charset;

/**
 * Commands typed while a run goes on: each line of {@code in} is a {@link Controls} command, answered
 * on {@code out} (stderr, so stdout stays the module's log). One daemon thread blocks on the input; it
 * ends with the input or the run.
 */
public final class ConsoleControl {
  /** Far longer than any command; a longer line means the input is something else. */
  private static final int MAX_LINE = 4096;

  private ConsoleControl() {}

  /**
   * Reads commands from the process's standard input, whatever it is: a terminal, even with the log
   * piped on ({@code airemu run app/ | grep user}), or a pipe or file the user gave
   * ({@code airemu run app/ < commands.txt}). Its end (a closed pipe, {@code /dev/null}, Ctrl-D)
   * ends the console, never the run; so does an input that is no text ({@link #command}).
   *
   * <p>A run in the background of an interactive shell ({@code airemu run app/ > log &}) reads a
   * terminal it does not own: the kernel would stop the whole process (SIGTTIN) at the first read.
   * With that signal ignored the read fails instead (EIO), and the console ends while the run goes on.
   */
  public static Thread startOnStdin(InputStream stdin, PrintWriter out, Controls controls, Events events) {
    ignoreBackgroundReads();
    return start(new InputStreamReader(stdin, Charset.defaultCharset()), out, controls, events);
  }

  public static Thread start(Reader in, PrintWriter out, Controls controls, Events events) {
    Thread t = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(in)) {
        for (String line; (line = command(r)) != null; ) {
          if (line.isBlank()) continue;
          answer(line, out, controls, events);
        }
      } catch (NotText e) {
        out.println("airemu: stdin is not text; the console stops reading it (commands are lines such as 'status')");
        out.flush();
      } catch (IOException e) {
        // the terminal went away, or it is not ours to read (a run in the background): nothing more to read
      }
    }, "airemu-console");
    t.setDaemon(true);
    t.start();
    return t;
  }

  /** SIGTTIN ignored, where there is one (not on Windows, which has no job control). */
  private static void ignoreBackgroundReads() {
    try {
      sun.misc.Signal.handle(new sun.misc.Signal("TTIN"), sun.misc.SignalHandler.SIG_IGN);
    } catch (IllegalArgumentException | UnsupportedOperationException noSuchSignal) {
      // nothing stops a process that reads its console here
    }
  }

  /**
   * The next line of {@code r}, or null at its end. An input that is no text (a NUL, bytes that are
   * no characters, a line longer than any command) is not read further: with stdin closed
   * ({@code <&-}), file descriptor 0 is whatever file the JVM opened first, such as its own libraries.
   */
  static String command(BufferedReader r) throws IOException {
    StringBuilder line = new StringBuilder();
    for (int c; (c = r.read()) != -1; ) {
      if (c == '\n') return line.toString();
      if (c == 0 || c == '\uFFFD' || line.length() >= MAX_LINE) throw new NotText();
      if (c != '\r') line.append((char) c);
    }
    return line.length() > 0 ? line.toString() : null;
  }

  static void answer(String line, PrintWriter out, Controls controls, Events events) {
    try {
      String output = controls.execute(line);
      events.control(line.trim());
      for (String l : output.split("\n")) out.println("airemu> " + l);
    } catch (IllegalArgumentException e) {
      out.println("airemu> " + e.getMessage());
    }
    out.flush();
  }

  /** The input turned out to be something other than lines of text. */
  private static final class NotText extends IOException {
    NotText() {
      super(null, null);
    }
  }
}
