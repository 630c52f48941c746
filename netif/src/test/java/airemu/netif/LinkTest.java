package airemu.netif;

import static airemu.netif.SocketEvents.CLOSED;
import static airemu.netif.SocketEvents.EVENT;
import static airemu.netif.SocketEvents.LINK;
import static airemu.netif.SocketEvents.ON_LINE;
import static airemu.netif.SocketEvents.RAW_STATE;
import static airemu.netif.SocketEvents.TX_OK;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import airemu.netif.SocketCtrl.State;
import airemu.netif.SocketCtrl.Status;
import io.netty.channel.EventLoopGroup;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Link and IP changes and what ctrls make of them: spec 2.4, 6.2 and the link rows of 2.12. */
class LinkTest {
  /** Long enough that the test decides when the cellular link comes up. */
  private static final long NEVER = 3_600_000;

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

  @AfterEach
  void shutdown() {
    if (dev != null) dev.close();
  }

  private SocketCtrl online() {
    SocketCtrl c = dev.tcp(null);
    dev.call(() -> c.connect("127.0.0.1", echo.port, false));
    dev.expect(c, ON_LINE, 0);
    return c;
  }

  /** What {@code NetStack.bringDown} does when its message is taken, run inside the current step. */
  private NetDelivery linkDownNow() {
    return new LinkMessage(dev.stack(), Boards.GP, LinkMessage.Change.DOWN, null).handle();
  }

  /** What {@code NetStack.bringUp} does when its message is taken: the script then handles IP_READY. */
  private NetDelivery linkUpNow() {
    return new LinkMessage(dev.stack(), Boards.GP, LinkMessage.Change.UP, null).handle();
  }

  /** An Air780 in {@code env} whose IP_READY, and the network time after it, have been delivered. */
  private static TestDevice readyIn(Environment env) {
    TestDevice d = TestDevice.start(Boards.air780(8), Boards.options(), env);
    d.expectPublish("IP_READY");
    d.expectPublish("NTP_UPDATE");
    return d;
  }

  @Test
  void theCellularAdapterComesUpAfterTheAttachDelayWithIpReady() {
    dev = TestDevice.start(Boards.air780(8), Boards.options().withAttachDelayMillis(50));
    NetDelivery.Publish p = dev.expectPublish("IP_READY");
    String ip = (String) p.args().get(0);
    assertTrue(ip.startsWith("10."), ip);
    assertEquals((long) Boards.GP, p.args().get(1));
    assertEquals(new NetStack.AdapterState(true, Boards.GP), dev.call(() -> dev.stack().adapter(Boards.GP)));
    NetStack.LocalIp local = dev.call(() -> dev.stack().localIp(null));
    assertEquals(ip, local.ip());
    assertEquals("255.255.255.255", local.netmask());
    assertEquals("0.0.0.0", local.gateway());
    assertTrue(local.ipv6() != null && local.ipv6().startsWith("2408:"), local.ipv6());
  }

  @Test
  void ctrlsWaitingInLinkOffContinueWhenTheLinkComesUp() {
    dev = TestDevice.start(Boards.air780(8), Boards.options().withAttachDelayMillis(NEVER));
    int listenPort = Peers.freeTcpPort();
    SocketCtrl linker = dev.call(() -> dev.stack().create(null));
    SocketCtrl client = dev.tcp(null);
    SocketCtrl server = dev.tcp(null);
    dev.run(() -> {
      assertEquals(new NetStack.AdapterState(false, Boards.GP), dev.stack().adapter(Boards.GP));
      assertEquals(new NetStack.LocalIp("0.0.0.0", "0.0.0.0", "0.0.0.0", null), dev.stack().localIp(null));
      assertEquals(new Status(true, false), linker.linkup());
      assertEquals(new Status(true, false), client.connect("127.0.0.1", echo.port, false));
      server.config(listenPort, false, false, 0, 0, 0);
      assertEquals(new Status(true, false), server.listen(0));
      assertEquals(0, client.state().code());
      assertEquals(0, server.state().code());
    });
    dev.stack().bringUp(Boards.GP, 0);
    dev.expectPublish("IP_READY");
    dev.expect(linker, LINK, 0);
    dev.expect(client, ON_LINE, 0);
    assertEquals(new State(1, "离线"), dev.call(linker::state));
    Await.until("listening", () -> dev.call(server::state).code() == 6);
    assertEquals(new Status(true, true), dev.call(linker::linkup)); // up now: at once
  }

