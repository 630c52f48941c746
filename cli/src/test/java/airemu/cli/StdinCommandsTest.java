package airemu.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The console of {@code airemu run} as a process started from a shell: commands come from its stdin
 * whatever stdin is (a terminal, a pipe, a file), with the module's log piped on to another program;
 * the end of the input ends the console, never the run, and an input that cannot be read is none.
 */
class StdinCommandsTest {
  /** Counts the cellular IP_READYs and logs IP_LOSE; it never ends by itself. */
  private static final String WATCHER = """
      local n = 0
      sys.subscribe("IP_READY", function(ip, a) n = n + 1 log.info("t", "IP_READY", n, a) end)
      sys.subscribe("IP_LOSE", function(a) log.info("t", "IP_LOSE", a) end)
      sys.run()
      """;

  @TempDir
  Path dir;

  @Test
  void commandsPipedOnStdinDriveTheRunWhileItsLogIsPipedOn() throws Exception {
    // as `(wait; echo link down LWIP_GP; ...) | airemu run app/ | grep user`: both ends are pipes
    Process p = airemu(new ProcessBuilder(), "--expect", "I/user.t IP_READY 2");
    BufferedReader log = p.inputReader(StandardCharsets.UTF_8);
    List<String> lines = new ArrayList<>();
    for (String l; !(l = log.readLine()).equals("I/user.t IP_READY 1 1"); ) lines.add(l);
    p.getOutputStream().write("link down LWIP_GP\nnonsense\nlink up LWIP_GP\n".getBytes(StandardCharsets.UTF_8));
    p.getOutputStream().close(); // the end of the input: the console ends, the run goes on
    for (String l; (l = log.readLine()) != null; ) lines.add(l);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as(err).isZero();
    assertThat(lines).filteredOn(l -> l.startsWith("I/user.t")).containsExactly("I/user.t IP_LOSE 1", "I/user.t IP_READY 2 1");
    assertThat(err.lines().filter(l -> l.startsWith("airemu> ")).toList()).containsExactly("airemu> LWIP_GP link down",
        "airemu> unknown command 'nonsense'; type 'help' for the list", "airemu> LWIP_GP link up");
  }

  @Test
  void aLineWithAByteThatIsNoCharacterIsAnsweredAndTheConsoleReadsOn() throws Exception {
    // as `printf 'link down caf\xe9\n...' | airemu run app/` in the C locale of a minimal CI image: a
    // Latin-1 é is no UTF-8, a UTF-8 é is a character whatever the locale, and the commands after both count
    ProcessBuilder b = new ProcessBuilder();
    b.environment().put("LC_ALL", "C");
    Process p = airemu(b, "--expect", "I/user.t IP_READY 2");
    BufferedReader log = p.inputReader(StandardCharsets.UTF_8);
    List<String> lines = new ArrayList<>();
    for (String l; !(l = log.readLine()).equals("I/user.t IP_READY 1 1"); ) lines.add(l);
    p.getOutputStream().write("link down caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1));
    p.getOutputStream().write("fault unreachable LWIP_GP caf\u00e9.test\nstatus\nlink down LWIP_GP\nlink up LWIP_GP\n".getBytes(StandardCharsets.UTF_8));
    p.getOutputStream().flush();
    for (String l; (l = log.readLine()) != null; ) lines.add(l);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as(err).isZero(); // --expect met: the last commands reached the script
    assertThat(lines).filteredOn(l -> l.startsWith("I/user.t")).containsExactly("I/user.t IP_LOSE 1", "I/user.t IP_READY 2 1");
    List<String> answers = err.lines().filter(l -> l.startsWith("airemu> ")).toList();
    assertThat(answers.get(0)).isEqualTo("airemu> 'link down caf?' is not UTF-8 text (? marks a byte that is no character); "
        + "type 'help' for the list");
    assertThat(answers.get(1)).startsWith("airemu> LWIP_GP unreachable caf").endsWith(".test"); // stderr in the C locale: é prints as ?
    assertThat(answers.get(2)).startsWith("airemu> air780epm running");
    assertThat(answers).endsWith("airemu> LWIP_GP link down", "airemu> LWIP_GP link up");
  }

  @Test
  void anEmptyOrClosedStdinIsHarmless() throws Exception {
    File nothing = new File(System.getProperty("os.name").startsWith("Windows") ? "NUL" : "/dev/null");
    // CI gives /dev/null or nothing at all: the console ends at once and the run goes on to the attach
    Process empty = airemu(new ProcessBuilder().redirectInput(nothing), "--expect", "I/user.t IP_READY 1");
    assertThat(assertRanToTheEnd(empty)).doesNotContain("stdin");
    if (new File("/bin/sh").canExecute()) { // no stdin at all, as with `airemu run app/ <&-`: a shell closes it first
      List<String> command = new ArrayList<>(List.of("/bin/sh", "-c", "exec \"$@\" <&-", "sh"));
      command.addAll(commandLine("--expect", "I/user.t IP_READY 1"));
      String err = assertRanToTheEnd(new ProcessBuilder(command).start());
      if (new File("/proc/self/fd/0").exists()) { // Linux tells what the JVM made of descriptor 0
        assertThat(err).contains("airemu: stdin is closed, so no commands can be typed this run (the run goes on)");
      }
    }
  }

  @Test
  void aRunInTheBackgroundOfAnInteractiveShellIsNotStoppedByItsTerminal() throws Exception {
    // `airemu run app/ > log &` in a shell with job control: stdin is the terminal, which a background
    // job may not read; `script` gives the shell a terminal, `set -m` its job control
    assumeTrue(new File("/usr/bin/script").canExecute() && new File("/bin/sh").canExecute(), "needs util-linux script and sh");
    Path out = dir.resolve("bg.log");
    ProcessBuilder b = new ProcessBuilder("/usr/bin/script", "-qec",
        "/bin/sh -c 'set -m; \"$@\" > \"$OUT\" 2>&1 & wait $!; echo \"background exit $?\"' sh " + quoted(commandLine(
            "--expect", "I/user.t IP_READY 1")), "/dev/null");
    b.environment().put("OUT", out.toString());
    b.redirectErrorStream(true);
    Process p = b.start();
    String shell = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(shell).as(Files.exists(out) ? Files.readString(out) : "").contains("background exit 0"); // not 149: SIGTTIN
    assertThat(Files.readString(out)).contains("I/user.t IP_READY 1 1");
  }

  // --- helpers -------------------------------------------------------------------------------------

  /** Starts {@code airemu run --plain --timeout 30s ARGS app/} with the JVM running this test. */
  private Process airemu(ProcessBuilder b, String... args) throws IOException {
    return b.command(commandLine(args)).start();
  }

  private List<String> commandLine(String... args) throws IOException {
    Path app = Files.createDirectories(dir.resolve("app"));
    Files.writeString(app.resolve("main.lua"), WATCHER);
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"), Main.class.getName(), "run", "--plain", "--timeout", "30s"));
    command.addAll(List.of(args));
    command.add(app.toString());
    return command;
  }

  /** Checks that {@code p} ran to its --expect without a command answered; returns its stderr. */
  private static String assertRanToTheEnd(Process p) throws Exception {
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as(err).isZero();
    assertThat(out).contains("I/user.t IP_READY 1 1");
    assertThat(err).doesNotContain("airemu> ");
    return err;
  }

  /** Words for a POSIX shell, each in single quotes. */
  private static String quoted(List<String> words) {
    List<String> q = new ArrayList<>();
    for (String w : words) q.add("'" + w.replace("'", "'\\''") + "'");
    return String.join(" ", q);
  }
}
