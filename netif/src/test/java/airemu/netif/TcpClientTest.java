package airemu.netif;

import static airemu.netif.SocketEvents.CLOSED;
import static airemu.netif.SocketEvents.EVENT;
import static airemu.netif.SocketEvents.ON_LINE;
import static airemu.netif.SocketEvents.TX_OK;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import airemu.netif.SocketCtrl.Read;
import airemu.netif.SocketCtrl.Rx;
import airemu.netif.SocketCtrl.State;
import airemu.netif.SocketCtrl.Status;
import airemu.netif.SocketCtrl.Tx;
import io.netty.buffer.Unpooled;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A TCP client ctrl against socat and scripted peers: spec 2.4-2.9, 2.12-2.16 and section 11. */
class TcpClientTest {
  private static final Status PENDING = new Status(true, false);
  private static final Status DONE = new Status(true, true);
  private static final Status FAIL = new Status(false, false);
  private static final Tx QUEUED = new Tx(true, false, false);

  private static Peers.Socat echo;
  private TestDevice dev;

  @BeforeAll
  static void startEcho() {
    echo = Peers.Socat.tcpEcho();
  }

  @AfterAll
  static void stopEcho() {
    echo.close();
  }

  /** The device the tests run on, its network up; {@link TcpClientOnAir8000Test} runs them on another board. */
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

  private SocketCtrl online() {
    SocketCtrl c = dev.tcp(null);
    assertEquals(PENDING, dev.call(() -> c.connect("127.0.0.1", echo.port, false)));
    dev.expect(c, ON_LINE, 0);
    return c;
  }

  private State state(SocketCtrl c) {
    return dev.call(c::state);
  }

  @Test
  void aNewCtrlIsOfflineHardware() {
    SocketCtrl c = dev.call(() -> dev.stack().create(null));
    assertEquals(new State(0, "硬件离线"), state(c));
  }

  @Test
  void connectToAnIpLiteralReturnsTrueFalseAndOnLineArrivesLater() {
    SocketCtrl c = dev.tcp(null);
    dev.run(() -> { // in one step of the script, as "connect then state" runs in Lua
      assertEquals(PENDING, c.connect("127.0.0.1", echo.port, false));
      assertEquals(new State(3, "正在连接"), c.state());
    });
    dev.expect(c, ON_LINE, 0);
    assertEquals(new State(5, "在线"), state(c));
    assertTrue(dev.log().contains("D/socket connect to 127.0.0.1," + echo.port), dev.log().toString());
    assertTrue(dev.log().contains("D/net adapter 1 connect 127.0.0.1:" + echo.port + " TCP"), dev.log().toString());
  }

  @Test
  void connectWithARawIntegerAddressTakesTheLowByteAsTheFirstOctet() {
    SocketCtrl c = dev.tcp(null);
    assertEquals(PENDING, dev.call(() -> c.connect(0x0100007FL, echo.port)));
    dev.expect(c, ON_LINE, 0);
    assertTrue(dev.log().contains("D/socket connect to (null)," + echo.port), dev.log().toString());
    assertEquals(Arrays.asList(null, null, null, null), dev.call(c::remoteIp));
  }

  @Test
  void txIsAcknowledgedThenTheEchoRaisesEventAndRxDrainsIt() {
    SocketCtrl c = online();
    assertEquals(QUEUED, dev.call(() -> c.tx(TestDevice.bytes("hello"))));
    dev.expect(c, TX_OK, 0);
    dev.expect(c, EVENT, 0);
    TestDevice.Sink sink = new TestDevice.Sink();
    Rx rx = dev.call(() -> c.rx(sink, 0));
    assertEquals(4, rx.count());
    assertTrue(rx.succ());
    assertEquals(5, rx.length());
    assertNull(rx.remoteIp());
    assertNull(rx.remotePort());
    assertEquals("hello", sink.text());
    assertEquals(Rx.EMPTY, dev.call(() -> c.rx(sink, 0)));
    assertEquals(Rx.EMPTY, dev.call(() -> c.rx(null, 0)));
  }

  @Test
  void waitAfterTxReplacesTheTxOkWaitSoOnlyTheEchoEventArrives() {
    SocketCtrl c = online();
    dev.run(() -> {
      assertEquals(QUEUED, c.tx(TestDevice.bytes("ping")));
      assertEquals(PENDING, c.waitEvent());
    });
    dev.expect(c, EVENT, 0); // no TX_OK before it
    assertEquals(DONE, dev.call(c::waitEvent)); // unread data: at once, no event
    Read r = dev.call(() -> c.read(0));
    assertEquals(2, r.count());
    assertEquals("ping", new String(r.data(), StandardCharsets.UTF_8));
    assertEquals(PENDING, dev.call(c::waitEvent));
  }

