package airemu.cli.control;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.Reader;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Commands typed while a run goes on: each line of {@code in} is a {@link Controls} command, answered
 * on {@code out} (stderr, so stdout stays the module's log). One daemon thread blocks on the input; it
 * ends with the input or the run.
 */
public final class ConsoleControl {
  /** Far longer than any command; a longer line means the input is something else. */
  private static final int MAX_LINE = 4096;
  /** What a byte that is no UTF-8 character decodes to. */
  private static final char UNDECODABLE = '\uFFFD';

  private ConsoleControl() {}

  /**
   * The stdin of a process whose shell closed it ({@code airemu run app/ <&-}): there is nothing to
   * read, and {@link #startOnStdin} says so instead of starting the console.
   */
  public static InputStream closedStdin() {
    return new Closed();
  }

  /**
   * Reads commands from the process's standard input, whatever it is: a terminal, even with the log
   * piped on ({@code airemu run app/ | grep user}), or a pipe or file the user gave
   * ({@code airemu run app/ < commands.txt}). Its end (a closed pipe, {@code /dev/null}, Ctrl-D)
   * ends the console, never the run; so does an input that is no text ({@link #command}).
   *
   * <p>The bytes are read as UTF-8, whatever the locale: the log on stdout is UTF-8, and so are the
   * script's strings a command may name (a host). A minimal image's C locale would otherwise make
   * every non-ASCII character undecodable. A byte that is no UTF-8 becomes U+FFFD, and its line gets
   * an error answer ({@link #answer}) while the console reads on.
   *
   * <p>A run in the background of an interactive shell ({@code airemu run app/ > log &}) reads a
   * terminal it does not own: the kernel would stop the whole process (SIGTTIN) at the first read.
   * With that signal ignored the read fails instead (EIO), and the console ends while the run goes on.
   */
  public static void startOnStdin(InputStream stdin, PrintWriter out, Controls controls, Events events) {
    if (stdin instanceof Closed) {
      out.println("airemu: stdin is closed, so no commands can be typed this run (the run goes on)");
      out.flush();
      return;
    }
    ignoreBackgroundReads();
    start(new InputStreamReader(stdin, StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPLACE).onUnmappableCharacter(CodingErrorAction.REPLACE)), out, controls, events);
  }

  public static Thread start(Reader in, PrintWriter out, Controls controls, Events events) {
    Thread t = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(in)) {
        for (String line; (line = command(r)) != null; ) {
          if (line.isBlank()) continue;
          answer(line, out, controls, events);
        }
      } catch (NotText e) {
        // a closed stdin where it cannot be told from the outside (no /proc), or a binary file given as input
        out.println("airemu: stdin is closed or is not text (a NUL byte, or a line longer than any command); "
            + "the console stops reading it (commands are lines such as 'status')");
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
   * The next line of {@code r}, or null at its end. An input that is no text (a NUL, a line longer
   * than any command) is not read further: with stdin closed ({@code <&-}) where {@code Main} cannot
   * tell, file descriptor 0 is whatever file the JVM opened first, such as its own class library. A
   * byte that is no character is a typing or pasting slip, answered line by line ({@link #answer}).
   */
  static String command(BufferedReader r) throws IOException {
    StringBuilder line = new StringBuilder();
    for (int c; (c = r.read()) != -1; ) {
      if (c == '\n') return line.toString();
      if (c == 0 || line.length() >= MAX_LINE) throw new NotText();
      if (c != '\r') line.append((char) c);
    }
    return line.length() > 0 ? line.toString() : null;
  }

  static void answer(String line, PrintWriter out, Controls controls, Events events) {
    try {
      String output = controls.execute(decoded(line));
      events.control(line.trim());
      for (String l : output.split("\n")) out.println("airemu> " + l);
    } catch (IllegalArgumentException e) {
      out.println("airemu> " + e.getMessage());
    }
    out.flush();
  }

  /**
   * {@code line}, unless a byte of it was no character: then it is no command, and taken as one it
   * would name an adapter or a host that nothing has.
   */
  private static String decoded(String line) {
    if (line.indexOf(UNDECODABLE) < 0) return line;
    throw new IllegalArgumentException("'" + line.trim().replace(UNDECODABLE, '?')
        + "' is not UTF-8 text (? marks a byte that is no character); type 'help' for the list");
  }

  /** A stdin with nothing behind it. */
  private static final class Closed extends InputStream {
    @Override
    public int read() {
      return -1;
    }
  }

  /** The input turned out to be something other than lines of text. */
  private static final class NotText extends IOException {
    NotText() {
      super(null, null);
    }
  }
}
