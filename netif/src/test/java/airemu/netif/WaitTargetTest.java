package airemu.netif;

import static airemu.netif.SocketEvents.EVENT;
import static airemu.netif.SocketEvents.ON_LINE;
import static airemu.netif.SocketEvents.TX_OK;
import static org.junit.jupiter.api.Assertions.assertEquals;

import airemu.netif.SocketCtrl.State;
import airemu.netif.SocketCtrl.Status;
import airemu.netif.SocketCtrl.Tx;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The result event is the one of the current wait target (spec 2.12), for a datagram socket as for a
 * stream: a wait after a UDP tx gets the echo's EVENT and no TX_OK, a UDP discon closes at once with
 * no event, and a peer that goes while a TCP tx is still pending fails the TX_OK wait.
 */
class WaitTargetTest {
  private static final Status PENDING = new Status(true, false);
  private static final Status DONE = new Status(true, true);
  private static final Tx QUEUED = new Tx(true, false, false);
  private static final Tx TX_FAIL = new Tx(false, true, false);

  private static Peers.Socat udpEcho;
  private TestDevice dev;

  @BeforeAll
  static void startEcho() {
    udpEcho = Peers.Socat.udpEcho();
  }

  @AfterAll
  static void stopEcho() {
    udpEcho.close();
  }

  /** The device the tests run on, its network up; {@link WaitTargetOnAir8000Test} runs them on another board. */
  TestDevice ready(NetOptions options, int sockets) {
    return Boards.readyAir780(options, sockets);
  }

  @AfterEach
  void shutdown() {
    if (dev != null) dev.close();
  }

  private SocketCtrl udpOnline() {
    dev = ready(Boards.options(), 8);
    SocketCtrl u = dev.udp(null, 0);
    assertEquals(PENDING, dev.call(() -> u.connect("127.0.0.1", udpEcho.port, false)));
    dev.expect(u, ON_LINE, 0);
    return u;
  }

  @Test
  void aWaitAfterAUdpTxGetsTheEchoAndNoTxOk() {
    SocketCtrl u = udpOnline();
    dev.run(() -> {
      assertEquals(QUEUED, u.tx(TestDevice.bytes("dgram")));
      assertEquals(PENDING, u.waitEvent());
    });
    dev.expect(u, EVENT, 0); // the datagram was handed to IP before its echo came: no TX_OK before it
    assertEquals(DONE, dev.call(u::waitEvent));
    assertEquals("dgram", new String(dev.call(() -> u.read(0)).data(), StandardCharsets.US_ASCII));
    assertEquals(QUEUED, dev.call(() -> u.tx(TestDevice.bytes("again"))));
    dev.expect(u, TX_OK, 0); // with the target left at TX_OK it comes
    dev.expect(u, EVENT, 0);
  }

  @Test
  void aUdpDisconClosesAtOnceWithoutAnEvent() {
    SocketCtrl u = udpOnline();
    assertEquals(DONE, dev.call(u::discon));
    assertEquals(new State(1, "离线"), dev.call(u::state));
    assertEquals(TX_FAIL, dev.call(() -> u.tx(TestDevice.bytes("x"))));
    SocketCtrl next = dev.udp(null, 0); // what the script hears next is this ctrl's, not a CLOSED
    dev.run(() -> next.connect("127.0.0.1", udpEcho.port, false));
    dev.expect(next, ON_LINE, 0);
  }

  @Test
  void aPeerGoneWhileATcpTxIsPendingFailsTheTxOkWait() throws Exception {
    int big = 32 * 1024 * 1024; // more than the loopback socket buffers hold, so the write stays pending
    try (Peers.OneShotServer peer = new Peers.OneShotServer((in, out, s) -> {
      if (in.read() < 0) throw new AssertionError("no data");
      s.setSoLinger(true, 0); // gone with the data unread: a reset
    })) {
      dev = ready(Boards.options().withTxBufferBytes(2 * big), 8);
      SocketCtrl c = dev.tcp(null);
      dev.run(() -> c.connect("127.0.0.1", peer.port, false));
      dev.expect(c, ON_LINE, 0);
      assertEquals(QUEUED, dev.call(() -> c.tx(Unpooled.wrappedBuffer(new byte[big]))));
      peer.join();
      dev.expect(c, TX_OK, -1);
      assertEquals(new State(5, "在线"), dev.call(c::state));
      assertEquals(TX_FAIL, dev.call(() -> c.tx(TestDevice.bytes("x"))));
      assertEquals(new Status(false, false), dev.call(c::waitEvent));
    }
  }
}
