package airemu.netif;

import static airemu.netif.SocketEvents.EVENT;
import static airemu.netif.SocketEvents.ON_LINE;
import static airemu.netif.SocketEvents.TX_OK;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import airemu.netif.peers.EchoPeer;
import airemu.netif.peers.SntpPeer;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every fault of the network outside an adapter against real peers on loopback, as the script sees
 * it: the events, the bytes, and when they come by the device's own uptime (lower bounds only:
 * a fault can make things late, never early).
 */
class FaultsTest {
  private static final String GP = "LWIP_GP";
  private static final long SEED = 7;
  /** One way across the faulty network. */
  private static final long DELAY = 150;
  /** Long enough that nothing delayed by it arrives during a test: what arrives was released. */
  private static final long FOREVER = 60_000;
  /** Short timeouts for the SYN and DNS queries, so a test waits for them quickly. */
  private static final int CONNECT_TIMEOUT = 800, DNS_TIMEOUT = 600;

  private static EchoPeer echo;
  private static TestDnsServer dnsServer;
  private Environment env;
  private TestDevice dev;

  @BeforeAll
  static void startPeers() throws Exception {
    echo = EchoPeer.start(InetAddress.getLoopbackAddress(), 0);
    dnsServer = new TestDnsServer().add("named.test", InetAddress.getLoopbackAddress());
  }

  @AfterAll
  static void stopPeers() {
    echo.close();
    dnsServer.close();
  }

  @AfterEach
  void shutdown() {
    if (dev != null) dev.close();
  }

  private static NetOptions options() {
    return Boards.options().withConnectTimeoutMillis(CONNECT_TIMEOUT).withDnsTimeoutMillis(DNS_TIMEOUT)
        .withDnsPort(dnsServer.port).withHost("echo.test", InetAddress.getLoopbackAddress());
  }

  private void boot(NetOptions options, long seed) {
    env = Environment.create(List.of(GP), seed);
    dev = TestDevice.start(Boards.air780(8), options, env);
    dev.expectPublish("IP_READY");
    dev.expectPublish("NTP_UPDATE"); // the network's time, after the attach
  }

  private void boot() {
    boot(options(), SEED);
  }

  private SocketCtrl online(int port) {
    SocketCtrl c = dev.tcp(null);
    dev.call(() -> c.connect("127.0.0.1", port, false));
    dev.expect(c, ON_LINE, 0);
    return c;
  }

  private SocketCtrl udp(int port) {
    SocketCtrl c = dev.udp(null, 0);
    dev.call(() -> c.connect("127.0.0.1", port, false));
    dev.expect(c, ON_LINE, 0);
    return c;
  }

  private String read(SocketCtrl c) {
    return new String(dev.call(() -> c.read(0)).data(), StandardCharsets.UTF_8);
  }

  /** Sends {@code text} and waits for its echo: TX_OK then EVENT; returns the echo. */
  private String echoOf(SocketCtrl c, String text) {
    dev.call(() -> c.tx(TestDevice.bytes(text)));
    dev.expect(c, TX_OK, 0);
    dev.expect(c, EVENT, 0);
    return read(c);
  }

  // --- latency ------------------------------------------------------------------------------------

  @Test
  void latencyMakesTheConnectTakeARoundTripAndAnEchoTwoDelays() {
    boot();
    env.fault(GP, new Fault.Latency(DELAY, 0));
    SocketCtrl c = dev.tcp(null);
    long start = dev.call(() -> {
      long now = dev.uptimeMillis();
      c.connect("127.0.0.1", echo.port(), false);
      return now;
    });
    dev.expect(c, ON_LINE, 0);
    assertTrue(dev.lastDeliveredAt() - start >= 2 * DELAY, "ON_LINE after " + (dev.lastDeliveredAt() - start) + " ms");
    long sent = dev.call(() -> {
      long now = dev.uptimeMillis();
      c.tx(TestDevice.bytes("ping"));
      return now;
    });
    dev.expect(c, TX_OK, 0);
    assertTrue(dev.lastDeliveredAt() - sent >= DELAY, "TX_OK once the bytes crossed");
    dev.expect(c, EVENT, 0);
    assertTrue(dev.lastDeliveredAt() - sent >= 2 * DELAY, "echo after " + (dev.lastDeliveredAt() - sent) + " ms");
    assertEquals("ping", read(c));
  }

