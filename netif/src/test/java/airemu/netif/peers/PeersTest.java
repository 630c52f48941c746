package airemu.netif.peers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.InputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The embedded peers against plain Java clients. */
class PeersTest {
  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

  @Test
  void theEchoPeerEchoesTcpAndUdpOnOnePort() throws Exception {
    try (EchoPeer echo = EchoPeer.start(LOOPBACK, 0)) {
      byte[] big = new byte[1 << 20];
      Arrays.fill(big, (byte) 'x');
      try (Socket s = new Socket(LOOPBACK, echo.port())) {
        s.setSoTimeout(20_000);
        Thread writer = new Thread(() -> {
          try {
            s.getOutputStream().write(big);
          } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        });
        writer.start();
        InputStream in = s.getInputStream();
        assertArrayEquals(big, in.readNBytes(big.length));
        writer.join();
      }
      try (DatagramSocket u = new DatagramSocket(0, LOOPBACK)) {
        u.setSoTimeout(20_000);
        u.send(new DatagramPacket("ping".getBytes(), 4, LOOPBACK, echo.port()));
        DatagramPacket p = new DatagramPacket(new byte[16], 16);
        u.receive(p);
        assertEquals("ping", new String(p.getData(), 0, p.getLength(), StandardCharsets.US_ASCII));
      }
    }
  }

  @Test
  void theSntpPeerAnswersAClientRequestWithItsClock() throws Exception {
    long now = 1_785_000_000_123L; // 2026-07-25, Unix milliseconds
    try (SntpPeer ntp = SntpPeer.start(LOOPBACK, 0, () -> now);
         DatagramSocket u = new DatagramSocket(0, LOOPBACK)) {
      u.setSoTimeout(20_000);
      byte[] req = new byte[48];
      req[0] = (byte) (4 << 3 | 3); // version 4, client
      req[2] = 6;
      for (int i = 40; i < 48; i++) req[i] = (byte) i; // transmit timestamp
      u.send(new DatagramPacket(req, 48, LOOPBACK, ntp.port()));
      DatagramPacket p = new DatagramPacket(new byte[128], 128);
      u.receive(p);
      assertEquals(48, p.getLength());
      ByteBuffer r = ByteBuffer.wrap(p.getData(), 0, 48);
      assertEquals(4 << 3 | 4, r.get(0)); // version 4, server
      assertEquals(1, r.get(1)); // stratum 1
      assertEquals(6, r.get(2));
      assertArrayEquals(Arrays.copyOfRange(req, 40, 48), Arrays.copyOfRange(p.getData(), 24, 32)); // originate
      long seconds = r.getInt(40) & 0xffffffffL;
      long fraction = r.getInt(44) & 0xffffffffL;
      assertEquals(now / 1000 + SntpPeer.NTP_UNIX_OFFSET, seconds);
      assertEquals(123, Math.round(fraction * 1000.0 / (1L << 32)));
    }
  }

  @Test
  void theSntpPeerIgnoresWhatIsNotAClientRequest() throws Exception {
    try (SntpPeer ntp = SntpPeer.start(LOOPBACK, 0, System::currentTimeMillis);
         DatagramSocket u = new DatagramSocket(0, LOOPBACK)) {
      u.setSoTimeout(20_000);
      byte[] serverMode = new byte[48];
      serverMode[0] = (byte) (4 << 3 | 4);
      u.send(new DatagramPacket(serverMode, 48, LOOPBACK, ntp.port()));
      u.send(new DatagramPacket(new byte[10], 10, LOOPBACK, ntp.port()));
      byte[] req = new byte[48];
      req[0] = (byte) (3 << 3 | 3);
      u.send(new DatagramPacket(req, 48, LOOPBACK, ntp.port()));
      DatagramPacket p = new DatagramPacket(new byte[128], 128);
      u.receive(p); // the first answer is the one for the real request
      assertEquals(3 << 3 | 4, p.getData()[0]);
    }
  }
}
