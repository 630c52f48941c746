package airemu.serial;

import static airemu.serial.Wire.send;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fazecast.jSerialComm.SerialPort;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Data UARTs: raw bytes both ways. In each test the test thread plays the device: it takes what arrived
 * from its message bus (a queue, as {@link FromHost#post} would fill the device's) and writes it back.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DataPortTest {
  private final BlockingQueue<byte[]> bus = new LinkedBlockingQueue<>();

  @Test
  void echoThroughAPty() throws Exception {
    Wire.assumePty();
    try (DataPort uart = DataPort.open("uart1", List.of(PortSpec.parse("pty")), bus::add)) {
      SerialPort client = Wire.openSerial(uart.endpoints().get(0).device());
      try {
        send(client.getOutputStream(), "ping\r\n");
        echo(uart, 6);
        assertEquals("ping\r\n", new String(client.getInputStream().readNBytes(6), StandardCharsets.ISO_8859_1));
      } finally {
        client.closePort();
      }
    }
  }

  @Test
  void aPtyClientGetsWhatIsWrittenTheMomentItsOpenReturns() throws Exception {
    Wire.assumePty();
    try (DataPort uart = DataPort.open("uart1", List.of(PortSpec.parse("pty")), bus::add)) {
      SerialPort client = SerialPort.getCommPort(uart.endpoints().get(0).device());
      client.setComPortTimeouts(SerialPort.TIMEOUT_READ_SEMI_BLOCKING, Wire.TIMEOUT_MILLIS, 0);
      try {
        // The poller learns of the open a moment after it returns, and attaching a client takes the
        // port's lock: holding it, the test writes before the poller can have acted on the open.
        synchronized (uart.hub()) {
          assertTrue(client.openPort(), "jSerialComm opens the pty slave");
          uart.write("now".getBytes(StandardCharsets.US_ASCII));
        }
        assertEquals("now", new String(client.getInputStream().readNBytes(3), StandardCharsets.US_ASCII));
      } finally {
        client.closePort();
      }
    }
  }

  @Test
  void echoThroughTcpWithoutBacklogOrShell() throws Exception {
    try (DataPort uart = DataPort.open("uart1", List.of(PortSpec.parse("tcp:0")), bus::add)) {
      uart.write("before anyone listened".getBytes(StandardCharsets.US_ASCII));
      try (Socket s = new Socket("127.0.0.1", uart.endpoints().get(0).localPort())) {
        s.setSoTimeout(Wire.TIMEOUT_MILLIS);
        send(s.getOutputStream(), "AT\r\n"); // no shell on a data port: it is just data
        echo(uart, 4);
        assertEquals("AT\r\n", new String(s.getInputStream().readNBytes(4), StandardCharsets.ISO_8859_1));
      }
    }
  }

  @Test
  void echoThroughUdpRepliesToTheLastSender() throws Exception {
    try (DataPort uart = DataPort.open("uart2", List.of(PortSpec.parse("udp:0")), bus::add);
        DatagramSocket peer = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      peer.setSoTimeout(Wire.TIMEOUT_MILLIS);
      Endpoint endpoint = uart.endpoints().get(0);
      assertEquals("udp://127.0.0.1:" + endpoint.localPort(), endpoint.address());
      byte[] ping = {'p', 'i', 'n', 'g', (byte) 0xff, 0};
      peer.send(new DatagramPacket(ping, ping.length, InetAddress.getLoopbackAddress(), endpoint.localPort()));
      echo(uart, ping.length);
      DatagramPacket reply = new DatagramPacket(new byte[64], 64);
      peer.receive(reply);
      assertArrayEquals(ping, Arrays.copyOf(reply.getData(), reply.getLength()));
    }
  }

  @Test
  void theSimulatorsConventionSendsEverythingToTheFixedPeerInDatagramsOf512() throws Exception {
    try (DatagramSocket peer = new DatagramSocket(0, InetAddress.getLoopbackAddress());
        DatagramSocket sender = new DatagramSocket(0, InetAddress.getLoopbackAddress());
        DataPort uart = DataPort.open("uart3", List.of(PortSpec.parse("udp:0@" + peer.getLocalPort())), bus::add)) {
      peer.setSoTimeout(Wire.TIMEOUT_MILLIS);
      uart.write(new byte[1300]); // before anyone sent: the simulator sends at once, to 19000+id
      assertEquals(List.of(512, 512, 276), List.of(receive(peer).length, receive(peer).length, receive(peer).length));

      byte[] ping = {'p', 'i', 'n', 'g'};
      sender.send(new DatagramPacket(ping, ping.length, InetAddress.getLoopbackAddress(), uart.endpoints().get(0).localPort()));
      echo(uart, ping.length);
      assertArrayEquals(ping, receive(peer)); // to the peer, not back to whoever sent
    }
  }

  @Test
  void anExistingSerialPortCarriesBytesBothWays() throws Exception {
    Wire.assumePty(); // the "existing port" is the slave of one of our ptys, as a socat pair end would be
    BlockingQueue<byte[]> far = new LinkedBlockingQueue<>();
    try (DataPort device = DataPort.open("uart1", List.of(PortSpec.parse("pty")), bus::add)) {
      String slave = device.endpoints().get(0).device();
      try (DataPort bridge = DataPort.open("bridge", List.of(PortSpec.parse("serial:" + slave + "@921600")), far::add)) {
        assertEquals(slave, bridge.endpoints().get(0).address());
        bridge.write("hello device".getBytes(StandardCharsets.US_ASCII));
        echo(device, 12);
        assertEquals("hello device", new String(take(far, 12), StandardCharsets.US_ASCII));
      }
    }
  }

  @Test
  void aBusyPortNamesTheSpecInItsError() throws Exception {
    try (DataPort first = DataPort.open("uart1", List.of(PortSpec.parse("tcp:0")), bus::add)) {
      int taken = first.endpoints().get(0).localPort();
      IOException e = assertThrows(IOException.class,
          () -> DataPort.open("uart2", List.of(PortSpec.parse("udp:0"), PortSpec.parse("tcp:" + taken)), bus::add));
      assertTrue(e.getMessage().startsWith("uart2: cannot open tcp:127.0.0.1:" + taken + ": "), e.getMessage());
    }
  }

  @Test
  void aLogPortRefusesUdp() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> LogPort.open(List.of(PortSpec.parse("udp:9000")), Wire.options()));
    assertTrue(e.getMessage().contains("udp is for data UARTs only"), e.getMessage());
  }

  private static byte[] receive(DatagramSocket socket) throws IOException {
    DatagramPacket p = new DatagramPacket(new byte[2048], 2048);
    socket.receive(p);
    return Arrays.copyOf(p.getData(), p.getLength());
  }

  /** Plays the device: takes {@code n} bytes off the bus and writes them back. */
  private void echo(DataPort uart, int n) throws InterruptedException {
    uart.write(take(bus, n));
  }

  private static byte[] take(BlockingQueue<byte[]> queue, int n) throws InterruptedException {
    ByteArrayOutputStream got = new ByteArrayOutputStream();
    while (got.size() < n) {
      byte[] chunk = queue.poll(Wire.TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
      if (chunk == null) throw new AssertionError("only " + got.size() + " of " + n + " bytes arrived");
      got.writeBytes(chunk);
    }
    return got.toByteArray();
  }
}
