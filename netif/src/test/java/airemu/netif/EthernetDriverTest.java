package airemu.netif;

import static airemu.netif.SocketEvents.EVENT;
import static airemu.netif.SocketEvents.ON_LINE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Ethernet: the W5500 on SPI and lwIP's netdrv devices, with a cable that can be pulled. */
class EthernetDriverTest {
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

  private void start() {
    dev = TestDevice.start(Boards.air8101(), Boards.options().withAttachDelayMillis(NEVER));
  }

  @Test
  void aW5500ReportsTheCableThenTheLeaseAndBecomesTheLastRegisteredAdapter() {
    start();
    W5500 chip = dev.stack().w5500();
    assertFalse(dev.call(() -> chip.config(null, null, null, null))); // before init: the chip does not answer
    dev.run(() -> {
      chip.init(8, 9, 10, 255);
      chip.bind(Boards.ETH0);
    });
    assertEquals(new NetStack.Dft(Boards.ETH0, Boards.ETH0), dev.call(() -> dev.stack().dft(null)));
    assertEquals(List.of("CABLE_INSERT"), dev.expectPublish("W5500_IND").args());
    NetDelivery.Publish ready = dev.expectPublish("IP_READY");
    assertTrue(((String) ready.args().get(0)).startsWith("192.168.3."), ready.toString());
    assertEquals((long) Boards.ETH0, ready.args().get(1));
    assertTrue(dev.log().contains("D/w5500 cs 8 irq 9 reset 10 link 255"), dev.log().toString());
    assertTrue(dev.log().contains("D/W5500 network ready"), dev.log().toString());
    assertFalse(dev.log().stream().anyMatch(l -> l.startsWith("D/net network ready")), "the W5500 is no lwIP netif");
  }

  @Test
  void aStaticW5500AddressIsReadyWithTheLinkAndAPulledCableFailsTheSockets() {
    start();
    W5500 chip = dev.stack().w5500();
    dev.run(() -> {
      chip.init(8, 9, 10, 255);
      assertTrue(chip.config("192.168.1.2", "255.255.255.0", "192.168.1.1", new byte[] {0x10, 0x2a, 0x3b, 0x4c, 0x5d, 0x6e}));
      chip.bind(Boards.ETH0);
    });
    dev.expectPublish("W5500_IND");
    assertEquals(List.of("192.168.1.2", (long) Boards.ETH0), dev.expectPublish("IP_READY").args());
    assertEquals("102A3B4C5D6E", java.util.HexFormat.of().withUpperCase().formatHex(dev.call(chip::mac)));
    SocketCtrl c = dev.tcp(Boards.ETH0);
    dev.call(() -> c.connect("127.0.0.1", echo.port, false));
    dev.expect(c, ON_LINE, 0);
    dev.stack().setLink(Boards.ETH0, false); // the cable pulled
    assertEquals(List.of("CABLE_REMOVE"), dev.expectPublish("W5500_IND").args());
    assertEquals(List.of((long) Boards.ETH0), dev.expectPublish("IP_LOSE").args());
    dev.expect(c, EVENT, -1);
    dev.stack().setLink(Boards.ETH0, true);
    assertEquals(List.of("CABLE_INSERT"), dev.expectPublish("W5500_IND").args());
    assertEquals(List.of("192.168.1.2", (long) Boards.ETH0), dev.expectPublish("IP_READY").args());
  }

  @Test
  void aW5500BoundToAnotherNumberRegistersNothing() {
    start();
    dev.run(() -> dev.stack().w5500().bind(Boards.ETH));
    assertNull(dev.call(() -> dev.stack().create(Boards.ETH0)));
    assertEquals(new NetStack.Dft(Boards.STA, Boards.STA), dev.call(() -> dev.stack().dft(null)));
  }

