package airemu.netif;

import static airemu.netif.SocketEvents.EVENT;
import static airemu.netif.SocketEvents.ON_LINE;
import static airemu.netif.SocketEvents.TX_OK;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import airemu.netif.SocketCtrl.Read;
import airemu.netif.SocketCtrl.Rx;
import airemu.netif.SocketCtrl.Status;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** UDP ctrls against socat's UDP echo and a plain datagram socket: spec 2.6-2.8 and 3.4. */
class UdpTest {
  /** 127.0.0.1 in the 5-byte sender form of socket.rx: 0x00, then the address in network order. */
  private static final byte[] LOOPBACK_BIN = {0, 127, 0, 0, 1};

  private static Peers.Socat echo;
  private TestDevice dev;

  @BeforeAll
  static void startEcho() {
    echo = Peers.Socat.udpEcho();
  }

  @AfterAll
  static void stopEcho() {
    echo.close();
  }

  /** The device the tests run on, its network up; {@link UdpOnAir8000Test} runs them on another board. */
  TestDevice ready(NetOptions options, int sockets) {
    return Boards.readyAir780(options, sockets);
  }

  @BeforeEach
  void boot() {
    dev = ready(Boards.options(), 8);
  }

  @AfterEach
  void shutdown() {
    dev.close();
  }

  private SocketCtrl connected(int localPort) {
    SocketCtrl c = dev.udp(null, localPort);
    assertEquals(new Status(true, false), dev.call(() -> c.connect("127.0.0.1", echo.port, false)));
    dev.expect(c, ON_LINE, 0);
    return c;
  }

  @Test
  void aDatagramIsSentAcknowledgedEchoedAndReadWithItsSender() {
    SocketCtrl c = connected(0);
    dev.call(() -> c.tx(TestDevice.bytes("hello")));
    dev.expect(c, TX_OK, 0);
    dev.expect(c, EVENT, 0);
    TestDevice.Sink sink = new TestDevice.Sink();
    Rx rx = dev.call(() -> c.rx(sink, 0));
    assertEquals(4, rx.count());
    assertEquals(5, rx.length());
    assertArrayEquals(LOOPBACK_BIN, rx.remoteIp());
    assertEquals(echo.port, rx.remotePort().intValue());
    assertEquals("hello", sink.text());
    assertEquals(Rx.EMPTY, dev.call(() -> c.rx(sink, 0)));
  }

  @Test
  void rxWithALimitTakesTheStartOfTheDatagramAndDropsTheRest() {
    SocketCtrl c = connected(0);
    dev.call(() -> c.tx(TestDevice.bytes("0123456789")));
    dev.expect(c, TX_OK, 0);
    dev.expect(c, EVENT, 0);
    assertEquals(new Rx(true, 10, null, null, 2), dev.call(() -> c.rx(null, 0)));
    TestDevice.Sink sink = new TestDevice.Sink();
    assertEquals(4, dev.call(() -> c.rx(sink, 4)).length());
    assertEquals("0123", sink.text());
    assertEquals(Rx.EMPTY, dev.call(() -> c.rx(sink, 0)));
  }

  @Test
  void eachDatagramRaisesItsEventAndEachRxReturnsOneDatagram() {
    SocketCtrl c = connected(0);
    dev.run(() -> {
      c.tx(TestDevice.bytes("a"));
      c.tx(TestDevice.bytes("bb"));
    });
    // TX_OK once, when both are out; on loopback the first echo can come back before the second
    // datagram is out, and data while the target is TX_OK is an EVENT too (spec 2.12)
    List<String> heard = new ArrayList<>();
    for (int i = 0; i < 3; i++) heard.add(dev.next().toString());
    assertTrue(heard.equals(List.of("TX_OK,0", "EVENT,0", "EVENT,0")) || heard.equals(List.of("EVENT,0", "TX_OK,0", "EVENT,0")),
        heard.toString());
    assertEquals(new Rx(true, 1, null, null, 2), dev.call(() -> c.rx(null, 0))); // the first datagram's length
    TestDevice.Sink sink = new TestDevice.Sink();
    assertEquals(1, dev.call(() -> c.rx(sink, 0)).length());
    assertEquals(2, dev.call(() -> c.rx(sink, 0)).length());
    assertEquals("abb", sink.text());
  }

