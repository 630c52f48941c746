package airemu.cli;

import airemu.cli.control.ConsoleControl;
import airemu.config.ConfigException;
import airemu.lua.LuaFirmware;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code airemu} command line. Each subcommand is one small class; this one only lists them and
 * maps errors to exit codes: a user's mistake is one line on stderr, a stack trace only with --debug.
 */
@Command(name = "airemu", mixinStandardHelpOptions = true, version = "airemu 0.1.0",
    description = {"Runs unmodified LuatOS projects on emulated Air780E-family, Air8000 and Air8101 modules.",
        "The VM is the 64-bit LuatOS firmware: Lua 5.3 semantics and the firmware's number printing."},
    subcommands = {RunCommand.class, BoardsCommand.class, CommandLine.HelpCommand.class},
    footer = {"", "Examples:",
        "  airemu run                       the bundled demo on an Air780EPM",
        "  airemu run --board air8101 app/  the project in app/ (main.lua) on an Air8101",
        "  airemu boards                    the built-in boards",
        "  airemu run --help                every option of run, and its exit codes"})
public final class Main {

  public static void main(String[] args) {
    if (args.length > 0 && args[0].equals("run")) {
      // Booting the VM does not depend on the arguments: load it while they are parsed. A named class,
      // not a lambda: the JVM's first lambda costs ~30 ms, which the warm-up thread pays instead.
      Thread warmUp = new Thread(new WarmUp(), "airemu-warm-up");
      warmUp.setDaemon(true);
      warmUp.start();
    }
    System.exit(execute(stdin(), stdout(), new PrintWriter(System.err, true), args));
  }

  /** Runs the command line with no console input and returns the exit code (tests call this instead of main). */
  static int execute(PrintWriter out, PrintWriter err, String... args) {
    return execute(null, out, err, args);
  }

  /**
   * Runs the command line and returns the exit code; {@code console} is where {@code run} reads typed
   * or piped commands from: the process's stdin, or null for none (a test's JVM must keep its own).
   */
  static int execute(InputStream console, PrintWriter out, PrintWriter err, String... args) {
    RunCommand fast = args.length > 0 && args[0].equals("run") ? RunCommand.parseFast(args, out, err) : null;
    if (fast != null) {
      fast.stdin = console;
      try {
        return fast.call();
      } catch (ConfigException e) {
        err.println("airemu: " + e.getMessage());
        return ExitCode.USAGE;
      } catch (Exception e) {
        return internalError(err, e, fast.debug);
      } finally {
        out.flush();
        err.flush();
      }
    }
    CommandLine cl = new CommandLine(new Main());
    cl.setOut(out);
    cl.setErr(err);
    ((RunCommand) cl.getSubcommands().get("run").getCommand()).stdin = console;
    cl.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
      if (e instanceof ConfigException) {
        commandLine.getErr().println("airemu: " + e.getMessage());
        return ExitCode.USAGE;
      }
      boolean debug = parseResult.hasMatchedOption("--debug")
          || parseResult.subcommand() != null && parseResult.subcommand().hasMatchedOption("--debug");
      return internalError(commandLine.getErr(), e, debug);
    });
    cl.setParameterExceptionHandler((e, a) -> {
      // one line: what is wrong, and where the options are explained
      e.getCommandLine().getErr().println("airemu: " + e.getMessage().strip() + " (see '"
          + e.getCommandLine().getCommandSpec().qualifiedName() + " --help')");
      return ExitCode.USAGE;
    });
    return cl.execute(args);
  }

  private static int internalError(PrintWriter err, Exception e, boolean debug) {
    err.println("airemu: internal error: " + e);
    if (debug) e.printStackTrace(err);
    else err.println("(run again with --debug for the stack trace)");
    err.flush();
    return ExitCode.SCRIPT_FAILED;
  }

  private static final class WarmUp implements Runnable {
    @Override
    public void run() {
      Console.prefix(System.currentTimeMillis(), 0); // loads the time zone rules off the main thread
      LuaFirmware.warmUp();
    }
  }

  /**
   * The process's standard input, for {@code run}'s console. A regular file is read through a file
   * description of its own rather than through descriptor 0: when the shell closed stdin ({@code <&-}),
   * descriptor 0 is the first file the JVM opened (its class library, {@code lib/modules}), and moving
   * that descriptor's offset crashes the JVM. A file of the JVM's own installation is therefore taken
   * for what it means, a closed stdin; elsewhere the console finds such a file is no text.
   */
  private static InputStream stdin() {
    try {
      Path fd0 = Path.of("/proc/self/fd/0"); // Linux; elsewhere descriptor 0 is read as it is
      if (Files.isSymbolicLink(fd0)) {
        Path file = fd0.toRealPath();
        if (Files.isRegularFile(file)) {
          if (file.startsWith(Path.of(System.getProperty("java.home")).toRealPath())) return ConsoleControl.closedStdin();
          return Files.newInputStream(file);
        }
      }
    } catch (IOException | RuntimeException notAFile) {
      // a pipe, a terminal or a socket: read descriptor 0
    }
    return System.in;
  }

  private static PrintWriter stdout() {
    return new PrintWriter(new OutputStreamWriter(new FileOutputStream(FileDescriptor.out), StandardCharsets.UTF_8), false);
  }
}
