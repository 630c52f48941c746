package airemu.serial;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import airemu.core.LogRecord;
import com.fazecast.jSerialComm.SerialPort;
import com.sun.jna.Platform;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What the tests share, here and in the modules above (through this module's test jar): real clients,
 * line reading with generous timeouts, and a pyserial runner.
 */
public final class Wire {
  /** How long any single wait may take before the test fails; far above what a healthy run needs. */
  public static final int TIMEOUT_MILLIS = 20_000;
  public static final String BANNER = "LuatOS-SoC_V2050_EC718PM";
  public static final String PYTHON = Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";

  public static LogRecord record(String text) {
    return new LogRecord(0, 0, text.getBytes(StandardCharsets.UTF_8));
  }

  public static LogPort.Options options() {
    return LogPort.Options.of(BANNER).withUniqueId("0123456789ABCDEF");
  }

  /** Reads up to and including the next {@code \n}; the text is byte-for-byte (ISO-8859-1). */
  public static String readLine(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    for (;;) {
      int b = in.read();
      if (b < 0) throw new EOFException("stream ended after \"" + line.toString(StandardCharsets.ISO_8859_1) + "\"");
      line.write(b);
      if (b == '\n') return line.toString(StandardCharsets.ISO_8859_1);
    }
  }

  /** Reads lines until one equals {@code wanted}; returns all of them, the wanted one last. */
  public static List<String> readUntil(InputStream in, String wanted) throws IOException {
    List<String> lines = new ArrayList<>();
    String line;
    do {
      line = readLine(in);
      lines.add(line);
    } while (!line.equals(wanted));
    return lines;
  }

  public static void send(OutputStream out, String text) throws IOException {
    out.write(text.getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
  }

  /** Sends {@code AT} and reads up to the {@code OK}: afterwards the client is attached for sure. */
  public static void handshake(InputStream in, OutputStream out) throws IOException {
    send(out, "AT\r\n");
    readUntil(in, "OK\r\n");
  }

  public static void assumePty() {
    assumeTrue(Platform.isLinux() || Platform.isMac(), "pty ports need Linux or macOS");
  }

  /** Opens a pty slave (or a link to it) as a serial terminal would, with blocking reads that time out. */
  public static SerialPort openSerial(String path) {
    SerialPort port = SerialPort.getCommPort(path);
    port.setComPortParameters(921600, 8, SerialPort.ONE_STOP_BIT, SerialPort.NO_PARITY);
    port.setComPortTimeouts(SerialPort.TIMEOUT_READ_SEMI_BLOCKING | SerialPort.TIMEOUT_WRITE_BLOCKING, TIMEOUT_MILLIS, 0);
    if (!port.openPort()) throw new AssertionError("jSerialComm could not open " + path + ": error " + port.getLastErrorCode());
    return port;
  }

  public static boolean hasPyserial() {
    Boolean known = pyserial;
    if (known == null) pyserial = known = pythonRuns("import serial");
    return known;
  }

  /** Skips the test where {@link #PYTHON} does not run at all. */
  public static void assumePython() {
    Boolean known = python;
    if (known == null) python = known = pythonRuns("pass");
    assumeTrue(known, PYTHON + " does not run");
  }

  public static void assumePyserial() {
    assumeTrue(hasPyserial(), "pyserial is not installed for " + PYTHON + " (Debian: python3-serial)");
  }

  /** Runs {@code python3 -c script args...}; returns stdout lines, failing with stderr if it exits non-zero. */
  public static List<String> python(String script, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(PYTHON, "-c", script));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).start();
    byte[] err;
    byte[] out;
    try (InputStream stdout = p.getInputStream(); InputStream stderr = p.getErrorStream()) {
      out = stdout.readAllBytes(); // the script ends by itself: every read in it has a timeout
      err = stderr.readAllBytes();
    }
    if (!p.waitFor(TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("python did not exit");
    }
    assertEquals(0, p.exitValue(), () -> "python failed:\n" + new String(err, StandardCharsets.UTF_8));
    return new String(out, StandardCharsets.UTF_8).lines().toList();
  }

  /**
   * The pyserial client the tests run: opens the URL or device, reads one line, sends {@code ATI} and
   * reads up to the banner, printing each line it got as {@code repr(bytes)}.
   */
  public static final String PYSERIAL_CLIENT = String.join("\n",
      "import sys, serial",
      "s = serial.serial_for_url(sys.argv[1], baudrate=921600, timeout=" + TIMEOUT_MILLIS / 1000 + ")",
      "print(repr(s.readline()))",
      "s.write(b'ATI\\r\\n')",
      "while True:",
      "    line = s.readline()",
      "    print(repr(line))",
      "    if not line or line.startswith(b'LuatOS-SoC'):",
      "        break",
      "s.close()");

  private static boolean pythonRuns(String script) {
    try {
      Process p = new ProcessBuilder(PYTHON, "-c", script).redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor(TIMEOUT_MILLIS, TimeUnit.MILLISECONDS) && p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static volatile Boolean pyserial;
  private static volatile Boolean python;

  private Wire() {}
}