  @Test
  void readReturnsTheDatagramWithItsSender() {
    SocketCtrl c = connected(0);
    dev.call(() -> c.tx(TestDevice.bytes("xyz")));
    dev.expect(c, TX_OK, 0);
    dev.expect(c, EVENT, 0);
    Read r = dev.call(() -> c.read(0));
    assertEquals(4, r.count());
    assertEquals("xyz", new String(r.data(), StandardCharsets.US_ASCII));
    assertArrayEquals(LOOPBACK_BIN, r.remoteIp());
    assertEquals(echo.port, r.remotePort().intValue());
  }

  @Test
  void aServerSocketOnALocalPortReceivesFromAnyoneAndRepliesPerDatagram() throws Exception {
    int port = Peers.freeUdpPort();
    SocketCtrl c = dev.udp(null, port);
    dev.call(() -> c.connect("255.255.255.255", 0, false)); // the udpsrv.lua idiom
    dev.expect(c, ON_LINE, 0);
    try (DatagramSocket client = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      client.setSoTimeout((int) TestDevice.TIMEOUT.toMillis());
      client.send(new DatagramPacket("hi".getBytes(), 2, InetAddress.getLoopbackAddress(), port));
      dev.expect(c, EVENT, 0);
      Read r = dev.call(() -> c.read(0));
      assertArrayEquals(LOOPBACK_BIN, r.remoteIp());
      assertEquals(client.getLocalPort(), r.remotePort().intValue());
      dev.call(() -> c.tx(TestDevice.bytes("yo"), "127.0.0.1", client.getLocalPort()));
      dev.expect(c, TX_OK, 0);
      DatagramPacket p = new DatagramPacket(new byte[16], 16);
      client.receive(p);
      assertEquals("yo", new String(p.getData(), 0, p.getLength(), StandardCharsets.US_ASCII));
      assertEquals(port, p.getPort());
    }
  }

  @Test
  void aRawIntegerDestinationAddressesTheDatagram() throws Exception {
    SocketCtrl c = dev.udp(null, Peers.freeUdpPort());
    dev.call(() -> c.connect("255.255.255.255", 0, false));
    dev.expect(c, ON_LINE, 0);
    dev.call(() -> c.tx(TestDevice.bytes("raw"), 0x0100007FL, echo.port));
    dev.expect(c, TX_OK, 0);
    dev.expect(c, EVENT, 0);
    assertEquals("raw", new String(dev.call(() -> c.read(0)).data(), StandardCharsets.US_ASCII));
  }

  @Test
  void aConnectedSocketOnlyReceivesFromItsPeer() throws Exception {
    int port = Peers.freeUdpPort();
    SocketCtrl c = connected(port);
    try (DatagramSocket stranger = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      stranger.send(new DatagramPacket("spam".getBytes(), 4, InetAddress.getLoopbackAddress(), port));
    }
    dev.call(() -> c.tx(TestDevice.bytes("mine")));
    dev.expect(c, TX_OK, 0);
    dev.expect(c, EVENT, 0);
    assertEquals("mine", new String(dev.call(() -> c.read(0)).data(), StandardCharsets.US_ASCII));
    assertEquals(0, dev.call(() -> c.read(0)).data().length);
  }

  @Test
  void datagramsThatDoNotFitTheReceiveBufferAreDropped() throws Exception {
    dev.close();
    dev = ready(Boards.options().withRxBufferBytes(100), 8);
    int port = Peers.freeUdpPort();
    SocketCtrl c = dev.udp(null, port);
    dev.call(() -> c.connect("255.255.255.255", 0, false));
    dev.expect(c, ON_LINE, 0);
    try (DatagramSocket client = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      for (char ch : new char[] {'a', 'b', 'c'}) {
        byte[] b = String.valueOf(ch).repeat(60).getBytes(StandardCharsets.US_ASCII);
        client.send(new DatagramPacket(b, b.length, InetAddress.getLoopbackAddress(), port));
      }
      Conn conn = dev.call(c::conn);
      Await.until("two datagrams dropped", () -> conn.droppedDatagrams() == 2);
      dev.expect(c, EVENT, 0); // only the first fits
      assertEquals("a".repeat(60), new String(dev.call(() -> c.read(0)).data(), StandardCharsets.US_ASCII));
      client.send(new DatagramPacket("d".getBytes(), 1, InetAddress.getLoopbackAddress(), port));
      dev.expect(c, EVENT, 0);
      assertEquals("d", new String(dev.call(() -> c.read(0)).data(), StandardCharsets.US_ASCII));
      assertTrue(dev.pending().isEmpty(), dev.pending().toString());
    }
  }
}
