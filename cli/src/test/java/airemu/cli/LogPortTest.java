package airemu.cli;

import static airemu.serial.Wire.readLine;
import static airemu.serial.Wire.readUntil;
import static airemu.serial.Wire.send;
import static org.assertj.core.api.Assertions.assertThat;

import airemu.serial.Wire;
import com.fazecast.jSerialComm.SerialPort;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code airemu run --log-port ...} with a real project, opened by real clients the way a user opens
 * the module's COM port: jSerialComm and pyserial on the pty, pyserial's {@code rfc2217://} and
 * {@code socket://} URLs on the TCP ports. Each reads the boot banner and the script's
 * {@code log.info} line byte for byte, asks {@code ATI}, and resets the device with {@code AT+RESET}.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LogPortTest {
  /** What main.lua logs; CRLF is the log port's default line ending. */
  static final String HELLO = "I/user.main hello 1\r\n";
  /** The first line a boot prints, as the Air780EPM firmware prints it. */
  static final String BOOT_BANNER = "I/main LuatOS@Air780EPM base 26.04 bsp V2050 64bit\r\n";
  /** ATI's answer on the Air780EPM. */
  static final String ATI = "LuatOS-SoC_V2050_EC718PM\r\n";
  /**
   * The cellular attach, 2 s after each boot by default, logs {@code D/net} and {@code D/mobile} lines
   * of its own; an hour puts it after the run, so that the lines the viewers read come only from the
   * boot, the script and the shell, however long the viewer takes.
   */
  static final String ATTACH_DELAY = "1h";

  /** Logs a line at each boot; a byte on uart 1 ends the run, so the test decides when it is over. */
  static final String MAIN = """
      log.info("main", "hello", 1)
      uart.setup(1)
      uart.on(1, "receive", function(id, len) log.info("main", "bye", uart.read(id, len)) os.exit(0) end)
      sys.run()
      """;

  /** The pyserial viewer: reads the boot, asks ATI, resets the device and reads the next boot. */
  static final String PYSERIAL_VIEWER = String.join("\n",
      "import sys, serial",
      "s = serial.serial_for_url(sys.argv[1], baudrate=921600, timeout=" + Wire.TIMEOUT_MILLIS / 1000 + ")",
      "def until(end):",
      "    while True:",
      "        line = s.readline()",
      "        print(repr(line))",
      "        if not line or line == end:",
      "            return",
      "until(b'" + HELLO.replace("\r\n", "\\r\\n") + "')",
      "s.write(b'ATI\\r\\n')",
      "until(b'" + ATI.replace("\r\n", "\\r\\n") + "')",
      "s.write(b'AT+RESET\\r\\n')",
      "until(b'" + HELLO.replace("\r\n", "\\r\\n") + "')",
      "s.close()");

  @TempDir
  Path dir;

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"pty with jSerialComm", "pty with pyserial", "rfc2217 with pyserial", "tcp with pyserial"})
  void aViewerReadsTheBootAndTheScriptsLineAsksAtiAndResetsTheDevice(String how) throws Exception {
    String kind = how.substring(0, how.indexOf(' '));
    boolean pyserial = how.endsWith("pyserial");
    if (kind.equals("pty")) Wire.assumePty();
    if (pyserial) Wire.assumePyserial();
    String spec = kind.equals("pty") ? "pty:" + dir.resolve("luat-log") : kind + ":0";
    try (LiveRun run = LiveRun.start("run", "--plain", "--log-port", spec, "--uart", "1=tcp:0",
        "--attach-delay", ATTACH_DELAY, "--timeout", "100s", project(MAIN).toString())) {
      String address = run.logPort(kind.equals("pty") ? dir.toString() : kind.equals("tcp") ? "socket://" : "rfc2217://");
      run.awaitOut("I/user.main hello 1"); // booted: what the viewer reads first is the backlog

      List<String> got = pyserial ? pyserialViewer(address) : jSerialCommViewer(address);

      int hello = got.indexOf(HELLO);
      assertThat(hello).as("%s", got).isPositive();
      assertBoot(got.subList(0, hello + 1));
      assertThat(got.subList(hello + 1, hello + 7))
          .containsExactly("ATI\r\n", "\r\n", ATI, "AT+RESET\r\n", "\r\n", "OK\r\n"); // the echo, then the answer
      assertBoot(got.subList(hello + 7, got.size()));
      endRun(run);
      assertThat(run.out()).filteredOn("I/user.main hello 1"::equals).hasSize(2);
    }
  }

  @Test
  void theDeviceAnswersFreeLsdirFreadAndFwriteFromItsHeapAndFiles() throws Exception {
    Path project = project(MAIN);
    Files.writeString(project.resolve("notes.txt"), "line one\nline two");
    try (LiveRun run = LiveRun.start("run", "--plain", "--log-port", "tcp:0", "--uart", "1=tcp:0",
        "--attach-delay", ATTACH_DELAY, "--timeout", "100s", project.toString())) {
      int port = Integer.parseInt(run.logPort("socket://").replaceAll(".*:", ""));
      run.awaitOut("I/user.main hello 1");
      try (Socket viewer = new Socket("127.0.0.1", port)) {
        viewer.setSoTimeout(Wire.TIMEOUT_MILLIS);
        InputStream in = viewer.getInputStream();
        OutputStream out = viewer.getOutputStream();
        send(out, "ATE0\r\n"); // today's firmware: any ATE without '1' at the fifth byte turns echo off
        readUntil(in, "OK\r\n");

        send(out, "free\r\n");
        assertThat(readLine(in)).matches("lua total=\\d+ used=\\d+ max_used=\\d+\r\n");
        assertThat(readLine(in)).matches("sys total=\\d+ used=\\d+ max_used=\\d+\r\n");

        send(out, "lsdir /luadb/\r\n"); // the firmware logs the listing (LLOGD)
        assertThat(readLine(in)).isEqualTo("D/shell >> FILE main.lua\r\n");
        assertThat(readLine(in)).isEqualTo("D/shell >> FILE notes.txt\r\n");

        send(out, "fread /luadb/notes.txt\r\n"); // logged size, then the bytes as they are
        assertThat(readLine(in)).isEqualTo("D/shell OK 17\r\n");
        assertThat(new String(in.readNBytes(17), StandardCharsets.US_ASCII)).isEqualTo("line one\nline two");
        send(out, "fread /nope\r\n");
        assertThat(readLine(in)).isEqualTo("D/shell ERR FILE NOT FOUND\r\n");
        send(out, "fwrite /x.txt abc\r\n"); // listed by the firmware, and answered so
        assertThat(readLine(in)).isEqualTo("D/shell not support yet\r\n");
        send(out, "AT+CGSN\r\n");
        assertThat(readLine(in)).matches("\\+CGSN=[0-9A-F]+\n"); // a bare LF, as the firmware writes it
      }
      endRun(run);
      assertThat(run.out()).contains("D/shell >> FILE main.lua", "D/shell OK 17"); // the console has the log too
    }
  }

  /** The boot's lines: the banner first, the script's line last, the firmware's memory lines between. */
  static void assertBoot(List<String> lines) {
    assertThat(lines.get(0)).isEqualTo(BOOT_BANNER);
    assertThat(lines.get(lines.size() - 1)).isEqualTo(HELLO);
    assertThat(lines.subList(1, lines.size() - 1)).isNotEmpty()
        .allMatch(l -> l.matches("(I/main ROM Build: .*|D/main loadlibs .*)\r\n"), "firmware boot lines");
  }

  /** Sends a byte to uart 1, which ends the run (see {@link #MAIN}); the run must end well. */
  static void endRun(LiveRun run) throws Exception {
    int uart = Integer.parseInt(run.awaitErr("airemu: uart1 at socket://127\\.0\\.0\\.1:(\\d+)"));
    try (Socket s = new Socket("127.0.0.1", uart)) {
      send(s.getOutputStream(), "!");
      assertThat(run.exitCode()).isZero();
    }
  }

  private static List<String> jSerialCommViewer(String path) throws IOException {
    SerialPort port = Wire.openSerial(path);
    try {
      InputStream in = port.getInputStream();
      List<String> got = new ArrayList<>(readUntil(in, HELLO));
      send(port.getOutputStream(), "ATI\r\n");
      got.addAll(readUntil(in, ATI));
      send(port.getOutputStream(), "AT+RESET\r\n");
      got.addAll(readUntil(in, HELLO));
      return got;
    } finally {
      port.closePort();
    }
  }

  private static List<String> pyserialViewer(String address) throws Exception {
    List<String> got = new ArrayList<>();
    for (String repr : Wire.python(PYSERIAL_VIEWER, address)) got.add(unrepr(repr));
    return got;
  }

  /** Python's repr of an ASCII bytes object, b'...\r\n', back to its text. */
  private static String unrepr(String repr) {
    return repr.substring(2, repr.length() - 1).replace("\\r", "\r").replace("\\n", "\n");
  }

  private Path project(String main) throws IOException {
    Path p = Files.createDirectories(dir.resolve("project"));
    Files.writeString(p.resolve("main.lua"), main);
    return p;
  }
}
