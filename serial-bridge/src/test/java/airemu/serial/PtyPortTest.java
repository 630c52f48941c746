package airemu.serial;

import static airemu.serial.Wire.BANNER;
import static airemu.serial.Wire.readLine;
import static airemu.serial.Wire.readUntil;
import static airemu.serial.Wire.record;
import static airemu.serial.Wire.send;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fazecast.jSerialComm.SerialPort;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The log port on a pty, opened by real clients: jSerialComm in this JVM and pyserial in python3. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PtyPortTest {

  @BeforeAll
  static void onlyWherePtysExist() {
    Wire.assumePty();
  }

  @Test
  void aViewerThatOnlyReadsGetsTheLinePrintedBeforeItOpenedByteForByte() throws Exception {
    try (LogPort port = LogPort.open(List.of(PortSpec.parse("pty")), Wire.options())) {
      port.write(record("I/user.main hello 1\n"));
      String slave = port.endpoints().get(0).device();
      assertTrue(slave.startsWith("/dev/"), slave);

      SerialPort client = Wire.openSerial(slave);
      try {
        assertEquals("I/user.main hello 1\r\n", readLine(client.getInputStream()));
        port.write(record("I/user.main hello 2\n"));
        assertEquals("I/user.main hello 2\r\n", readLine(client.getInputStream()));
      } finally {
        client.closePort();
      }
    }
  }

  @Test
  void atiThroughTheSymlinkAnswersTheBannerAndClosingRemovesTheLink(@TempDir Path dir) throws Exception {
    Path link = dir.resolve("ttyLUAT0");
    LogPort port = LogPort.open(List.of(PortSpec.parse("pty:" + link)), Wire.options());
    try {
      Endpoint endpoint = port.endpoints().get(0);
      assertEquals(link.toString(), endpoint.address());
      assertEquals(endpoint.device(), Files.readSymbolicLink(link).toString());

      SerialPort client = Wire.openSerial(link.toString());
      try {
        send(client.getOutputStream(), "ATI\r\n");
        assertEquals(List.of("ATI\r\n", "\r\n", BANNER + "\r\n"), readUntil(client.getInputStream(), BANNER + "\r\n"));
      } finally {
        client.closePort();
      }
    } finally {
      port.close();
    }
    assertFalse(Files.exists(link, LinkOption.NOFOLLOW_LINKS), "link left behind");
  }

  @Test
  void aStaleLinkFromAnEarlierRunIsReplaced(@TempDir Path dir) throws Exception {
    Path link = dir.resolve("ttyLUAT0");
    Files.createSymbolicLink(link, Path.of("/dev/pts/does-not-exist"));
    try (LogPort port = LogPort.open(List.of(PortSpec.parse("pty:" + link)), Wire.options())) {
      assertEquals(port.endpoints().get(0).device(), Files.readSymbolicLink(link).toString());
    }
  }

  @Test
  void pyserialReadsALineAndGetsTheBannerForAti() throws Exception {
    Wire.assumePyserial();
    try (LogPort port = LogPort.open(List.of(PortSpec.parse("pty")), Wire.options())) {
      port.write(record("I/user.main hello pyserial\n"));
      List<String> got = Wire.python(Wire.PYSERIAL_CLIENT, port.endpoints().get(0).device());
      assertEquals(List.of("b'I/user.main hello pyserial\\r\\n'", "b'ATI\\r\\n'", "b'\\r\\n'", "b'" + BANNER + "\\r\\n'"), got);
    }
  }

  @Test
  void aViewerThatThrowsAwayTheBacklogUnreadGetsItAgainOnce() throws Exception {
    // What pyserial does when it opens, made certain: wait until the backlog is there, then flush it.
    String script = String.join("\n",
        "import os, sys, select, termios",
        "fd = os.open(sys.argv[1], os.O_RDWR | os.O_NOCTTY)",
        "assert select.select([fd], [], [], 20)[0], 'no backlog'",
        "termios.tcflush(fd, termios.TCIFLUSH)",
        "os.write(fd, b'AT\\r\\n')",
        "got = b''",
        "while not got.endswith(b'OK\\r\\n') and select.select([fd], [], [], 20)[0]:",
        "    got += os.read(fd, 4096)",
        "print(repr(got))");
    Wire.assumePython();
    try (LogPort port = LogPort.open(List.of(PortSpec.parse("pty")), Wire.options().withEcho(false))) {
      port.write(record("I/user.main hello 1\n"));
      List<String> got = Wire.python(script, port.endpoints().get(0).device());
      assertEquals(List.of("b'I/user.main hello 1\\r\\nOK\\r\\n'"), got);
    }
  }

  @Test
  void aClientThatLeavesAndComesBackMissesNoLineWithinTheBacklog() throws Exception {
    try (LogPort port = LogPort.open(List.of(PortSpec.parse("pty")), Wire.options())) {
      String slave = port.endpoints().get(0).device();
      port.write(record("line 1\n"));

      SerialPort first = Wire.openSerial(slave);
      assertEquals("line 1\r\n", readLine(first.getInputStream()));
      port.write(record("line 2\n"));
      assertEquals("line 2\r\n", readLine(first.getInputStream()));
      first.closePort();

      port.write(record("line 3\n")); // nobody attached
      port.write(record("line 4\n"));

      SerialPort second = Wire.openSerial(slave);
      try {
        for (int i = 1; i <= 4; i++) assertEquals("line " + i + "\r\n", readLine(second.getInputStream()));
        port.write(record("line 5\n"));
        assertEquals("line 5\r\n", readLine(second.getInputStream()));
      } finally {
        second.closePort();
      }
    }
  }

  @Test
  void atResetRunsTheResetCallbackAndUnknownCommandsAnswerErr() throws Exception {
    CountDownLatch reset = new CountDownLatch(1);
    LogPort.Options options = Wire.options().withOnReset(reset::countDown);
    try (LogPort port = LogPort.open(List.of(PortSpec.parse("pty")), options)) {
      SerialPort client = Wire.openSerial(port.endpoints().get(0).device());
      try {
        send(client.getOutputStream(), "ATE0\r\nAT+FOO\r\nAT+CGSN\r\nAT+RESET\r\n");
        assertEquals("ATE0\r\n", readLine(client.getInputStream())); // echoed while echo was still on
        assertEquals("\r\n", readLine(client.getInputStream()));
        assertEquals("OK\r\n", readLine(client.getInputStream()));
        assertEquals("ERR\r\n", readLine(client.getInputStream()));
        assertEquals("+CGSN=0123456789ABCDEF\n", readLine(client.getInputStream()));
        assertEquals("OK\r\n", readLine(client.getInputStream()));
        assertTrue(reset.await(Wire.TIMEOUT_MILLIS, TimeUnit.MILLISECONDS), "reset callback not run");
      } finally {
        client.closePort();
      }
    }
  }
}
