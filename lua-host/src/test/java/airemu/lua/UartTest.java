package airemu.lua;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import airemu.boards.BoardProfile;
import airemu.config.BoardProfiles;
import airemu.core.Clock;
import airemu.core.Device;
import airemu.core.DeviceListener;
import airemu.core.LogRecord;
import airemu.core.Scheduler;
import airemu.serial.UartReceived;
import com.fazecast.jSerialComm.SerialPort;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code uart} library against the firmware's return values, callbacks and driver quirks, with
 * real clients on a pty and on TCP. Where a test plays the host itself it posts
 * {@link UartReceived} to the device's bus, as {@code FromHost.post} does for a port's I/O thread;
 * messages are handled in order, so a later message's callback proves an earlier one was handled.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class UartTest {
  /** A generous bound for one wait; a safety net, never a synchronisation. */
  private static final int WAIT_MILLIS = 20_000;

  /** An echo project: what arrives on uart 1 goes back out, and every step is logged. */
  private static final String ECHO = """
      uart.setup(1, 115200, 8, 1, uart.NONE)
      uart.on(1, "receive", function(id, len)
        local data = uart.read(id, len)
        log.info("echo", id, len, #data, uart.write(id, data))
        if data == "reboot" then rtos.reboot() end
      end)
      log.info("echo", "ready")
      sys.run()
      """;

  /** Every byte value, CR and LF among them: a UART carries bytes, not text. */
  private static final byte[] ALL_BYTES = allBytes();

  @TempDir
  Path dir;

  @Test
  void anEchoProjectAnswersAJSerialCommClientOnAPtyByteForByte() throws Exception {
    assumeTrue(isLinuxOrMac(), "pty ports need Linux or macOS");
    try (PortsFromSpecs ports = new PortsFromSpecs(Map.of(1, "pty"));
        Rig rig = new Rig("air780epm", ECHO, ports)) {
      rig.awaitLine("I/user.echo ready");
      SerialPort client = SerialPort.getCommPort(ports.endpoint(1).device());
      client.setComPortParameters(115200, 8, SerialPort.ONE_STOP_BIT, SerialPort.NO_PARITY);
      client.setComPortTimeouts(SerialPort.TIMEOUT_READ_SEMI_BLOCKING | SerialPort.TIMEOUT_WRITE_BLOCKING, WAIT_MILLIS, 0);
      assertThat(client.openPort()).as("jSerialComm opens the pty slave").isTrue();
      try {
        send(client.getOutputStream(), ALL_BYTES);
        assertThat(readExactly(client.getInputStream(), ALL_BYTES.length)).isEqualTo(ALL_BYTES);
      } finally {
        client.closePort();
      }
      rig.awaitEchoed(ALL_BYTES.length);
    }
  }

  @Test
  void anEchoProjectAnswersATcpClientByteForByte() throws Exception {
    try (PortsFromSpecs ports = new PortsFromSpecs(Map.of(1, "tcp:0"));
        Rig rig = new Rig("air780epm", ECHO, ports)) {
      rig.awaitLine("I/user.echo ready");
      try (Socket client = new Socket("127.0.0.1", ports.endpoint(1).localPort())) {
        client.setSoTimeout(WAIT_MILLIS);
        send(client.getOutputStream(), ALL_BYTES);
        assertThat(readExactly(client.getInputStream(), ALL_BYTES.length)).isEqualTo(ALL_BYTES);
        send(client.getOutputStream(), "AT\r\n".getBytes(StandardCharsets.US_ASCII));
        assertThat(readExactly(client.getInputStream(), 4)).isEqualTo("AT\r\n".getBytes(StandardCharsets.US_ASCII));
      }
      rig.awaitEchoed(ALL_BYTES.length + 4);
    }
  }

  @Test
  void theHostPortOutlivesARebootAndServesTheNextBoot() throws Exception {
    try (PortsFromSpecs ports = new PortsFromSpecs(Map.of(1, "tcp:0"));
        Rig rig = new Rig("air780epm", ECHO, ports)) {
      rig.awaitLine("I/user.echo ready");
      try (Socket client = new Socket("127.0.0.1", ports.endpoint(1).localPort())) {
        client.setSoTimeout(WAIT_MILLIS);
        send(client.getOutputStream(), bytes("reboot"));
        assertThat(readExactly(client.getInputStream(), 6)).isEqualTo(bytes("reboot"));
        rig.awaitLog(all -> all.stream().filter("I/user.echo ready"::equals).count() == 2);
        send(client.getOutputStream(), bytes("again"));
        assertThat(readExactly(client.getInputStream(), 5)).isEqualTo(bytes("again"));
      }
    }
  }

  @Test
  void callsAnswerWhatTheFirmwareReturns() {
    assertThat(run("air780epm", """
        log.info("t", uart.NONE, uart.ODD, uart.EVEN, uart.None, uart.Odd, uart.Even, uart.LSB, uart.MSB, uart.VUART_0)
        log.info("t", uart.setup(1), uart.setup(2, 9600, 7, 2, uart.EVEN, uart.MSB, 4096), uart.setup(5), uart.setup(-1), uart.setup(uart.VUART_0))
        log.info("t", uart.exist(0), uart.exist(3), uart.exist(4), uart.exist(5), uart.exist(31), uart.exist(32), uart.exist(200), uart.exist(-1))
        log.info("t", uart.write(1, "hello"), uart.write(3, "x"), uart.write(9, "x"), uart.write(257, "x"), uart.write(1, ""))
        log.info("t", uart.write(1, nil), uart.write(1, {}), uart.write(1, 12.5), -- "12.500000000000"
        uart.write(1, "abcdef", 3), uart.write(1, "abc", -1), uart.write(1, "abc", 2.0))
        log.info("t", uart.read(1, 10) == "", uart.read(9) == "", uart.rxSize(1), uart.rx_size(9), uart.wait485(1), uart.wait485(9))
        log.info("t", uart.on(9, "receive", print), uart.on(-1, "sent", print))
        log.info("t", select("#", uart.on(1, "receive", print)), select("#", uart.close(1)), select("#", uart.rxClear(1)))
        log.info("t", uart.tx(1, "abc"), uart.rx(1, "abc"), uart.createSoft(21, 0, 1, 2))
        """)).containsExactly(
        "I/user.t 0 1 2 0 1 2 0 1 32",
        "I/user.t 0 0 -1 -1 0",
        "I/user.t true true true false false true true false",
        "I/user.t 5 0 -1 1 0",
        "I/user.t 0 0 15 3 3 3",
        "I/user.t true true 0 0 0 0",
        "I/user.t no such uart id no such uart id",
        "I/user.t 0 0 0",
        "E/uart not support soft uart",
        "I/user.t 0 0 nil");
  }

  @Test
  void theEc618HasThreeUartsAndReadsTheIdOfExistAndCloseAsAByte() {
    assertThat(run("air780e", """
        log.info("t", uart.exist(2), uart.exist(3), uart.exist(4), uart.exist(256 + 1), uart.exist(-1), uart.setup(4), uart.setup(3))
        """)).containsExactly("I/user.t true true false true true -1 0");
  }

  @Test
  void wrongArgumentTypesRaiseTheFirmwaresErrors() {
    assertThat(run("air780epm", """
        local function e(f, ...)
          local ok, err = pcall(f, ...)
          log.info("t", ok, (tostring(err):gsub("^[^:]+:%d+: ", "")))
        end
        e(function() return (uart.setup("one")) end)
        e(function() return (uart.setup(1, 115200, 8, "one")) end)
        e(function() return (uart.setup("x", 115200, 8, "one")) end)
        e(function() return (uart.setup(1, 1.5)) end)
        e(function() return (uart.write()) end)
        e(function() return (uart.write(1, io.open("/luadb/main.lua"))) end)
        e(function() return (uart.write(1, "abc", 1.5)) end)
        e(function() return (uart.read(1, "x")) end)
        e(function() return (uart.read(1, 4, io.open("/luadb/main.lua"))) end)
        e(function() return (uart.on(1, {})) end)
        e(function() return (uart.on(9, {})) end)
        e(function() return (uart.tx(1, io.open("/luadb/main.lua"))) end)
        e(function() return (uart.exist("1")) end)
        """)).containsExactly(
        "I/user.t false bad argument #1 to 'setup' (number expected, got string)",
        "I/user.t false bad argument #4 to 'setup' (number expected, got string)",
        "I/user.t false bad argument #4 to 'setup' (number expected, got string)",
        "I/user.t false bad argument #2 to 'setup' (number has no integer representation)",
        "I/user.t false bad argument #1 to 'write' (number expected, got no value)",
        "I/user.t false bad argument #2 to 'write' (ZBUFF* expected, got FILE*)",
        "I/user.t true 0",
        "I/user.t false bad argument #2 to 'read' (number expected, got string)",
        "I/user.t false bad argument #3 to 'read' (ZBUFF* expected, got FILE*)",
        "I/user.t false bad argument #2 to 'on' (string expected, got table)",
        "I/user.t true no such uart id",
        "I/user.t false bad argument #2 to 'tx' (ZBUFF* expected, got FILE*)",
        "I/user.t true true");
  }

  @Test
  void receiveReportsTheBufferedLengthAndReadsDrainTheBuffer() throws Exception {
    try (Rig rig = new Rig("air780epm", """
        uart.setup(1)
        uart.on(1, "receive", function(id, len)
          log.info("rx", id, len, uart.rxSize(id))
          if len >= 5 then
            log.info("rx", uart.read(id, 2), uart.rxSize(id), uart.read(id), uart.rxSize(id), uart.read(id) == "")
          end
        end)
        log.info("t", "ready")
        sys.run()
        """, null)) {
      rig.awaitLine("I/user.t ready");
      rig.post(1, "abc");
      rig.post(1, "de");
      rig.awaitLine(l -> l.startsWith("I/user.rx ab "));
      assertThat(rig.scriptLines()).containsExactly("I/user.t ready", "I/user.rx 1 3 3", "I/user.rx 1 5 5", "I/user.rx ab 3 cde 0 true");
    }
  }

  @Test
  void bytesForAUartThatIsNotSetUpOrClosedAreDropped() throws Exception {
    try (Rig rig = new Rig("air780epm", """
        uart.setup(1)
        uart.on(1, "receive", function(id, len)
          local cmd = uart.read(id, len)
          log.info("rx", cmd, uart.rxSize(2), uart.rxSize(3))
          if cmd == "setup" then uart.setup(2) uart.on(2, "receive", function(i, n) log.info("rx2", i, n) end) end
          if cmd == "close" then uart.close(2) end
        end)
        uart.on(3, "receive", function(id, len) log.info("rx3", id, len) end) -- registered, never set up
        log.info("t", "ready")
        sys.run()
        """, null)) {
      rig.awaitLine("I/user.t ready");
      rig.post(2, "lost");
      rig.post(3, "lost");
      rig.post(1, "one");
      rig.awaitLine("I/user.rx one 0 0");
      rig.post(1, "setup");
      rig.awaitLine("I/user.rx setup 0 0");
      rig.post(2, "kept");
      rig.awaitLine("I/user.rx2 2 4");
      rig.post(1, "close");
      rig.awaitLine("I/user.rx close 4 0");
      rig.post(2, "lost again");
      rig.post(1, "check");
      rig.awaitLine("I/user.rx check 0 0");
      assertThat(rig.scriptLines()).containsExactly("I/user.t ready", "I/user.rx one 0 0", "I/user.rx setup 0 0",
          "I/user.rx2 2 4", "I/user.rx close 4 0", "I/user.rx check 0 0");
    }
  }

  @Test
  void aBurstBeyondTheDriversRingDiscardsEverythingUntilTheUartIsSetUpAgain() throws Exception {
    try (Rig rig = new Rig("air780epm", """
        uart.setup(1, 115200, 8, 1, uart.NONE, uart.LSB, 1024) -- the ring is 32 KiB whatever is asked for
        uart.on(1, "receive", function(id, len) log.info("rx", id, len) end)
        uart.setup(2)
        uart.on(2, "receive", function(id, len)
          local cmd = uart.read(id, len)
          if cmd == "again" then uart.setup(1) end
          log.info("ctl", cmd, uart.rxSize(1))
        end)
        log.info("t", "ready")
        sys.run()
        """, null)) {
      rig.awaitLine("I/user.t ready");
      rig.post(1, new byte[20_000]);
      rig.post(1, new byte[Uart.RING_BYTES - 20_000]);
      rig.post(2, "full");
      rig.awaitLine("I/user.ctl full 32768");
      rig.post(1, new byte[1]);
      rig.post(2, "overflowed");
      rig.awaitLine("I/user.ctl overflowed 0");
      rig.post(1, "dead");
      rig.post(2, "still");
      rig.awaitLine("I/user.ctl still 0");
      rig.post(2, "again");
      rig.awaitLine("I/user.ctl again 0");
      rig.post(1, "alive");
      rig.awaitLine("I/user.rx 1 5");
      assertThat(rig.scriptLines()).containsExactly("I/user.t ready", "I/user.rx 1 20000", "I/user.rx 1 32768",
          "I/user.ctl full 32768", "I/user.ctl overflowed 0", "I/user.ctl still 0", "I/user.ctl again 0", "I/user.rx 1 5");
    }
  }

  @Test
  void sentFollowsEachWriteOfARegisteredUartAndCallbacksSurviveCloseAndSetup() throws Exception {
    try (Rig rig = new Rig("air780epm", """
        uart.setup(1)
        uart.on(1, "sent", function(id) log.info("sent", id) end)
        uart.on(1, "receive", function(id, len)
          local cmd = uart.read(id, len)
          if cmd == "reopen" then uart.close(1) uart.setup(1) end
          log.info("rx", cmd, uart.write(id, cmd), uart.write(id, ""))
        end)
        log.info("t", "ready")
        sys.run()
        """, null)) {
      rig.awaitLine("I/user.t ready");
      rig.post(1, "a");
      rig.awaitLine("I/user.sent 1");
      rig.post(1, "reopen");
      rig.awaitScriptLines(5);
      assertThat(rig.scriptLines()).containsExactly("I/user.t ready", "I/user.rx a 1 0", "I/user.sent 1",
          "I/user.rx reopen 6 0", "I/user.sent 1");
    }
  }

  @Test
  void onTheEc618SetupForgetsAnEarlierOnWhileTheEc7xxKeepsIt() throws Exception {
    String script = """
        uart.on(1, "receive", function(id, len) log.info("early", id, len) end)
        uart.setup(1)
        uart.setup(2)
        uart.on(2, "receive", function(id, len) log.info("ctl", uart.read(id), uart.rxSize(1)) end)
        log.info("t", "ready")
        sys.run()
        """;
    try (Rig ec618 = new Rig("air780e", script, null); Rig ec7xx = new Rig("air780epm", script, null)) {
      for (Rig rig : List.of(ec618, ec7xx)) {
        rig.awaitLine("I/user.t ready");
        rig.post(1, "xyz");
        rig.post(2, "done");
        rig.awaitLine(l -> l.startsWith("I/user.ctl done"));
      }
      assertThat(ec618.scriptLines()).containsExactly("I/user.t ready", "I/user.ctl done 3");
      assertThat(ec7xx.scriptLines()).containsExactly("I/user.t ready", "I/user.early 1 3", "I/user.ctl done 3");
    }
  }

  @Test
  void zbuffsAreWrittenFromTheCursorToTheEndAndFilledAtTheCursor() throws Exception {
    try (PortsFromSpecs ports = new PortsFromSpecs(Map.of(1, "tcp:0"));
        Rig rig = new Rig("air780epm", """
            uart.setup(1)
            uart.on(1, "receive", function(id, len)
              if uart.rxSize(id) < 7 then return end -- the client's 7 bytes may come in more than one burst
              local z = zbuff.create(8)
              z:write("hello")
              local w1 = uart.write(id, z)          -- 3 bytes after the cursor
              z:seek(0)
              local w2 = uart.write(id, z, 4)       -- at most 4 of the 8
              z:seek(5)
              local t = {uart.tx(id, z), uart.tx(id, z, 1, 3), uart.tx(id, z, 6, 10), uart.tx(id, z, 8)}
              log.info("w", w1, w2, table.concat(t, " "))
              local small = zbuff.create(4)
              local n = uart.read(id, 100, small)   -- only the room there is
              local grow = zbuff.create(1)
              local m = uart.rx(id, grow)           -- everything left; grows to len + n
              log.info("r", n, small:used(), small:toStr(0, 4), m, grow:len(), grow:used(), grow:toStr(0, m), uart.rxSize(id))
            end)
            log.info("t", "ready")
            sys.run()
            """, ports)) {
      rig.awaitLine("I/user.t ready");
      try (Socket client = new Socket("127.0.0.1", ports.endpoint(1).localPort())) {
        client.setSoTimeout(WAIT_MILLIS);
        send(client.getOutputStream(), "abcdefg".getBytes(StandardCharsets.US_ASCII));
        byte[] expected = concat(new byte[3], bytes("hell"), bytes("hello"), bytes("ell"), new byte[2]);
        assertThat(readExactly(client.getInputStream(), expected.length)).isEqualTo(expected);
      }
      rig.awaitLine(l -> l.startsWith("I/user.r "));
      assertThat(rig.scriptLines()).containsExactly("I/user.t ready", "I/user.w 3 4 5 3 2 0", "I/user.r 4 4 abcd 3 4 3 efg 0");
    }
  }

  @Test
  void readLengthsFollowTheFirmwaresLimits() throws Exception {
    try (Rig rig = new Rig("air780epm", """
        uart.setup(1)
        uart.on(1, "receive", function(id, len)
          log.info("rx", uart.read(id, 0) == "", uart.rxSize(id), uart.read(id, -1))
        end)
        log.info("t", "ready")
        sys.run()
        """, null)) {
      rig.awaitLine("I/user.t ready");
      rig.post(1, "data");
      rig.awaitLine(l -> l.startsWith("I/user.rx"));
      assertThat(rig.scriptLines()).containsExactly("I/user.t ready",
          "E/uart uart read length too much 4294967295, change to 65536", "I/user.rx true 4 data");
    }
  }

  @Test
  void theUsbVirtualUartReportsEachBurstAndSendsWithoutSetup() throws Exception {
    try (Rig rig = new Rig("air780epm", """
        log.info("t", uart.write(uart.VUART_0, "early"), uart.exist(uart.VUART_0 + 5))
        uart.setup(uart.VUART_0)
        uart.setup(1)
        uart.on(1, "receive", function(id, len)
          local cmd = uart.read(id, len)
          if cmd == "hook" then
            uart.on(uart.VUART_0, "receive", function(i, n) log.info("usb", i, n, uart.rxSize(i)) end)
            uart.on(uart.VUART_0, "sent", function(i) log.info("usbsent", i) end)
            uart.write(uart.VUART_0, "hi")
          end
          log.info("ctl", cmd, uart.rxSize(uart.VUART_0))
        end)
        log.info("t", "ready")
        sys.run()
        """, null)) {
      rig.awaitLine("I/user.t ready");
      rig.post(UartLib.VUART_0, "unhooked");
      rig.post(1, "before");
      rig.awaitLine("I/user.ctl before 0");
      rig.post(1, "hook");
      rig.awaitLine("I/user.usbsent 32");
      rig.post(UartLib.VUART_0, "ab");
      rig.post(UartLib.VUART_0, "cde");
      rig.awaitLine("I/user.usb 32 3 5");
      assertThat(rig.scriptLines()).containsExactly("I/user.t 5 true", "I/user.t ready", "I/user.ctl before 0",
          "I/user.ctl hook 0", "I/user.usbsent 32", "I/user.usb 32 2 2", "I/user.usb 32 3 5");
    }
  }

  // --- helpers ------------------------------------------------------------------------------------

  /** Runs a script to os.exit(0) on {@code board} and returns what it logged. */
  private List<String> run(String board, String script) {
    try (Rig rig = new Rig(board, script + "\nos.exit(0)", null)) {
      rig.awaitExit();
      return rig.scriptLines();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  /** The byte counts {@code uart.write} returned, as the echo project logged them. */
  private static int echoedBytes(List<String> lines) {
    return lines.stream().filter(l -> l.startsWith("I/user.echo 1 ")).mapToInt(l -> Integer.parseInt(l.split(" ")[4])).sum();
  }

  private static boolean isLinuxOrMac() {
    String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
    return os.contains("linux") || os.contains("mac");
  }

  private static void send(OutputStream out, byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
  }

  private static byte[] readExactly(InputStream in, int n) throws IOException {
    byte[] got = in.readNBytes(n);
    if (got.length < n) throw new AssertionError("only " + got.length + " of " + n + " bytes came back: " + Arrays.toString(got));
    return got;
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  private static byte[] concat(byte[]... parts) {
    int n = 0;
    for (byte[] p : parts) n += p.length;
    byte[] out = new byte[n];
    int off = 0;
    for (byte[] p : parts) {
      System.arraycopy(p, 0, out, off, p.length);
      off += p.length;
    }
    return out;
  }

  private static byte[] allBytes() {
    byte[] b = new byte[256];
    for (int i = 0; i < 256; i++) b[i] = (byte) i;
    return b;
  }

  /** A device booted from a project with the given host UARTs (or none), recording its log. */
  private final class Rig implements AutoCloseable {
    Rig(String board, String mainLua, UartHost uarts) throws Exception {
      BoardProfile profile = BoardProfiles.find(board);
      Path root = Files.createTempDirectory(dir, board);
      Path project = Files.createDirectories(root.resolve("project"));
      Files.writeString(project.resolve("main.lua"), mainLua, StandardCharsets.UTF_8);
      DeviceSetup setup = DeviceSetup.of(profile, Project.open(project), Files.createDirectories(root.resolve("fs")))
          .withUarts(uarts == null ? UartHost.NONE : uarts);
      scheduler = Scheduler.create(Clock.system(), 2);
      device = scheduler.newDevice(new Device.Options("uart-" + board, Device.CrashPolicy.STOP, 5000),
          d -> new LuaFirmware(d, setup), new DeviceListener() {
            @Override
            public void onLog(Device d, LogRecord r) {
              synchronized (lines) {
                lines.add(r.text());
                lines.notifyAll();
              }
            }
          });
      device.start();
    }

    /** Plays the host: a burst arrives on uart {@code id}, as a port's I/O thread posts it. */
    void post(int id, String text) {
      post(id, bytes(text));
    }

    void post(int id, byte[] data) {
      device.post(new UartReceived(id, data));
    }

    String awaitLine(String exact) {
      return awaitLine(exact::equals);
    }

    /** Waits until the echo project's writes add up to {@code n} bytes (the log follows the bytes). */
    void awaitEchoed(int n) {
      awaitLog(all -> echoedBytes(all) == n);
    }

    void awaitScriptLines(int n) {
      awaitLog(all -> scriptLines().size() >= n);
    }

    String awaitLine(Predicate<String> p) {
      return awaitLog(all -> all.stream().anyMatch(p)).stream().filter(p).findFirst().orElseThrow();
    }

    /** Waits until the whole log satisfies {@code p}; returns it. */
    List<String> awaitLog(Predicate<List<String>> p) {
      long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MILLIS);
      synchronized (lines) {
        while (true) {
          if (p.test(lines)) return new ArrayList<>(lines);
          long left = deadline - System.nanoTime();
          if (left <= 0 || device.isStopped()) throw new AssertionError("no such line; the device logged:\n" + String.join("\n", lines));
          try {
            lines.wait(TimeUnit.NANOSECONDS.toMillis(left) + 1);
          } catch (InterruptedException e) {
            throw new AssertionError(e);
          }
        }
      }
    }

    void awaitExit() throws Exception {
      device.stopped().get(WAIT_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** What the script logged: everything after the firmware's boot lines. */
    List<String> scriptLines() {
      synchronized (lines) {
        return lines.stream().filter(l -> !l.startsWith("I/main LuatOS@") && !l.startsWith("I/main ROM Build")
            && !l.startsWith("D/main loadlibs")).toList();
      }
    }

    @Override
    public void close() {
      device.stop(0);
      try {
        device.stopped().get(10, TimeUnit.SECONDS);
      } catch (Exception e) {
        // the scheduler shutdown below interrupts a stuck step
      }
      scheduler.close();
    }

    private final Scheduler scheduler;
    private final Device device;
    private final List<String> lines = new ArrayList<>();
  }
}