  @Test
  void newDataWhileWaitingForTxOkRaisesEventAndTxOkStillFollows() throws Exception {
    CountDownLatch seenEvent = new CountDownLatch(1);
    int big = 32 * 1024 * 1024; // more than the loopback socket buffers hold, so the write stays pending
    try (Peers.OneShotServer peer = new Peers.OneShotServer((in, out, s) -> {
      if (in.read() < 0) throw new AssertionError("no data");
      out.write("hi".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      if (!seenEvent.await(20, TimeUnit.SECONDS)) throw new AssertionError("EVENT not seen");
      long n = 1;
      byte[] buf = new byte[65536];
      for (int r; n < big && (r = in.read(buf)) > 0; ) n += r;
      if (n != big) throw new AssertionError("peer read " + n);
    })) {
      TestDevice d2 = dev;
      d2.close();
      dev = ready(Boards.options().withTxBufferBytes(2 * big), 8);
      SocketCtrl c = dev.tcp(null);
      dev.call(() -> c.connect("127.0.0.1", peer.port, false));
      dev.expect(c, ON_LINE, 0);
      assertEquals(QUEUED, dev.call(() -> c.tx(Unpooled.wrappedBuffer(new byte[big]))));
      dev.expect(c, EVENT, 0); // data while the target is TX_OK
      assertEquals(SocketCtrl.WAIT_TX_OK, dev.call(c::waitTarget).intValue());
      seenEvent.countDown();
      dev.expect(c, TX_OK, 0);
      TestDevice.Sink sink = new TestDevice.Sink();
      assertEquals(2, dev.call(() -> c.rx(sink, 0)).length());
      assertEquals("hi", sink.text());
      peer.join();
    }
  }

  @Test
  void remoteCloseMidStreamGivesEventZeroThenMinusOneNeverClosedAndDataStaysReadable() throws Exception {
    try (Peers.OneShotServer peer = new Peers.OneShotServer((in, out, s) -> {
      out.write("hello".getBytes(StandardCharsets.US_ASCII));
      out.flush();
    })) {
      SocketCtrl c = dev.tcp(null);
      dev.call(() -> c.connect("127.0.0.1", peer.port, false));
      dev.expect(c, ON_LINE, 0);
      dev.expect(c, EVENT, 0);
      dev.expect(c, EVENT, -1);
      assertEquals(new State(5, "在线"), state(c));
      TestDevice.Sink sink = new TestDevice.Sink();
      assertEquals(5, dev.call(() -> c.rx(sink, 0)).length());
      assertEquals("hello", sink.text());
      assertEquals(Rx.FAIL, dev.call(() -> c.rx(sink, 0)));
      assertEquals(Read.FAIL, dev.call(() -> c.read(0)));
      assertFalse(dev.call(() -> c.tx(TestDevice.bytes("x"))).succ());
      assertEquals(FAIL, dev.call(c::waitEvent));
      dev.run(() -> {
        assertEquals(PENDING, c.discon());
        assertEquals(new State(7, "正在离线"), c.state());
      });
      dev.expect(c, CLOSED, 0);
      assertEquals(new State(1, "离线"), state(c));
      peer.join();
    }
  }

  @Test
  void refusedConnectionGivesOnLineMinusOneAndCloseLeavesTheState() {
    int closedPort = Peers.closedTcpPort();
    SocketCtrl c = dev.tcp(null);
    assertEquals(PENDING, dev.call(() -> c.connect("127.0.0.1", closedPort, false)));
    dev.expect(c, ON_LINE, -1);
    assertEquals(new State(3, "正在连接"), state(c));
    dev.run(c::close);
    assertEquals(new State(3, "正在连接"), state(c));
    assertEquals(PENDING, dev.call(() -> c.connect("127.0.0.1", echo.port, false)));
    dev.expect(c, ON_LINE, 0);
  }

  @Test
  void aCtrlNeverConfiguredIsUdpSoConnectingToAClosedTcpPortSucceeds() {
    int closedPort = Peers.freeTcpPort();
    SocketCtrl c = dev.call(() -> dev.stack().create(null));
    dev.call(() -> c.connect("127.0.0.1", closedPort, false));
    dev.expect(c, ON_LINE, 0);
    assertTrue(dev.log().contains("D/net adapter 1 connect 127.0.0.1:" + closedPort + " UDP"), dev.log().toString());
  }

  @Test
  void disconOfAnOnlineSocketGoesThroughDisconnectingToClosedZero() {
    SocketCtrl c = online();
    dev.run(() -> {
      assertEquals(PENDING, c.discon());
      assertEquals(new State(7, "正在离线"), c.state());
    });
    dev.expect(c, CLOSED, 0);
    assertEquals(new State(1, "离线"), state(c));
    assertEquals(DONE, dev.call(c::discon));
  }

  @Test
  void disconOfASocketThatIsNotOnlineClosesAtOnceWithoutEvent() {
    SocketCtrl c = dev.tcp(null);
    assertEquals(DONE, dev.call(c::discon));
    assertEquals(new State(1, "离线"), state(c));
    dev.call(() -> c.connect("127.0.0.1", Peers.freeTcpPort(), false));
    dev.expect(c, ON_LINE, -1);
    assertEquals(DONE, dev.call(c::discon));
    assertEquals(new State(1, "离线"), state(c));
    // the next thing delivered is the next connect's, nothing from the discon
    dev.call(() -> c.connect("127.0.0.1", echo.port, false));
    dev.expect(c, ON_LINE, 0);
  }

  @Test
  void connectWhileTheCtrlStillHasASocketFails() {
    SocketCtrl c = online();
    assertEquals(FAIL, dev.call(() -> c.connect("127.0.0.1", echo.port, false)));
    assertEquals(new State(5, "在线"), state(c));
  }

  @Test
  void txRxAndWaitFailWhenNotOnline() {
    SocketCtrl c = dev.tcp(null);
    assertEquals(new Tx(false, true, false), dev.call(() -> c.tx(TestDevice.bytes("x"))));
    assertEquals(Rx.FAIL, dev.call(() -> c.rx(new TestDevice.Sink(), 0)));
    assertEquals(Read.FAIL, dev.call(() -> c.read(0)));
    assertEquals(FAIL, dev.call(c::waitEvent));
  }

  @Test
  void rxWithALimitKeepsTheRestAndClearsTheNewDataFlag() throws Exception {
    CountDownLatch more = new CountDownLatch(1);
    try (Peers.OneShotServer peer = new Peers.OneShotServer((in, out, s) -> {
      out.write("0123456789".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      if (!more.await(20, TimeUnit.SECONDS)) throw new AssertionError("test did not go on");
      out.write('X');
      out.flush();
      in.read(); // until the ctrl closes
    })) {
      SocketCtrl c = dev.tcp(null);
      dev.call(() -> c.connect("127.0.0.1", peer.port, false));
      dev.expect(c, ON_LINE, 0);
      dev.expect(c, EVENT, 0);
      TestDevice.Sink sink = new TestDevice.Sink();
      assertEquals(new Rx(true, 10, null, null, 2), dev.call(() -> c.rx(null, 0))); // length query
      assertTrue(dev.call(c::newDataFlag)); // a length query reads nothing
      Rx first = dev.call(() -> c.rx(sink, 4));
      assertEquals(4, first.length());
      assertEquals("0123", sink.text());
      assertEquals(new Rx(true, 6, null, null, 2), dev.call(() -> c.rx(null, 0)));
      assertEquals(PENDING, dev.call(c::waitEvent)); // flag cleared although 6 bytes wait
      more.countDown();
      dev.expect(c, EVENT, 0); // only for the new byte: no EVENT came for the leftover
      sink.reset();
      assertEquals(7, dev.call(() -> c.rx(sink, 0)).length());
      assertEquals("456789X", sink.text());
      dev.run(c::close);
      peer.join();
    }
  }

  @Test
  void readReturnsTheDataAsBytesWithTheSameLimitRules() {
    SocketCtrl c = online();
    dev.call(() -> c.tx(TestDevice.bytes("abcdef")));
    dev.expect(c, TX_OK, 0);
    dev.expect(c, EVENT, 0);
    Read r = dev.call(() -> c.read(2));
    assertEquals(2, r.count());
    assertArrayEquals("ab".getBytes(StandardCharsets.US_ASCII), r.data());
    assertEquals("cdef", new String(dev.call(() -> c.read(0)).data(), StandardCharsets.US_ASCII));
    Read none = dev.call(() -> c.read(0));
    assertEquals(Read.EMPTY.count(), none.count());
    assertEquals(0, none.data().length);
  }

  @Test
  void aReleasedCtrlReturnsNothingAndItsQueuedEventsAreIgnored() {
    SocketCtrl c = dev.tcp(null);
    dev.run(() -> {
      c.connect("127.0.0.1", echo.port, false);
      c.release();
      c.release(); // twice is harmless
    });
    dev.run(() -> {
      assertNull(c.state());
      assertNull(c.connect("127.0.0.1", echo.port, false));
      assertNull(c.config(0, false, false, 0, 0, 0));
      assertNull(c.tx(TestDevice.bytes("x")));
      assertNull(c.rx(new TestDevice.Sink(), 0));
      assertNull(c.read(0));
      assertNull(c.waitEvent());
      assertNull(c.discon());
      assertNull(c.listen(0));
      assertNull(c.accept(true));
      assertNull(c.linkup());
      assertEquals(Arrays.asList(null, null, null, null), c.remoteIp());
      assertTrue(c.isReleased());
    });
    SocketCtrl other = online(); // its ON_LINE is the next delivery: nothing came for the released one
    assertEquals(new State(5, "在线"), state(other));
  }

  @Test
  void debugOnPrintsTheAdapterLayersLinesForEveryEventOfThatCtrl() {
    dev.close();
    dev = Boards.readyAir780(Boards.options().withHost("echo.test", java.net.InetAddress.getLoopbackAddress()), 8);
    SocketCtrl quiet = online(); // debug off: prints nothing; slot 0, socket 0, the adapter's first automatic port
    SocketCtrl c = dev.tcp(null);
    dev.run(() -> c.debug(true));
    assertEquals(PENDING, dev.call(() -> c.connect("echo.test", echo.port, false)));
    dev.expect(c, ON_LINE, 0);
    assertEquals(QUEUED, dev.call(() -> c.tx(TestDevice.bytes("hi"))));
    dev.expect(c, TX_OK, 0);
    dev.expect(c, EVENT, 0);
    assertEquals(new Rx(true, 2, null, null, 4), dev.call(() -> c.rx(new TestDevice.Sink(), 0)));
    assertEquals(PENDING, dev.call(c::discon));
    dev.expect(c, CLOSED, 0);
    dev.run(() -> { // the answer of this lookup comes to a ctrl that no longer waits for it
      c.connect("echo.test", echo.port, false);
      c.close();
    });
    Await.until("the skipped DNS answer", () -> dev.log().stream().anyMatch(l -> l.contains(":socket event:")));
    String cb = "network_default_socket_callback ";
    assertEquals(java.util.List.of(
        cb + "1123:before process socket -1,event:0xf2000003(DNS结果),state:2(等待DNS),wait:2(等待连接完成)",
        "network_socket_connect 1610:network 1-1 local port auto select 51002",
        cb + "1127:after process socket 1,state:3(正在连接),wait:2(等待连接完成)",
        cb + "1123:before process socket 1,event:0xf2000009(连接成功),state:3(正在连接),wait:2(等待连接完成)",
        cb + "1127:after process socket 1,state:5(在线),wait:0(无等待)",
        cb + "1123:before process socket 1,event:0xf2000004(发送成功),state:5(在线),wait:3(等待发送完成)",
        cb + "1127:after process socket 1,state:5(在线),wait:0(无等待)",
        cb + "1123:before process socket 1,event:0xf2000005(有新的数据),state:5(在线),wait:0(无等待)",
        cb + "1127:after process socket 1,state:5(在线),wait:0(无等待)",
        cb + "1123:before process socket 1,event:0xf2000007(断开成功),state:7(正在离线),wait:4(等待离线完成)",
        cb + "1127:after process socket -1,state:1(离线),wait:0(无等待)",
        cb + "1118:socket event:0xf2000003(DNS结果),wait:0(无等待)"),
        dev.log().stream().filter(l -> l.startsWith("network_")).toList());
    assertEquals(new State(5, "在线"), state(quiet));
  }

  @Test
  void theAdaptersSocketTableLimitsCreateAndReleaseFreesASlot() {
    dev.close();
    dev = ready(Boards.options(), 2);
    dev.run(() -> {
      NetStack s = dev.stack();
      SocketCtrl a = s.create(null);
      SocketCtrl b = s.create(Boards.GP);
      assertTrue(a != null && b != null);
      assertNull(s.create(null));
      a.release();
      assertTrue(s.create(null) != null);
    });
    assertTrue(dev.log().contains("adapter no more ctrl!"), dev.log().toString());
    assertTrue(dev.log().contains("D/socket create fail"), dev.log().toString());
  }

  @Test
  void txOfAnEmptyStringIsQueuedButNothingIsAcknowledged() {
    SocketCtrl c = online();
    assertEquals(QUEUED, dev.call(() -> c.tx(Unpooled.EMPTY_BUFFER)));
    assertEquals(QUEUED, dev.call(() -> c.tx(TestDevice.bytes("z"))));
    dev.expect(c, TX_OK, 0);
    dev.expect(c, EVENT, 0);
  }

  static String readAll(InputStream in, int n) throws java.io.IOException {
    return new String(in.readNBytes(n), StandardCharsets.UTF_8);
  }
}
