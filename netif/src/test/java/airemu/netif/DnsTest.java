package airemu.netif;

import static airemu.netif.SocketEvents.ON_LINE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import airemu.netif.SocketCtrl.State;
import airemu.netif.SocketCtrl.Status;
import java.net.InetAddress;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** connect by name: the hosts table, the adapter's DNS servers, up to 4 addresses tried in order (spec 2.5, 3.1). */
class DnsTest {
  private static Peers.Socat echo;
  private static TestDnsServer dns;
  private TestDevice dev;

  @BeforeAll
  static void start() throws Exception {
    echo = Peers.Socat.tcpEcho();
    dns = new TestDnsServer()
        .add("echo.test", ip("127.0.0.1"))
        // nothing listens on the first three (127/8 is all loopback): refused, then the echo answers
        .add("many.test", ip("127.0.0.2"), ip("127.0.0.3"), ip("127.0.0.4"), ip("127.0.0.1"), ip("127.0.0.5"))
        .add("five.test", ip("127.0.0.2"), ip("127.0.0.3"), ip("127.0.0.4"), ip("127.0.0.5"), ip("127.0.0.1"))
        .add("v6.test", ip("::1"), ip("127.0.0.1"))
        .slow("slow.test", ip("127.0.0.1"));
  }

  @AfterAll
  static void stop() {
    echo.close();
    dns.close();
  }

  @AfterEach
  void shutdown() {
    if (dev != null) dev.close();
  }

  private static InetAddress ip(String literal) {
    return Addresses.parseLiteral(literal);
  }

  private TestDevice device(NetOptions o) {
    return dev = Boards.readyAir780(o.withDnsPort(dns.port), 8);
  }

  @Test
  void aNameIsResolvedThroughTheAdaptersDnsServer() {
    device(Boards.options());
    SocketCtrl c = dev.tcp(null);
    dev.run(() -> {
      assertEquals(new Status(true, false), c.connect("echo.test", echo.port, false));
      assertEquals(new State(2, "等待DNS"), c.state());
    });
    dev.expect(c, ON_LINE, 0);
    assertEquals(Arrays.asList("127.0.0.1", null, null, null), dev.call(c::remoteIp));
    assertTrue(dev.log().contains("D/net adatper 1 dns server 127.0.0.1"), dev.log().toString());
  }

  @Test
  void theAddressesOfTheAnswerAreTriedInOrderAndAtMostFourAreKept() {
    device(Boards.options());
    SocketCtrl c = dev.tcp(null);
    dev.call(() -> c.connect("many.test", echo.port, false));
    dev.expect(c, ON_LINE, 0); // after three refusals
    assertEquals(List.of("127.0.0.2", "127.0.0.3", "127.0.0.4", "127.0.0.1"), dev.call(c::remoteIp));
    SocketCtrl d = dev.tcp(null);
    dev.call(() -> d.connect("five.test", echo.port, false));
    dev.expect(d, ON_LINE, -1); // the fifth address, the only good one, was not kept
  }

  @Test
  void portZeroOnlyResolvesTheNameAndGoesOffline() {
    device(Boards.options());
    SocketCtrl c = dev.tcp(null);
    dev.call(() -> c.connect("many.test", 0, false));
    dev.expect(c, ON_LINE, 0);
    assertEquals(new State(1, "离线"), dev.call(c::state));
    assertEquals(List.of("127.0.0.2", "127.0.0.3", "127.0.0.4", "127.0.0.1"), dev.call(c::remoteIp));
    assertEquals(-1, c.socketId());
    dev.run(c::close); // close forgets the answer
    assertEquals(Arrays.asList(null, null, null, null), dev.call(c::remoteIp));
  }

  @Test
  void anUnknownHostFailsOnLine() {
    device(Boards.options());
    SocketCtrl c = dev.tcp(null);
    dev.call(() -> c.connect("nowhere.test", echo.port, false));
    dev.expect(c, ON_LINE, -1);
    assertEquals(Arrays.asList(null, null, null, null), dev.call(c::remoteIp));
    assertTrue(dns.asked.contains("nowhere.test A"), dns.asked.toString());
  }

  @Test
  void ipv6DnsAsksForAaaaRecords() {
    device(Boards.options());
    SocketCtrl c = dev.tcp(null);
    dev.call(() -> c.connect("v6.test", 0, true));
    dev.expect(c, ON_LINE, 0);
    assertEquals(Arrays.asList("::1", null, null, null), dev.call(c::remoteIp));
    assertTrue(dns.asked.contains("v6.test AAAA"), dns.asked.toString());
  }

  @Test
  void setDnsIsHonoured() {
    device(Boards.options().withDefaultDns(List.of()));
    SocketCtrl c = dev.tcp(null);
    dev.call(() -> c.connect("echo.test", echo.port, false));
    dev.expect(c, ON_LINE, -1); // no DNS server at all
    dev.run(() -> {
      c.close();
      assertTrue(dev.stack().setDns(null, 1, "127.0.0.1"));
      c.connect("echo.test", echo.port, false);
    });
    dev.expect(c, ON_LINE, 0);
  }

  @Test
  void theHostsTableIsCheckedBeforeDns() {
    device(Boards.options().withHost("netlab.luatos.com", ip("127.0.0.1")));
    SocketCtrl c = dev.tcp(null);
    dev.call(() -> c.connect("NetLab.LuatOS.com", echo.port, false));
    dev.expect(c, ON_LINE, 0);
    assertEquals(Arrays.asList("127.0.0.1", null, null, null), dev.call(c::remoteIp));
    assertTrue(dns.asked.stream().noneMatch(q -> q.startsWith("netlab")), dns.asked.toString());
  }

  @Test
  void anAnswerArrivingAfterTheCtrlStoppedWaitingIsIgnored() {
    device(Boards.options());
    SocketCtrl c = dev.tcp(null);
    dev.call(() -> c.connect("slow.test", echo.port, false));
    Await.until("the query to reach the server", () -> dns.heldCount() == 1);
    dev.run(c::close);
    assertEquals(2, dev.call(c::state).code()); // close leaves the state
    dns.release();
    // the same resolver answers in order: the late answer is handled before this one, and delivers nothing
    SocketCtrl d = dev.tcp(null);
    dev.call(() -> d.connect("echo.test", 0, false));
    dev.expect(d, ON_LINE, 0);
    assertEquals(Arrays.asList(null, null, null, null), dev.call(c::remoteIp));
  }

  @Test
  void anIpv6PeerCannotBeReachedFromAnAdapterWithoutIpv6() {
    dev = TestDevice.start(Boards.air8000(), Boards.options().withDnsPort(dns.port).withAttachDelayMillis(3_600_000));
    dev.stack().bringUp(Boards.STA, 0);
    dev.expectPublish("IP_READY");
    SocketCtrl c = dev.tcp(Boards.STA);
    dev.call(() -> c.connect("::1", echo.port, false));
    dev.expect(c, ON_LINE, -1);
  }
}