  @Test
  void ethernetLeasesAnAddressOnceSetUpWithDhcp() {
    start();
    Netdrv drv = dev.stack().netdrv();
    assertNull(dev.call(() -> drv.link(Boards.ETH))); // no device before setup
    assertFalse(dev.call(() -> drv.dhcp(Boards.ETH, true)));
    assertTrue(dev.call(() -> drv.setup(Boards.ETH, 0)));
    assertTrue(dev.call(() -> drv.dhcp(Boards.ETH, true)));
    assertEquals(new Netdrv.Ipv4("0.0.0.0", "0.0.0.0", "0.0.0.0"), dev.call(() -> drv.ipv4(Boards.ETH)));
    NetDelivery.Publish ready = dev.expectPublish("IP_READY");
    assertEquals((long) Boards.ETH, ready.args().get(1));
    String ip = (String) ready.args().get(0);
    assertTrue(dev.log().contains("DHCP ready adapter=" + Boards.ETH + " IP=" + ip + " gw=192.168.2.1"), dev.log().toString());
    assertTrue(dev.call(() -> drv.link(Boards.ETH)));
    assertTrue(dev.call(() -> drv.ready(Boards.ETH)));
    assertEquals(new NetStack.Dft(Boards.ETH, Boards.ETH), dev.call(() -> dev.stack().dft(null)));
    dev.stack().setLink(Boards.ETH, false);
    dev.expectPublish("IP_LOSE");
    assertFalse(dev.call(() -> drv.ready(Boards.ETH)));
    dev.stack().setLink(Boards.ETH, true); // plugged back: a new lease
    assertEquals(ready.args(), dev.expectPublish("IP_READY").args());
  }

  @Test
  void aStaticEthernetAddressTurnsDhcpOffAndBadOnesAreRefused() {
    start();
    Netdrv drv = dev.stack().netdrv();
    assertFalse(dev.call(() -> drv.setup(Boards.ETH, 64))); // no such controller here
    assertTrue(dev.log().contains("W/netdrv 无效的注册id或类型 id=4, impl=64"), dev.log().toString());
    assertTrue(dev.call(() -> drv.setup(Boards.ETH, Netdrv.CH390)));
    assertNull(dev.call(() -> drv.ipv4(Boards.ETH, "192.168.9.300", "255.255.255.0", "192.168.9.1")));
    assertTrue(dev.log().contains("W/netdrv 非法IP[4] 192.168.9.300 0"), dev.log().toString());
    assertEquals(new Netdrv.Ipv4("192.168.9.2", "255.255.255.0", "192.168.9.1"),
        dev.call(() -> drv.ipv4(Boards.ETH, "192.168.9.2", "255.255.255.0", "192.168.9.1")));
    assertFalse(dev.call(() -> drv.ready(Boards.ETH))); // the link is not up yet
    assertEquals(List.of("192.168.9.2", (long) Boards.ETH), dev.expectPublish("IP_READY").args());
    assertFalse(dev.log().stream().anyMatch(l -> l.startsWith("DHCP ready")), dev.log().toString());
  }

  @Test
  void otherNetworkDevicesAnswerButCannotBeSetUp() {
    start();
    Netdrv drv = dev.stack().netdrv();
    assertTrue(dev.call(() -> drv.setup(Boards.STA, 0))); // already there
    assertTrue(dev.call(() -> drv.dhcp(Boards.STA, true)));
    assertFalse(dev.call(() -> drv.link(Boards.STA)));
    assertEquals(new Netdrv.Ipv4("0.0.0.0", "0.0.0.0", "0.0.0.0"), dev.call(() -> drv.ipv4(Boards.STA)));
    assertNull(dev.call(() -> drv.ipv4(Boards.ETH0))); // the W5500 is not an lwIP device
    dev.close();
    dev = Boards.readyAir780(Boards.options(), 8);
    assertFalse(dev.call(() -> dev.stack().netdrv().dhcp(Boards.GP, false)));
    assertTrue(dev.log().contains("W/netdrv 该netdrv不支持设置dhcp开关"), dev.log().toString());
  }

  @Test
  void aPingOfTheHostIsAnsweredWithTheRoundTripTime() {
    dev = Boards.readyAir780(Boards.options(), 8);
    Netdrv drv = dev.stack().netdrv();
    assertEquals(1, (int) dev.call(() -> drv.ping(Boards.GP, "127.0.0.1")));
    NetDelivery.Publish p = dev.expectPublish("PING_RESULT");
    assertEquals(Boards.GP, ((Long) p.args().get(0)).intValue());
    assertTrue((Long) p.args().get(1) >= 0, p.toString());
    assertEquals("127.0.0.1", p.args().get(2));
    assertNull(dev.call(() -> drv.ping(Boards.GP, "not-an-ip")));
    assertNull(dev.call(() -> drv.ping(Boards.ETH, "127.0.0.1")));
    assertTrue(dev.log().containsAll(List.of("W/icmp 目标地址非法 not-an-ip", "W/icmp icmp初始化失败")), dev.log().toString());
  }
}
