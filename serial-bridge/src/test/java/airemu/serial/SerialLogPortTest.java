package airemu.serial;

import static airemu.serial.Wire.BANNER;
import static airemu.serial.Wire.readLine;
import static airemu.serial.Wire.readUntil;
import static airemu.serial.Wire.record;
import static airemu.serial.Wire.send;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fazecast.jSerialComm.SerialPort;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The log port on an existing serial port, the way Windows users run it on one end of a com0com pair
 * while LuaTools opens the other: here the pair is socat's, two ptys joined back to back. A pty pair
 * carries no modem lines, so the port is attached from the start and does not listen to them; the
 * modem-line events com0com sends are played through the transport's event hook.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SerialLogPortTest {
  @TempDir
  Path dir;

  private Process socat;
  private Path emulatorEnd;
  private Path viewerEnd;

  @BeforeEach
  void startAPair() throws Exception {
    Wire.assumePty();
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/socat")), "socat is not installed");
    emulatorEnd = dir.resolve("com10");
    viewerEnd = dir.resolve("com11");
    socat = new ProcessBuilder("/usr/bin/socat", "-d", "-d", "pty,raw,echo=0,link=" + emulatorEnd,
        "pty,raw,echo=0,link=" + viewerEnd).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    BufferedReader log = new BufferedReader(new InputStreamReader(socat.getErrorStream(), StandardCharsets.UTF_8));
    for (String line; (line = log.readLine()) != null; ) {
      if (line.contains("starting data transfer loop")) return; // both ends exist
    }
    throw new AssertionError("socat ended before the pair was up");
  }

  @AfterEach
  void stopThePair() throws Exception {
    if (socat != null) {
      socat.destroy();
      socat.waitFor(Wire.TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
    }
  }

  @Test
  void aViewerOnTheOtherEndGetsTheLogAndTheShellAnswers() throws Exception {
    try (LogPort port = LogPort.open(PortSpec.parseList("serial:" + emulatorEnd + "@921600"), Wire.options())) {
      SerialPort viewer = Wire.openSerial(viewerEnd.toString());
      try {
        InputStream in = viewer.getInputStream();
        port.write(record("I/user.main hello 1\n"));
        assertEquals("I/user.main hello 1\r\n", readLine(in));
        send(viewer.getOutputStream(), "ATI\r\n");
        assertEquals(List.of("ATI\r\n", "\r\n", BANNER + "\r\n"), readUntil(in, BANNER + "\r\n"));
      } finally {
        viewer.closePort();
      }
    }
  }

  @Test
  void aPtyPairHasNoModemLinesToWatchButAComPortHas() {
    assertTrue(SerialCommTransport.isPseudoTerminal(emulatorEnd.toString())); // the link resolves to /dev/pts/N
    assertFalse(SerialCommTransport.isPseudoTerminal("COM10"));
  }

  @Test
  void dsrOrDcdRisingGivesTheViewerTheBacklogAndFallingDetachesIt() throws Exception {
    try (LogPort port = LogPort.open(PortSpec.parseList("serial:" + emulatorEnd), Wire.options().withEcho(false))) {
      SerialCommTransport serial = (SerialCommTransport) port.hub().transports().get(0);
      SerialPort viewer = Wire.openSerial(viewerEnd.toString());
      try {
        InputStream in = viewer.getInputStream();
        port.write(record("line 1\n"));
        assertEquals("line 1\r\n", readLine(in)); // the lines say nothing yet: attached from the start
        serial.peerLinesChanged(true); // com0com with dcd=ropen: a viewer opened its end
        assertEquals("line 1\r\n", readLine(in)); // it gets the backlog
        serial.peerLinesChanged(false); // and closed it
        port.write(record("line 2\n")); // only into the backlog
        serial.peerLinesChanged(true); // the next viewer: the backlog, then live output
        port.write(record("line 3\n"));
        assertEquals(List.of("line 1\r\n", "line 2\r\n", "line 3\r\n"), List.of(readLine(in), readLine(in), readLine(in)));
        send(viewer.getOutputStream(), "AT\r\n"); // nothing else came: the shell's answer is next
        assertEquals("OK\r\n", readLine(in));
      } finally {
        viewer.closePort();
      }
    }
  }
}
