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
import java.util.ArrayList;
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
  void aViewerThatFlushesAfterReadingTheBacklogDoesNotGetItAgain() throws Exception {
    // reset_input_buffer() before a command, as scripts do: the flush is the viewer's own choice
    String script = String.join("\n",
        "import os, sys, select, termios",
        "fd = os.open(sys.argv[1], os.O_RDWR | os.O_NOCTTY)",
        "def until(end):",
        "    got = b''",
        "    while not got.endswith(end) and select.select([fd], [], [], 20)[0]:",
        "        got += os.read(fd, 4096)",
        "    print(repr(got))",
        "until(b'hello 1\\r\\n')",
        "termios.tcflush(fd, termios.TCIFLUSH)",
        "os.write(fd, b'AT\\r\\n')",
        "until(b'OK\\r\\n')");
    Wire.assumePython();
    try (LogPort port = LogPort.open(List.of(PortSpec.parse("pty")), Wire.options().withEcho(false))) {
      port.write(record("I/user.main hello 1\n"));
      List<String> got = Wire.python(script, port.endpoints().get(0).device());
      assertEquals(List.of(repr("I/user.main hello 1\r\n"), repr("OK\r\n")), got);
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

  /**
   * As {@code cat} or {@code screen} read a pty: a plain open and reads, no flush. The first viewer
   * takes a few bytes of the backlog and leaves the rest unread; the next one must not get that rest
   * (a torn line, then lines it gets again with the backlog).
   */
  @Test
  void aViewerThatDoesNotFlushGetsTheBacklogOnceAfterAnEarlierOneLeftMostOfItUnread() throws Exception {
    Wire.assumePython();
    try (LogPort port = LogPort.open(List.of(PortSpec.parse("pty")), Wire.options())) {
      String slave = port.endpoints().get(0).device();
      List<String> backlog = new ArrayList<>();
      for (int i = 1; i <= 20; i++) {
        String line = "I/user.main line " + i + " " + "y".repeat(40);
        port.write(record(line + "\n"));
        backlog.add(repr(line + "\r\n"));
      }

      List<String> first = Wire.python(PLAIN_READER, slave, "100");
      assertTrue(first.size() == 1 && first.get(0).startsWith("b'I/user.main line 1 "), first::toString);
      assertTrue(port.hub().awaitAttached(0, Wire.TIMEOUT_MILLIS), "the pty did not see the viewer leave");

      port.write(record("I/user.main end\n"));
      backlog.add(repr("I/user.main end\r\n"));
      assertEquals(backlog, Wire.python(PLAIN_READER, slave, "I/user.main end\r\n"));
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

  /**
   * A viewer that opens the pty as {@code cat} does (no flush, no termios change) and prints each
   * line it read as {@code repr(bytes)}: with a number, after one read of at most that many bytes;
   * otherwise once a read ends with the given line, or when nothing comes for a while.
   */
  static final String PLAIN_READER = String.join("\n",
      "import os, sys, select",
      "fd = os.open(sys.argv[1], os.O_RDONLY | os.O_NOCTTY)",
      "if sys.argv[2].isdigit():",
      "    assert select.select([fd], [], [], 20)[0], 'nothing to read'",
      "    print(repr(os.read(fd, int(sys.argv[2]))))",
      "    sys.exit()",
      "end = sys.argv[2].encode()",
      "got = b''",
      "while not got.endswith(end) and select.select([fd], [], [], 20)[0]:",
      "    got += os.read(fd, 4096)",
      "for line in got.splitlines(True):",
      "    print(repr(line))");

  /** Python's repr of an ASCII bytes object. */
  static String repr(String ascii) {
    return "b'" + ascii.replace("\r", "\\r").replace("\n", "\\n") + "'";
  }
}
