package airemu.netif;

import static airemu.netif.SocketEvents.EVENT;
import static airemu.netif.SocketEvents.ON_LINE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Wi-Fi joining the access points in range, as the module's drivers report it (spec 6.2, 6.3). */
class WifiDriverTest {
  private static final long NEVER = 3_600_000;
  private static final AccessPoint HOME = AccessPoint.of("home", "12345678");
  private static final AccessPoint CAFE = new AccessPoint("cafe", "", "0A1B2C3D4E5F", -71, 11);
  private static Peers.Socat echo;
  private TestDevice dev;
  private Wlan wlan;

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

  private void start(NetProfile board) {
    dev = TestDevice.start(board.withAccessPoints(List.of(HOME, CAFE)), Boards.options().withAttachDelayMillis(NEVER));
    wlan = dev.stack().wlan();
    assertTrue(dev.call(wlan::init));
  }

  private void join() {
    assertTrue(dev.call(() -> wlan.connect("home", "12345678", null)));
    NetDelivery.Publish connected = dev.expectPublish("WLAN_STA_INC");
    assertEquals(List.of("CONNECTED", "home"), connected.args().subList(0, 2));
    assertArrayEquals(HOME.bssidBytes(), (byte[]) connected.args().get(2));
    NetDelivery.Publish ready = dev.expectPublish("IP_READY");
    assertEquals((long) Boards.STA, ready.args().get(1));
  }

  @Test
  void theStationComesUpOnlyAfterInitAndConnect() {
    dev = TestDevice.start(Boards.air8101().withAccessPoints(List.of(HOME)), Boards.options());
    wlan = dev.stack().wlan();
    assertFalse(dev.call(() -> wlan.connect("home", "12345678", null))); // before wlan.init
    assertFalse(dev.call(wlan::ready));
    assertEquals("0.0.0.0", dev.call(wlan::ip));
    assertEquals(new Wlan.Info("000000000000", "", 0), dev.call(wlan::info));
    assertTrue(dev.call(wlan::init));
    join();
    assertTrue(dev.call(wlan::ready));
    String ip = dev.call(wlan::ip);
    assertTrue(ip.startsWith("192.168.1."), ip);
    assertEquals(new Wlan.Info(HOME.bssid(), "192.168.1.1", -50), dev.call(wlan::info));
    assertEquals(new NetStack.AdapterState(true, Boards.STA), dev.call(() -> dev.stack().adapter(null)));
  }

  @Test
  void aWrongPasswordOrAnUnknownNetworkIsReportedWithTheDriversReason() {
    start(Boards.air8000());
    assertTrue(dev.call(() -> wlan.connect("home", "87654321", null))); // the attempt started
    assertEquals(List.of("DISCONNECTED", (long) Wlan.WRONG_PASSWORD), dev.expectPublish("WLAN_STA_INC").args());
    assertTrue(dev.call(() -> wlan.connect("nowhere", "12345678", null)));
    assertEquals(List.of("DISCONNECTED", (long) Wlan.NO_AP_FOUND), dev.expectPublish("WLAN_STA_INC").args());
    assertFalse(dev.call(wlan::ready));
    assertEquals(new NetStack.AdapterState(false, Boards.STA), dev.call(() -> dev.stack().adapter(Boards.STA)));
    assertTrue(dev.call(() -> wlan.connect("cafe", "anything", null))); // an open network takes any password
    assertEquals("CONNECTED", dev.expectPublish("WLAN_STA_INC").args().get(0));
    dev.expectPublish("IP_READY");
  }

  @Test
  void aBssidPicksTheAccessPointAndMustMatchTheSsid() {
    start(Boards.air8000());
    assertTrue(dev.call(() -> wlan.connect("", "", CAFE.bssidBytes())));
    assertEquals(List.of("CONNECTED", "cafe"), dev.expectPublish("WLAN_STA_INC").args().subList(0, 2));
    dev.expectPublish("IP_READY");
    assertTrue(dev.call(() -> wlan.connect("home", "12345678", CAFE.bssidBytes())));
    assertEquals(List.of("DISCONNECTED", (long) Wlan.DISCONNECT_BY_APP), dev.expectPublish("WLAN_STA_INC").args()); // leaves cafe
    dev.expectPublish("IP_LOSE");
    assertEquals(List.of("DISCONNECTED", (long) Wlan.NO_AP_FOUND), dev.expectPublish("WLAN_STA_INC").args());
  }