  @Test
  void linkLossFailsTheCurrentWaitOfEveryOnlineCtrlAndPublishesIpLose() {
    Environment env = Environment.create(List.of("LWIP_GP"), 0);
    dev = readyIn(env);
    SocketCtrl idle = online();
    SocketCtrl waiting = online();
    SocketCtrl sending = online();
    env.fault("LWIP_GP", new Fault.Blackhole()); // nothing gets through: the tx below stays unacknowledged
    NetDelivery lose = dev.call(() -> {
      assertEquals(new Status(true, false), waiting.waitEvent());
      sending.tx(TestDevice.bytes("lost"));
      return linkDownNow();
    });
    assertEquals(new NetDelivery.Publish("IP_LOSE", List.of((long) Boards.GP)), lose);
    dev.expect(idle, EVENT, -1);
    dev.expect(waiting, EVENT, -1);
    dev.expect(sending, TX_OK, -1);
    assertEquals(new State(5, "在线"), dev.call(idle::state));
    assertFalse(dev.call(() -> idle.tx(TestDevice.bytes("x"))).succ());
    assertEquals(new NetStack.AdapterState(false, Boards.GP), dev.call(() -> dev.stack().adapter(Boards.GP)));
  }

  @Test
  void whileTheScriptHandlesIpLoseItsCtrlsHaveAlreadyLostTheLink() {
    dev = Boards.readyAir780(Boards.options(), 8);
    SocketCtrl c = online();
    dev.run(() -> {
      linkDownNow(); // IP_LOSE is being handled: the lwIP task has run every ctrl's machine already
      assertEquals(new SocketCtrl.Tx(false, true, false), c.tx(TestDevice.bytes("too late")));
      assertEquals(new Status(false, false), c.waitEvent());
    });
    dev.expect(c, EVENT, -1);
  }

  @Test
  void aCtrlCreatedBeforeTheNetworkConnectsFromTheIpReadyHandler() {
    dev = TestDevice.start(Boards.air780(8), Boards.options().withAttachDelayMillis(NEVER));
    SocketCtrl c = dev.tcp(null); // created and configured, not yet armed by any call
    NetDelivery ready = dev.call(() -> {
      NetDelivery d = linkUpNow();
      assertEquals(new Status(true, false), c.connect("127.0.0.1", echo.port, false)); // in the IP_READY handler
      return d;
    });
    assertEquals("IP_READY", ((NetDelivery.Publish) ready).topic());
    dev.expect(c, RAW_STATE, 0); // the link event reached it while it was unarmed: raw
    dev.expect(c, ON_LINE, 0);
    assertEquals(new State(5, "在线"), dev.call(c::state));
  }

  @Test
  void aCtrlThatLinkedUpEarlyGetsLinkThenConnectsFromTheIpReadyHandler() {
    dev = TestDevice.start(Boards.air780(8), Boards.options().withAttachDelayMillis(NEVER));
    SocketCtrl c = dev.tcp(null);
    dev.run(() -> c.debug(true));
    assertEquals(new Status(true, false), dev.call(c::linkup));
    dev.run(() -> {
      linkUpNow();
      assertEquals(new Status(true, true), c.linkup());
      assertEquals(new Status(true, false), c.connect("127.0.0.1", echo.port, false));
    });
    dev.expect(c, LINK, 0);
    dev.expect(c, ON_LINE, 0);
    // the link event came through the link-state loop of network_default_socket_callback, before IP_READY
    String cb = "network_default_socket_callback ";
    assertEquals(List.of(cb + "1159:before process socket -1,event:0xf2000001(LINK状态变更),state:0(硬件离线),wait:1(等待硬件上线)",
        cb + "1163:after process socket -1,state:1(离线),wait:0(无等待)"),
        dev.log().stream().filter(l -> l.startsWith(cb + "1159") || l.startsWith(cb + "1163")).toList());
  }

  @Test
  void linkLossFailsAListeningCtrlAndAUdpSocketToo() {
    dev = Boards.readyAir780(Boards.options(), 8);
    int port = Peers.freeTcpPort();
    SocketCtrl server = dev.tcp(null);
    dev.run(() -> {
      server.config(port, false, false, 0, 0, 0);
      server.listen(0);
    });
    Await.until("listening", () -> dev.call(server::state).code() == 6);
    SocketCtrl udp = dev.udp(null, 0);
    dev.call(() -> udp.connect("127.0.0.1", Peers.freeUdpPort(), false));
    dev.expect(udp, ON_LINE, 0);
    dev.stack().bringDown(Boards.GP);
    dev.expectPublish("IP_LOSE");
    dev.expect(server, ON_LINE, -1); // a listening ctrl keeps waiting for ON_LINE
    dev.expect(udp, EVENT, -1);
    assertEquals(6, dev.call(server::state).code());
  }

