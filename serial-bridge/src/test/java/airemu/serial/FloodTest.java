package airemu.serial;

import static airemu.serial.Wire.record;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import airemu.core.LogRecord;
import com.fazecast.jSerialComm.SerialPort;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A viewer that connects and then never reads must not slow the device down: the device keeps writing,
 * the port drops what the viewer cannot take and counts it.
 */
class FloodTest {
  /** 50 MB of log: far more than a pty (about 20 KB), socket buffers (a few MB) and our queues hold. */
  static final long FLOOD_BYTES = 50L * 1024 * 1024;

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS) // a guard against a hang, not a speed requirement
  void aClientThatNeverReadsDoesNotBlockTheWriterAndItsLossIsCounted() throws Exception {
    Wire.assumePty();
    try (LogPort port = LogPort.open(PortSpec.parseList("pty,tcp:0"), Wire.options())) {
      Endpoint pty = port.endpoints().get(0);
      Endpoint tcp = port.endpoints().get(1);
      SerialPort ptyClient = Wire.openSerial(pty.device());
      try (Socket tcpClient = new Socket("127.0.0.1", tcp.localPort())) {
        tcpClient.setSoTimeout(Wire.TIMEOUT_MILLIS);
        Wire.handshake(ptyClient.getInputStream(), ptyClient.getOutputStream());
        Wire.handshake(tcpClient.getInputStream(), tcpClient.getOutputStream());
        // Both are attached and will never read again.

        byte[] line = ("I/user.flood " + "x".repeat(186) + "\n").getBytes(StandardCharsets.US_ASCII);
        LogRecord record = new LogRecord(0, 0, line);
        long written = 0;
        while (written < FLOOD_BYTES) {
          port.write(record);
          written += line.length;
        }

        assertTrue(written >= FLOOD_BYTES); // every write returned
        Transport ptyTransport = port.hub().transports().get(0);
        Transport tcpTransport = port.hub().transports().get(1);
        assertTrue(ptyTransport.droppedBytes() > 0, "pty drops not counted");
        assertTrue(tcpTransport.droppedBytes() > 0, "tcp drops not counted");
        assertEquals(ptyTransport.droppedBytes() + tcpTransport.droppedBytes(), port.droppedBytes());
        assertEquals(2, port.hub().attachedClients(), "a slow client is not a gone client");

        // The port still serves a newcomer.
        port.write(record("I/user.main after the flood\n"));
        try (Socket late = new Socket("127.0.0.1", tcp.localPort())) {
          late.setSoTimeout(Wire.TIMEOUT_MILLIS);
          List<String> lines = Wire.readUntil(late.getInputStream(), "I/user.main after the flood\r\n");
          assertTrue(lines.size() > 1, "the backlog should precede the last line");
        }
      } finally {
        ptyClient.closePort();
      }
    }
  }
}