  @Test
  void aFaultSetOnAnOpenConnectionHoldsItsTrafficAndClearingItLetsItFlow() {
    boot();
    SocketCtrl c = online(echo.port());
    env.fault(GP, new Fault.Latency(FOREVER, 0));
    dev.call(() -> c.tx(TestDevice.bytes("late")));
    env.clear(GP, Fault.Kind.LATENCY); // if it had not applied, the echo could already be here; it must come now
    dev.expect(c, TX_OK, 0);
    dev.expect(c, EVENT, 0);
    assertEquals("late", read(c));
  }

  @Test
  void sntpRequestsCrossTheFaultsToo() {
    InetAddress lo = InetAddress.getLoopbackAddress();
    try (SntpPeer sntp = SntpPeer.start(lo, 0, System::currentTimeMillis)) {
      boot(options().withHost("ntp.aliyun.com", lo).withRoute(lo, sntp.address()), SEED);
      env.fault(GP, new Fault.Latency(DELAY, 0));
      long start = dev.call(() -> {
        long now = dev.uptimeMillis();
        dev.stack().sntp((Integer) null);
        return now;
      });
      dev.expectPublish("NTP_UPDATE");
      assertTrue(dev.lastDeliveredAt() - start >= 2 * DELAY, "synced after " + (dev.lastDeliveredAt() - start) + " ms");
    }
  }

  // --- loss ---------------------------------------------------------------------------------------

  /** Which of 100 numbered datagrams come back through 50% loss each way (a quarter survive on average). */
  private List<Integer> survivorsOfLoss(long seed) {
    boot(options(), seed);
    env.fault(GP, new Fault.Loss(50));
    SocketCtrl c = udp(echo.port());
    dev.run(() -> {
      for (int i = 0; i < 100; i++) c.tx(TestDevice.bytes("d" + i));
      // probes behind them: the first to come back shows every datagram before it has been decided
      for (int i = 0; i < 64; i++) c.tx(TestDevice.bytes("end"));
    });
    List<Integer> back = new ArrayList<>();
    for (boolean ended = false; !ended; ) {
      NetDelivery.SocketEvent e = assertInstanceOf(NetDelivery.SocketEvent.class, dev.next());
      if (e.event() == TX_OK) continue; // every datagram handed to IP, lost or not
      // an EVENT may stand for more than its own datagram (a TX_OK handled while data was unread
      // raises EVENT too, spec 2.12), so each one drains what is there, and may find nothing
      for (String d; !ended && !(d = read(c)).isEmpty(); ) {
        if (d.equals("end")) ended = true;
        else back.add(Integer.parseInt(d.substring(1)));
      }
    }
    dev.close();
    dev = null;
    return back;
  }

  @Test
  void lossDropsDatagramsBothWaysAsTheSeedDecidesAndSparesTcp() {
    List<Integer> first = survivorsOfLoss(SEED);
    assertEquals(first, survivorsOfLoss(SEED));
    assertNotEquals(first, survivorsOfLoss(SEED + 1));
    assertTrue(first.size() > 5 && first.size() < 50, "a quarter survive on average: " + first);
    for (int i = 1; i < first.size(); i++) assertTrue(first.get(i) > first.get(i - 1), "in order: " + first);

    boot();
    env.fault(GP, new Fault.Loss(100));
    SocketCtrl tcp = online(echo.port());
    assertEquals("tcp retransmits", echoOf(tcp, "tcp retransmits"));
  }

  // --- bandwidth ----------------------------------------------------------------------------------

  @Test
  void bandwidthPacesBothWaysSharedByTheAdaptersSockets() {
    boot();
    long kbps = 160; // 20,000 bytes a second
    int size = 10_000; // two sockets each echo this: 20,000 bytes each way take a second
    env.fault(GP, new Fault.Bandwidth(kbps));
    SocketCtrl a = online(echo.port());
    SocketCtrl b = online(echo.port());
    byte[] data = new byte[size];
    for (int i = 0; i < size; i++) data[i] = (byte) ('a' + i % 26);
    long sent = dev.call(() -> {
      long now = dev.uptimeMillis();
      a.tx(Unpooled.wrappedBuffer(data));
      b.tx(Unpooled.wrappedBuffer(data));
      return now;
    });
    TestDevice.Sink got = new TestDevice.Sink();
    int received = 0;
    long last = 0;
    while (received < 2 * size) {
      NetDelivery.SocketEvent e = assertInstanceOf(NetDelivery.SocketEvent.class, dev.next());
      if (e.event() != EVENT) continue; // the two TX_OKs
      last = dev.lastDeliveredAt();
      received += dev.call(() -> e.ctrl().rx(got, 0)).length();
    }
    assertEquals(2 * size, received);
    assertTrue(last - sent >= 1000 * 2L * size * 8 / (kbps * 1000), "echoed 2 x " + size + " bytes in " + (last - sent) + " ms");
  }