  @Test
  void disconnectReportsTheReasonThenIpLoseAndFailsTheOpenSockets() {
    start(Boards.air8000());
    join();
    SocketCtrl c = dev.tcp(Boards.STA);
    dev.call(() -> c.connect("127.0.0.1", echo.port, false));
    dev.expect(c, ON_LINE, 0);
    dev.run(() -> c.waitEvent());
    dev.run(wlan::disconnect);
    assertEquals(List.of("DISCONNECTED", (long) Wlan.DISCONNECT_BY_APP), dev.expectPublish("WLAN_STA_INC").args());
    assertEquals(List.of((long) Boards.STA), dev.expectPublish("IP_LOSE").args());
    dev.expect(c, EVENT, -1);
    assertFalse(dev.call(wlan::ready));
  }

  @Test
  void aNewCallCancelsTheEventsOfTheAttemptInProgress() {
    start(Boards.air8000());
    dev.run(() -> {
      wlan.connect("home", "12345678", null);
      wlan.disconnect(); // before it joined: nothing to report
      wlan.connect("home", "wrong-one", null);
    });
    // had the first attempt gone on, CONNECTED would come after 1 s, before this at 2 s
    assertEquals(List.of("DISCONNECTED", (long) Wlan.WRONG_PASSWORD), dev.expectPublish("WLAN_STA_INC").args());
    assertFalse(dev.call(wlan::ready));
  }

  @Test
  void theAccessPointGoingOutOfRangeAndBackIsReportedAroundTheLinkEvents() {
    start(Boards.air8000());
    join();
    dev.stack().setLink(Boards.STA, false);
    assertEquals(List.of("DISCONNECTED", (long) Wlan.BEACON_LOST), dev.expectPublish("WLAN_STA_INC").args());
    dev.expectPublish("IP_LOSE");
    SocketCtrl waiting = dev.tcp(Boards.STA);
    dev.call(() -> waiting.connect("127.0.0.1", echo.port, false)); // waits in LINK_OFF
    dev.stack().setLink(Boards.STA, true);
    assertEquals("CONNECTED", dev.expectPublish("WLAN_STA_INC").args().get(0));
    dev.expectPublish("IP_READY");
    dev.expect(waiting, ON_LINE, 0);
  }

  @Test
  void aScanFindsTheAccessPointsInRange() {
    start(Boards.air8000());
    assertEquals(List.of(), dev.call(() -> wlan.scanResult(20))); // nothing before a scan
    dev.run(wlan::scan);
    assertEquals(List.of(), dev.expectPublish("WLAN_SCAN_DONE").args());
    assertEquals(List.of(HOME, CAFE), dev.call(() -> wlan.scanResult(1))); // the limit is at least 8
  }

  @Test
  void theDevicesOwnAccessPointRegistersAndAnnouncesItsGateway() {
    start(Boards.air8101());
    assertTrue(dev.call(() -> wlan.createAP("luatos", "12345678", "192.168.10.1", "255.255.255.0")));
    assertEquals(List.of("192.168.10.1", (long) Boards.AP), dev.expectPublish("IP_READY").args());
    assertEquals(Boards.AP, dev.call(() -> dev.stack().dft(null)).lastRegistered());
    assertTrue(dev.call(wlan::stopAP));
    assertEquals(List.of((long) Boards.AP), dev.expectPublish("IP_LOSE").args());
    dev.close();
    start(Boards.air780(8)); // no access-point adapter
    assertFalse(dev.call(() -> wlan.createAP("luatos", "", "192.168.4.1", "255.255.255.0")));
  }
}
