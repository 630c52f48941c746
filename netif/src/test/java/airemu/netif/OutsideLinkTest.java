package airemu.netif;

import static airemu.netif.SocketEvents.EVENT;
import static airemu.netif.SocketEvents.LINK;
import static airemu.netif.SocketEvents.ON_LINE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import airemu.netif.SocketCtrl.Status;
import airemu.netif.peers.EchoPeer;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The network outside a device ({@link Environment}): links that come and go, addresses handed out,
 * lost and renumbered, and how they combine with the device's own link control. Spec 6.2 decides
 * what the script sees.
 */
class OutsideLinkTest {
  private static final String GP = "LWIP_GP";
  /** Long enough that the test decides when the device's own cellular attach happens. */
  private static final long NEVER = 3_600_000;
  private static final int FLAPS = 20;

  private static EchoPeer echo;
  private final Environment env = Environment.create(List.of(GP), 1);
  private TestDevice dev;

  @BeforeAll
  static void startEcho() {
    echo = EchoPeer.start(InetAddress.getLoopbackAddress(), 0);
  }

  @AfterAll
  static void stopEcho() {
    echo.close();
  }

  @AfterEach
  void shutdown() {
    if (dev != null) dev.close();
  }

  private TestDevice boot(NetOptions options) {
    return dev = TestDevice.start(Boards.air780(8), options, env);
  }

  private SocketCtrl online() {
    SocketCtrl c = dev.tcp(null);
    dev.call(() -> c.connect("127.0.0.1", echo.port(), false));
    dev.expect(c, ON_LINE, 0);
    return c;
  }

  @Test
  void losingTheLinkPublishesIpLoseFailsOnlineCtrlsAndWaitingCtrlsCarryOnWhenItReturns() {
    boot(Boards.options());
    String ip = (String) dev.expectPublish("IP_READY").args().get(0);
    dev.expectPublish("NTP_UPDATE");
    SocketCtrl c = online();
    env.link(GP, false);
    assertEquals(List.of((long) Boards.GP), dev.expectPublish("IP_LOSE").args());
    dev.expect(c, EVENT, -1);
    SocketCtrl linker = dev.call(() -> dev.stack().create(null));
    SocketCtrl client = dev.tcp(null);
    dev.run(() -> {
      c.close();
      assertEquals(new NetStack.LocalIp("0.0.0.0", "0.0.0.0", "0.0.0.0", null), dev.stack().localIp(null));
      assertEquals(new Status(true, false), linker.linkup());
      assertEquals(new Status(true, false), client.connect("127.0.0.1", echo.port(), false));
      assertEquals(0, client.state().code()); // LINK_OFF, waiting
    });
    env.link(GP, true);
    assertEquals(List.of(ip, (long) Boards.GP), dev.expectPublish("IP_READY").args());
    dev.expect(linker, LINK, 0); // the failed ctrl was closed: it hears nothing more
    dev.expect(client, ON_LINE, 0);
  }

  @Test
  void anAddressTakenAwayAndHandedOutAgainIsIpLoseAndIpReady() {
    boot(Boards.options());
    dev.expectPublish("IP_READY");
    dev.expectPublish("NTP_UPDATE");
    SocketCtrl c = online();
    env.ip(GP, false);
    dev.expectPublish("IP_LOSE");
    dev.expect(c, EVENT, -1);
    assertEquals("0.0.0.0", dev.call(() -> dev.stack().localIp(null).ip()));
    env.ip(GP, true);
    dev.expectPublish("IP_READY");
  }

  @Test
  void renumberingLosesTheOldAddressThenComesBackWithTheNewOne() {
    boot(Boards.options());
    dev.expectPublish("IP_READY");
    dev.expectPublish("NTP_UPDATE");
    SocketCtrl c = online();
    env.changeIp(GP, "10.64.1.2");
    dev.expectPublish("IP_LOSE");
    dev.expect(c, EVENT, -1);
    assertEquals(List.of("10.64.1.2", (long) Boards.GP), dev.expectPublish("IP_READY").args());
    dev.expect(c, EVENT, -1); // not closed yet when the link came back
    assertEquals("10.64.1.2", dev.call(() -> dev.stack().localIp(null).ip()));
    dev.run(c::close);
    online(); // the script reconnects from its new address
  }

  @Test
  void bothTheDeviceAndTheNetworkOutsideMustAllowTheLink() {
    env.link(GP, false);
    boot(Boards.options().withAttachDelayMillis(NEVER));
    dev.stack().bringUp(Boards.GP, 0); // the device attaches: no coverage, so nothing
    assertEquals(new NetStack.AdapterState(false, Boards.GP), dev.call(() -> dev.stack().adapter(Boards.GP)));
    env.link(GP, true);
    dev.expectPublish("IP_READY");
    dev.stack().bringDown(Boards.GP); // flight mode while the network is there
    dev.expectPublish("IP_LOSE");
    env.link(GP, false);
    env.link(GP, true); // the network returns, the device still does not want it
    assertEquals(new NetStack.AdapterState(false, Boards.GP), dev.call(() -> dev.stack().adapter(Boards.GP)));
    dev.stack().bringUp(Boards.GP, 0);
    dev.expectPublish("IP_READY");
    assertEquals(List.of(), dev.pending());
  }

  @Test
  void aRebootStartsFromTheNetworkAsItIsNow() {
    env.link(GP, false);
    env.changeIp(GP, "10.99.0.7");
    env.fault(GP, new Fault.Unreachable("*"));
    boot(Boards.options()); // attaches at once, but there is no coverage
    assertEquals(new NetStack.AdapterState(false, Boards.GP), dev.call(() -> dev.stack().adapter(Boards.GP)));
    env.link(GP, true); // coverage: the modem registers and gets the network's time
    assertEquals(List.of("10.99.0.7", (long) Boards.GP), dev.expectPublish("IP_READY").args());
    dev.expectPublish("NTP_UPDATE");
    SocketCtrl c = dev.tcp(null);
    dev.call(() -> c.connect("127.0.0.1", echo.port(), false));
    dev.expect(c, ON_LINE, -1); // the fault set before the boot holds
    dev.close();
    env.clearAll(GP);
    boot(Boards.options());
    dev.expectPublish("IP_READY");
    dev.expectPublish("NTP_UPDATE");
    online();
  }

  @Test
  void rapidFlapsAreEachAnnouncedInOrderAndEndWhereTheNetworkIs() {
    boot(Boards.options());
    dev.expectPublish("IP_READY");
    dev.expectPublish("NTP_UPDATE");
    for (int i = 0; i < FLAPS; i++) {
      env.link(GP, false);
      env.link(GP, true);
    }
    env.link(GP, false);
    List<String> topics = new ArrayList<>();
    for (int i = 0; i < 2 * FLAPS + 1; i++) topics.add(((NetDelivery.Publish) dev.next()).topic());
    for (int i = 0; i < topics.size(); i++) assertEquals(i % 2 == 0 ? "IP_LOSE" : "IP_READY", topics.get(i), topics.toString());
    assertEquals(new NetStack.AdapterState(false, Boards.GP), dev.call(() -> dev.stack().adapter(Boards.GP)));
  }

  @Test
  void anAddressThatIsNoIpv4LiteralOrAnUnknownAdapterIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> env.changeIp(GP, "example.com"));
    assertThrows(IllegalArgumentException.class, () -> env.changeIp(GP, "::1"));
    assertThrows(IllegalArgumentException.class, () -> env.link("LWIP_STA", false));
  }
}