  @Test
  void bandwidthHoldsAFloodingPeerBackByTcpFlowControl() throws Exception {
    int window = 16 * 1024;
    boot(options().withRxBufferBytes(window), SEED);
    int total = 160 * 1024;
    long kbps = 1280; // 160 KB a second
    env.fault(GP, new Fault.Bandwidth(kbps));
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    try {
      byte[] flood = new byte[total];
      for (int i = 0; i < total; i++) flood[i] = (byte) i;
      Channel server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
          .childHandler(new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) {
              ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                @Override
                public void channelActive(ChannelHandlerContext ctx) {
                  ctx.writeAndFlush(Unpooled.wrappedBuffer(flood)); // as fast as the device lets it
                }
              });
            }
          })
          .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).sync().channel();
      SocketCtrl c = online(((InetSocketAddress) server.localAddress()).getPort());
      long start = dev.lastDeliveredAt();
      TestDevice.Sink sink = new TestDevice.Sink();
      while (sink.bytes().length < total) {
        dev.expect(c, EVENT, 0);
        dev.call(() -> c.rx(sink, 0));
      }
      long took = dev.lastDeliveredAt() - start;
      byte[] got = sink.bytes();
      for (int i = 0; i < total; i++) assertEquals((byte) i, got[i], "byte " + i);
      assertTrue(took >= 1000L * (total - Transport.MAX_READ) * 8 / (kbps * 1000), "took " + took + " ms");
      FaultHandler h = dev.call(() -> dev.stack().faults(Boards.GP).liveHandlers().get(0));
      assertTrue(h.mostHeldInbound() <= window + Transport.MAX_READ,
          "the stage held " + h.mostHeldInbound() + " bytes; reading stops at " + window);
      server.close().sync();
    } finally {
      group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).sync();
    }
  }

  // --- blackhole ----------------------------------------------------------------------------------

  @Test
  void aBlackholeStallsEverythingWithoutResetsAndTcpFlowsAgainWhenItClears() {
    boot();
    try (RecordingPeer peer = new RecordingPeer()) {
      SocketCtrl tcp = online(peer.port());
      SocketCtrl udp = udp(peer.port());
      env.fault(GP, new Fault.Blackhole());
      SocketCtrl connecting = dev.tcp(null);
      SocketCtrl naming = dev.tcp(null);
      long start = dev.call(() -> {
        long now = dev.uptimeMillis();
        tcp.tx(TestDevice.bytes("held"));
        udp.tx(TestDevice.bytes("lost"));
        connecting.connect("127.0.0.1", peer.port(), false);
        naming.connect("named.test", peer.port(), false);
        return now;
      });
      dev.expect(udp, TX_OK, 0); // handed to IP, lost on the way
      dev.expect(naming, ON_LINE, -1); // DNS queries unanswered until the DNS timeout
      assertTrue(dev.lastDeliveredAt() - start >= DNS_TIMEOUT);
      dev.expect(connecting, ON_LINE, -1); // the SYN unanswered until the connect timeout
      assertTrue(dev.lastDeliveredAt() - start >= CONNECT_TIMEOUT);
      assertTrue(dev.log().contains("E/DNS no ipv6, no ipv4"), dev.log().toString());
      assertEquals(List.of(), peer.received, "nothing got through");
      assertEquals(List.of(), dev.pending(), "no TX_OK, no echo, no reset");
      assertEquals(5, dev.call(tcp::state).code());

      env.clear(GP, Fault.Kind.BLACKHOLE);
      dev.expect(tcp, TX_OK, 0);
      dev.expect(tcp, EVENT, 0);
      assertEquals("held", read(tcp));
      assertEquals("after", echoOf(udp, "after")); // the datagram sent during the blackhole never comes
      assertEquals(List.of("held", "after"), peer.received);
    }
  }

  // --- DNS ----------------------------------------------------------------------------------------

  @Test
  void aDnsFailureFailsLookupsAtOnceHostsTableNamesIncluded() {
    boot();
    env.fault(GP, new Fault.Dns(false));
    for (String name : List.of("named.test", "echo.test")) {
      SocketCtrl c = dev.tcp(null);
      dev.call(() -> c.connect(name, echo.port(), false));
      dev.expect(c, ON_LINE, -1);
      assertTrue(dev.log().contains("I/DNS " + name + " NXDOMAIN"), dev.log().toString());
      dev.run(c::release);
    }
    env.clear(GP, Fault.Kind.DNS);
    SocketCtrl c = dev.tcp(null);
    dev.call(() -> c.connect("named.test", echo.port(), false));
    dev.expect(c, ON_LINE, 0);
  }

  @Test
  void aDnsTimeoutLeavesLookupsUnansweredUntilTheDnsTimeout() {
    boot();
    env.fault(GP, new Fault.Dns(true));
    SocketCtrl c = dev.tcp(null);
    long start = dev.call(() -> {
      long now = dev.uptimeMillis();
      c.connect("echo.test", echo.port(), false);
      return now;
    });
    dev.expect(c, ON_LINE, -1);
    assertTrue(dev.lastDeliveredAt() - start >= DNS_TIMEOUT, "failed after " + (dev.lastDeliveredAt() - start) + " ms");
    List<String> log = dev.log();
    assertEquals("E/DNS no ipv6, no ipv4", log.get(log.size() - 1));
    assertTrue(log.contains("D/net dns udp sendto 127.0.0.1:53 from " + dev.call(() -> dev.stack().localIp(null).ip())), log.toString());
  }

  // --- unreachable --------------------------------------------------------------------------------

  @Test
  void anUnreachableHostFailsTcpConnectsAtOnceAsWithNoRoute() {
    boot();
    env.fault(GP, new Fault.Unreachable("127.0.0.1"));
    SocketCtrl byIp = dev.tcp(null);
    dev.call(() -> byIp.connect("127.0.0.1", echo.port(), false));
    dev.expect(byIp, ON_LINE, -1);
    assertTrue(dev.log().contains("D/net adapter 1 socket 0 connect error -4"), dev.log().toString());

    env.fault(GP, new Fault.Unreachable("echo.test")); // the name as the script passes it
    SocketCtrl byName = dev.tcp(null);
    dev.call(() -> byName.connect("echo.test", echo.port(), false));
    dev.expect(byName, ON_LINE, -1);
    online(echo.port()); // its address by another name is reachable

    env.fault(GP, new Fault.Unreachable("10.9.9.9"));
    online(echo.port());
    env.fault(GP, new Fault.Unreachable("*"));
    SocketCtrl any = dev.tcp(null);
    dev.call(() -> any.connect("127.0.0.1", echo.port(), false));
    dev.expect(any, ON_LINE, -1);
  }

  @Test
  void datagramsToAnUnreachableHostVanishThoughLwipReportsThemSent() {
    boot();
    try (RecordingPeer peer = new RecordingPeer()) {
      env.fault(GP, new Fault.Unreachable("127.0.0.1"));
      SocketCtrl c = udp(peer.port()); // lwIP's udp_connect does not look for a route
      dev.call(() -> c.tx(TestDevice.bytes("nowhere")));
      dev.expect(c, TX_OK, 0);
      env.clear(GP, Fault.Kind.UNREACHABLE);
      assertEquals("there", echoOf(c, "there"));
      assertEquals(List.of("there"), peer.received);
    }
  }

  // --- reset --------------------------------------------------------------------------------------

  @Test
  void aResetFailsEveryOpenTcpConnectionAndThePeerSeesAnRst() throws Exception {
    boot();
    try (ServerSocket server = new ServerSocket(0, 8, InetAddress.getLoopbackAddress())) {
      SocketCtrl idle = online(server.getLocalPort());
      SocketCtrl waiting = online(server.getLocalPort());
      SocketCtrl udp = udp(echo.port());
      try (Socket first = server.accept(); Socket second = server.accept()) {
        dev.call(() -> waiting.waitEvent());
        env.reset(GP);
        java.util.Set<SocketCtrl> failed = new java.util.HashSet<>();
        for (int i = 0; i < 2; i++) { // each connection is reset on its own I/O thread: either order
          NetDelivery.SocketEvent e = assertInstanceOf(NetDelivery.SocketEvent.class, dev.next());
          assertEquals("EVENT,-1", e.toString());
          failed.add(e.ctrl());
        }
        assertEquals(java.util.Set.of(idle, waiting), failed);
        assertEquals(5, dev.call(idle::state).code()); // online, marked to close: tx fails from now on
        assertFalse(dev.call(() -> idle.tx(TestDevice.bytes("x"))).succ());
        for (Socket s : List.of(first, second)) {
          InputStream in = s.getInputStream();
          assertThrows(SocketException.class, () -> in.read(), "the peer sees the connection reset");
        }
        assertEquals("udp", echoOf(udp, "udp")); // datagrams have no connection to reset
      }
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }
}