  @Test
  void aCtrlsResultsReachTheScriptInTheOrderItsMachineMadeThem() throws Exception {
    dev = Boards.readyAir780(Boards.options(), 8);
    SocketCtrl server = dev.tcp(null);
    int port = Peers.freeTcpPort();
    dev.run(() -> {
      server.config(port, false, false, 0, 0, 0);
      // the bind's confirmation (LISTEN) reaches the bus before the link is lost, but the machine
      // runs the loss first, at once: its ON_LINE,-1 must reach the script before LISTEN's result
      CountDownLatch hold = new CountDownLatch(1);
      EventLoopGroup loops = Transport.shared().group();
      loops.forEach(l -> l.execute(() -> awaitQuietly(hold)));
      server.listen(0);
      hold.countDown();
      loops.forEach(l -> l.submit(() -> {}).syncUninterruptibly()); // the bind ran and posted LISTEN
      linkDownNow();
    });
    dev.expect(server, ON_LINE, -1);
    dev.expect(server, EVENT, -1);
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Test
  void linkLossWhileDisconnectingReportsClosedMinusOne() {
    Environment env = Environment.create(List.of("LWIP_GP"), 0);
    dev = readyIn(env);
    SocketCtrl c = online();
    env.fault("LWIP_GP", new Fault.Blackhole()); // the FIN waits: the discon cannot complete
    dev.run(() -> {
      assertEquals(new Status(true, false), c.discon());
      linkDownNow();
    });
    dev.expect(c, CLOSED, -1);
  }

  @Test
  void linkLossWhileWaitingForDnsFailsOnLineAndAFailedCtrlIsNotRearmed() {
    dev = Boards.readyAir780(Boards.options(), 8); // its DNS server never answers
    SocketCtrl c = dev.tcp(null);
    dev.run(() -> {
      c.connect("unanswered.test", echo.port, false);
      assertEquals(2, c.state().code());
      linkDownNow();
    });
    dev.expect(c, ON_LINE, -1);
    dev.stack().bringUp(Boards.GP, 0);
    dev.expectPublish("IP_READY");
    // the link event reaches the failed ctrl too: in state 2 without a wait target it fails again
    dev.expect(c, EVENT, -1);
    SocketCtrl other = online(); // c was not re-armed: the next delivery is this one's
    assertEquals(2, dev.call(c::state).code());
    assertEquals(5, dev.call(other::state).code());
  }

  @Test
  void aCtrlNoCallHasArmedGetsTheRawLinkEvent() {
    dev = Boards.readyAir780(Boards.options(), 8);
    SocketCtrl fresh = dev.call(() -> dev.stack().create(null));
    dev.stack().bringDown(Boards.GP);
    dev.expectPublish("IP_LOSE");
    dev.expect(fresh, RAW_STATE, 0);
    dev.stack().bringUp(Boards.GP, 0);
    dev.expectPublish("IP_READY");
    dev.expect(fresh, RAW_STATE, 0);
  }

  @Test
  void linkAndIpAreSeparateAndReadinessNeedsBoth() {
    dev = TestDevice.start(Boards.air780(8), Boards.options().withAttachDelayMillis(NEVER));
    dev.stack().setLink(Boards.GP, true);
    dev.stack().setAddresses(Boards.GP, "10.1.2.3", null, null, "");
    dev.stack().setIp(Boards.GP, true);
    NetDelivery.Publish p = dev.expectPublish("IP_READY");
    assertEquals(List.of("10.1.2.3", (long) Boards.GP), p.args());
    assertEquals(new NetStack.LocalIp("10.1.2.3", "255.255.255.255", "0.0.0.0", null), dev.call(() -> dev.stack().localIp(null)));
    dev.stack().setIp(Boards.GP, false);
    dev.expectPublish("IP_LOSE");
    dev.stack().setLink(Boards.GP, false); // not ready already: nothing
    dev.stack().bringUp(Boards.GP, 0);
    dev.expectPublish("IP_READY");
  }

  @Test
  void aWifiStationComesUpWhenTheBindingConnectsIt() {
    dev = TestDevice.start(Boards.air8000(), Boards.options().withAttachDelayMillis(NEVER));
    dev.stack().bringUp(Boards.STA, 10); // what wlan.connect will ask for
    NetDelivery.Publish p = dev.expectPublish("IP_READY");
    assertTrue(((String) p.args().get(0)).startsWith("192.168.1."), p.toString());
    assertEquals((long) Boards.STA, p.args().get(1));
    assertEquals(new NetStack.LocalIp((String) p.args().get(0), "255.255.255.0", "192.168.1.1", null),
        dev.call(() -> dev.stack().localIp(Boards.STA)));
    assertEquals(new NetStack.AdapterState(true, Boards.STA), dev.call(() -> dev.stack().adapter(null)));
  }

  @Test
  void closeAllDisconnectsEveryCtrlOfTheAdapter() {
    dev = Boards.readyAir780(Boards.options(), 8);
    SocketCtrl a = online();
    SocketCtrl b = online();
    assertTrue(dev.call(() -> dev.stack().closeAll(Boards.GP)));
    java.util.Set<SocketCtrl> closed = new java.util.HashSet<>();
    for (int i = 0; i < 2; i++) { // the two sockets close on their own I/O threads: either order
      NetDelivery.SocketEvent e = (NetDelivery.SocketEvent) dev.next();
      assertEquals("CLOSED,0", e.toString());
      closed.add(e.ctrl());
    }
    assertEquals(java.util.Set.of(a, b), closed);
    assertFalse(dev.call(() -> dev.stack().closeAll(null)));
    assertFalse(dev.call(() -> dev.stack().closeAll(Boards.QTY)));
    assertFalse(dev.call(() -> dev.stack().closeAll(-1)));
  }
}
