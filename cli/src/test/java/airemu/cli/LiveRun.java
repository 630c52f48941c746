package airemu.cli;

import java.io.PrintWriter;
import java.io.Writer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Test support: {@code airemu run ...} through {@link Main#execute} on a thread of its own, so that a
 * test can attach to its ports while it runs. The test waits on lines of its stdout (the module's log
 * as the console prints it) and stderr (where the ports are announced), and on its exit code.
 *
 * <pre>{@code
 * try (LiveRun run = LiveRun.start("run", "--plain", "--log-port", "tcp:0", project)) {
 *   String address = run.logPort("socket://");   // from "airemu: log port at socket://127.0.0.1:NNN"
 *   run.awaitOut("I/user.main hello 1");
 * }
 * }</pre>
 */
final class LiveRun implements AutoCloseable {
  /** A safety net for one wait, far above what a healthy run needs; never a synchronisation. */
  static final long WAIT_MILLIS = 30_000;

  /** Starts a run; stdout keeps only lines {@code keepOut} accepts (a flood need not be held in memory). */
  static LiveRun start(Predicate<String> keepOut, String... args) {
    return new LiveRun(keepOut, args);
  }

  static LiveRun start(String... args) {
    return new LiveRun(line -> true, args);
  }

  /** Waits for a stdout line equal to {@code line}. */
  String awaitOut(String line) throws InterruptedException {
    return out.await(line::equals);
  }

  /** Waits for a stderr line matching {@code pattern}; returns its first group. */
  String awaitErr(String pattern) throws InterruptedException {
    Pattern p = Pattern.compile(pattern);
    Matcher[] m = new Matcher[1];
    err.await(l -> (m[0] = p.matcher(l)).matches());
    return m[0].group(1);
  }

  /** Where the run's log port of the given kind is: the address after {@code airemu: log port at}. */
  String logPort(String prefix) throws InterruptedException {
    return awaitErr("airemu: log port at (" + Pattern.quote(prefix) + "\\S*)( -> .*)?");
  }

  /** The run's exit code, once it has ended. */
  int exitCode() throws Exception {
    return code.get(WAIT_MILLIS, TimeUnit.MILLISECONDS);
  }

  /** What stdout kept so far. */
  List<String> out() {
    return out.lines();
  }

  @Override
  public void close() throws Exception {
    exitCode(); // each test ends its run; if it did not, this fails the test instead of leaking the run
  }

  private LiveRun(Predicate<String> keepOut, String... args) {
    this.out = new Lines(keepOut);
    this.err = new Lines(line -> true);
    Thread t = new Thread(() -> {
      try {
        code.complete(Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), args));
      } catch (Throwable e) {
        code.completeExceptionally(e);
      }
    }, "airemu-live-run");
    t.setDaemon(true);
    t.start();
  }

  /** A writer that splits what it gets into lines and lets a test wait for one. */
  private static final class Lines extends Writer {
    Lines(Predicate<String> keep) {
      this.keep = keep;
    }

    @Override
    public synchronized void write(char[] buf, int off, int len) {
      for (int i = off; i < off + len; i++) {
        if (buf[i] != '\n') {
          partial.append(buf[i]);
          continue;
        }
        String line = partial.toString();
        partial.setLength(0);
        if (keep.test(line)) lines.add(line);
        notifyAll();
      }
    }

    synchronized String await(Predicate<String> wanted) throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MILLIS);
      for (int seen = 0; ; ) {
        for (; seen < lines.size(); seen++) {
          if (wanted.test(lines.get(seen))) return lines.get(seen);
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) throw new AssertionError("no such line; so far:\n" + String.join("\n", lines));
        wait(TimeUnit.NANOSECONDS.toMillis(left) + 1);
      }
    }

    synchronized List<String> lines() {
      return new ArrayList<>(lines);
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}

    private final Predicate<String> keep;
    private final StringBuilder partial = new StringBuilder();
    private final List<String> lines = new ArrayList<>();
  }

  private final Lines out;
  private final Lines err;
  private final CompletableFuture<Integer> code = new CompletableFuture<>();
}
