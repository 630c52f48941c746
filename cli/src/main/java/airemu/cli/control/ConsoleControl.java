package airemu.cli.control;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Reader;

/**
 * Commands typed while a run goes on: each line of {@code in} is a {@link Controls} command, answered
 * on {@code out} (stderr, so stdout stays the module's log). One daemon thread blocks on the input; it
 * ends with the input or the run.
 */
public final class ConsoleControl {
  private ConsoleControl() {}

  public static Thread start(Reader in, PrintWriter out, Controls controls, Events events) {
    Thread t = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(in)) {
        for (String line; (line = r.readLine()) != null; ) {
          if (line.isBlank()) continue;
          answer(line, out, controls, events);
        }
      } catch (IOException e) {
        // the terminal went away: nothing more to read
      }
    }, "airemu-console");
    t.setDaemon(true);
    t.start();
    return t;
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
}
