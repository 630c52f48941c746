package airemu.serial;

import static airemu.serial.Wire.BANNER;
import static airemu.serial.Wire.readLine;
import static airemu.serial.Wire.readUntil;
import static airemu.serial.Wire.record;
import static airemu.serial.Wire.send;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import airemu.core.LogRecord;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The log port as a raw TCP server and as an RFC 2217 server, with Java sockets and pyserial as clients. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SocketPortTest {

  @Test
  void aSocketClientGetsTheBacklogThenLiveLinesAndShellReplies() throws Exception {
    try (LogPort port = LogPort.open(List.of(PortSpec.parse("tcp:0")), Wire.options())) {
      port.write(record("I/user.main hello 1\n"));
      try (Socket s = connect(port)) {
        InputStream in = s.getInputStream();
        assertEquals("I/user.main hello 1\r\n", readLine(in)); // replayed once the client settled
        port.write(record("I/user.main hello 2\n"));
        assertEquals("I/user.main hello 2\r\n", readLine(in));
        send(s.getOutputStream(), "ATI\r");
        assertEquals(List.of("ATI\r\r\n", BANNER + "\r\n"), readUntil(in, BANNER + "\r\n"));
      }
    }
  }

  @Test
  void everyClientGetsTheOutputAndALateOneGetsTheEarlierLines() throws Exception {
    try (LogPort port = LogPort.open(List.of(PortSpec.parse("tcp:0")), Wire.options())) {
      try (Socket early = connect(port)) {
        Wire.handshake(early.getInputStream(), early.getOutputStream());
        port.write(record("line 1\n"));
        port.write(record("line 2\n"));
        assertEquals("line 1\r\n", readLine(early.getInputStream()));
        assertEquals("line 2\r\n", readLine(early.getInputStream()));

        try (Socket late = connect(port)) {
          // Everything the port sent so far, the first client's shell exchange included, as on one wire.
          assertEquals(List.of("AT\r\n", "\r\n", "OK\r\n", "line 1\r\n", "line 2\r\n"), readN(late.getInputStream(), 5));
          port.write(record("line 3\n"));
          assertEquals("line 3\r\n", readLine(late.getInputStream()));
          assertEquals("line 3\r\n", readLine(early.getInputStream()));
        }
      }
    }
  }

  @Test
  void aClientThatLeavesAndComesBackMissesNoLineWithinTheBacklog() throws Exception {
    try (LogPort port = LogPort.open(List.of(PortSpec.parse("tcp:0")), Wire.options().withEcho(false))) {
      port.write(record("line 1\n"));
      try (Socket first = connect(port)) {
        assertEquals("line 1\r\n", readLine(first.getInputStream()));
        port.write(record("line 2\n"));
        assertEquals("line 2\r\n", readLine(first.getInputStream()));
      }
      port.write(record("line 3\n"));
      port.write(record("line 4\n"));
      try (Socket second = connect(port)) {
        assertEquals(List.of("line 1\r\n", "line 2\r\n", "line 3\r\n", "line 4\r\n"), readN(second.getInputStream(), 4));
      }
    }
  }

  @Test
  void theBacklogKeepsOnlyTheNewestWholeLines() throws Exception {
    LogPort.Options options = Wire.options().withBacklogBytes(64);
    try (LogPort port = LogPort.open(List.of(PortSpec.parse("tcp:0")), options)) {
      for (int i = 1; i <= 20; i++) port.write(record("line " + i + "\n")); // 8 or 9 bytes each on the wire
      try (Socket s = connect(port)) {
        String first = readLine(s.getInputStream());
        int n = Integer.parseInt(first.substring(5, first.length() - 2)); // "line N\r\n": never a torn line
        assertTrue(n > 1 && n < 20, first);
        for (int i = n + 1; i <= 20; i++) assertEquals("line " + i + "\r\n", readLine(s.getInputStream()));
      }
    }
  }

  @Test
  void timestampsAndLfAreOptional() throws Exception {
    LogPort.Options options = Wire.options().withTimestamps(true).withLineEnding(LogPort.LineEnding.LF)
        .withZone(ZoneOffset.UTC);
    try (LogPort port = LogPort.open(List.of(PortSpec.parse("tcp:0")), options)) {
      port.write(new LogRecord(0, 1_767_225_600_123L, "I/user.main a\nI/user.main b\n".getBytes()));
      try (Socket s = connect(port)) {
        assertEquals("[2026-01-01 00:00:00.123] I/user.main a\n", readLine(s.getInputStream()));
        assertEquals("[2026-01-01 00:00:00.123] I/user.main b\n", readLine(s.getInputStream()));
      }
    }
  }

  @Test
  void pyserialSocketUrlReadsALineAndGetsTheBanner() throws Exception {
    Wire.assumePyserial();
    try (LogPort port = LogPort.open(List.of(PortSpec.parse("tcp:0")), Wire.options())) {
      port.write(record("I/user.main via socket\n"));
      List<String> got = Wire.python(Wire.PYSERIAL_CLIENT, "socket://127.0.0.1:" + port.endpoints().get(0).localPort());
      assertEquals(List.of("b'I/user.main via socket\\r\\n'", "b'ATI\\r\\n'", "b'\\r\\n'", "b'" + BANNER + "\\r\\n'"), got);
    }
  }

  @Test
  void pyserialRfc2217UrlOpensAt921600ReadsALineAndGetsTheBanner() throws Exception {
    Wire.assumePyserial();
    try (LogPort port = LogPort.open(List.of(PortSpec.parse("rfc2217:0")), Wire.options())) {
      port.write(record("I/user.main via rfc2217 \u00ff\n")); // non-ASCII text passes as its UTF-8 bytes
      Endpoint endpoint = port.endpoints().get(0);
      assertEquals("rfc2217://127.0.0.1:" + endpoint.localPort(), endpoint.address());
      List<String> got = Wire.python(Wire.PYSERIAL_CLIENT, endpoint.address());
      assertEquals(List.of("b'I/user.main via rfc2217 \\xc3\\xbf\\r\\n'", "b'ATI\\r\\n'", "b'\\r\\n'", "b'" + BANNER + "\\r\\n'"), got);
    }
  }

  @Test
  void pyserialRfc2217CarriesRawFfBytesBothWays() throws Exception {
    Wire.assumePyserial();
    BlockingQueue<byte[]> received = new LinkedBlockingQueue<>();
    try (DataPort port = DataPort.open("uart1", List.of(PortSpec.parse("rfc2217:0")), received::add)) {
      String script = String.join("\n",
          "import sys, serial",
          "s = serial.serial_for_url(sys.argv[1], baudrate=115200, timeout=20)",
          "s.write(b'\\xff\\x00\\xff\\xff!')",
          "print(s.read(4).hex())",
          "s.close()");
      // The device side: collects what arrives, then answers, while python waits for the answer.
      CompletableFuture<byte[]> device = CompletableFuture.supplyAsync(() -> {
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        while (got.size() < 5) {
          try {
            byte[] chunk = received.poll(Wire.TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
            if (chunk == null) break;
            got.writeBytes(chunk);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            break;
          }
        }
        port.write(new byte[] {(byte) 0xff, 1, (byte) 0xff, 2});
        return got.toByteArray();
      });
      assertEquals(List.of("ff01ff02"), Wire.python(script, port.endpoints().get(0).address()));
      assertArrayEquals(new byte[] {(byte) 0xff, 0, (byte) 0xff, (byte) 0xff, '!'}, device.get());
    }
  }

  static Socket connect(LogPort port) throws IOException {
    Socket s = new Socket("127.0.0.1", port.endpoints().get(0).localPort());
    s.setSoTimeout(Wire.TIMEOUT_MILLIS);
    return s;
  }

  static List<String> readN(InputStream in, int n) throws IOException {
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < n; i++) lines.add(readLine(in));
    return lines;
  }
}
