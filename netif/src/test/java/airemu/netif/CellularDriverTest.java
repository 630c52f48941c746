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

/** The cellular stack: attach, network time, flight mode and reset as spec 6.2 and luat_lib_mobile.c have them. */
class CellularDriverTest {
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

  @Test
  void theModemSearchesThenAttachesWithIpReadyAndTheNetworksTime() {
    dev = TestDevice.start(Boards.air780(8), Boards.options().withAttachDelayMillis(50));
    Cellular cell = dev.stack().cellular();
    assertEquals(Cellular.SEARCH, (int) dev.call(cell::status));
    assertEquals(new Cellular.Signal(0, 0, 0, 0, 0), dev.call(cell::signal)); // not registered: the queries fail
    assertNull(dev.call(() -> cell.apn(null)));
    NetDelivery.Publish ready = dev.expectPublish("IP_READY");
    assertEquals((long) Boards.GP, ready.args().get(1));
    assertEquals(List.of(), dev.expectPublish("NTP_UPDATE").args()); // the firmware publishes the topic alone
    assertEquals(Cellular.REGISTERED, (int) dev.call(cell::status));
    assertEquals("cmnet", dev.call(() -> cell.apn(null)));
    assertEquals(List.of("D/net network ready 1, setup dns server", "D/mobile NETIF_LINK_ON -> IP_READY", "D/mobile TIME_SYNC 0"),
        dev.log());
  }

  @Test
  void theSignalIsPlausibleConsistentAndStablePerDevice() {
    dev = Boards.readyAir780(Boards.options(), 8);
    Cellular.Signal s = dev.call(() -> dev.stack().cellular().signal());
    assertTrue(s.csq() >= 0 && s.csq() <= 31, s.toString());
    assertEquals(-113 + 2 * s.csq(), s.rssi(), "RSSI follows CSQ (27.007)");
    assertTrue(s.rsrp() >= -140 && s.rsrp() <= -44 && s.rsrp() < s.rssi(), s.toString());
    assertTrue(s.rsrq() >= -19 && s.rsrq() <= -3, s.toString());
    assertTrue(s.snr() >= 0 && s.snr() <= 30, s.toString());
    dev.close();
    dev = Boards.readyAir780(Boards.options(), 8); // the same device name: the same radio
    assertEquals(s, dev.call(() -> dev.stack().cellular().signal()));
  }

  @Test
  void identitiesHaveTheirFormatsAndCheckDigits() {
    dev = TestDevice.start(Boards.air780(8), Boards.options().withAttachDelayMillis(NEVER));
    Cellular cell = dev.stack().cellular();
    String imei = dev.call(cell::imei);
    assertTrue(imei.matches("86832707\\d{7}"), imei);
    assertEquals(imei, Cellular.withLuhn(imei.substring(0, 14)));
    assertTrue(dev.call(cell::imsi).matches("46000\\d{10}"));
    String iccid = dev.call(cell::iccid);
    assertTrue(iccid.matches("898600\\d{14}"), iccid);
    assertEquals(iccid, Cellular.withLuhn(iccid.substring(0, 19)));
    assertTrue(dev.call(cell::muid).matches("[0-9A-F]{32}"));
    assertEquals("490154203237518", Cellular.withLuhn("49015420323751")); // the check digit of a published IMEI example
  }

  @Test
  void flightModeDropsTheBearerAndLeavingItAttachesAgain() {
    dev = Boards.readyAir780(Boards.options().withAttachDelayMillis(50), 8);
    Cellular cell = dev.stack().cellular();
    SocketCtrl online = dev.tcp(null);
    dev.call(() -> online.connect("127.0.0.1", echo.port, false));
    dev.expect(online, ON_LINE, 0);
    assertFalse(dev.call(() -> cell.flymode(true))); // returns the mode before the call
    assertEquals(Cellular.UNREGISTER, (int) dev.call(cell::status));
    assertEquals(new Cellular.Signal(0, 0, 0, 0, 0), dev.call(cell::signal));
    assertEquals(List.of((long) Boards.GP), dev.expectPublish("IP_LOSE").args());
    dev.expect(online, EVENT, -1);
    SocketCtrl waiting = dev.tcp(null);
    dev.call(() -> waiting.connect("127.0.0.1", echo.port, false)); // LINK_OFF until the bearer returns
    assertTrue(dev.call(() -> cell.flymode(null)));
    assertTrue(dev.call(() -> cell.flymode(true))); // already on: nothing happens
    assertTrue(dev.call(() -> cell.flymode(false)));
    assertEquals(Cellular.SEARCH, (int) dev.call(cell::status));
    dev.expectPublish("IP_READY");
    // the link event reaches both ctrls: the failed one fails again, the waiting one connects
    NetDelivery first = dev.next(), second = dev.next(), third = dev.next();
    assertEquals(java.util.Set.of("EVENT,-1", "ON_LINE,0", "NTP_UPDATE"),
        java.util.Set.of(name(first), name(second), name(third)));
    assertEquals(Cellular.REGISTERED, (int) dev.call(cell::status));
  }

  @Test
  void aResetDropsTheBearerAndAttachesAgainUnlessInFlightMode() {
    dev = Boards.readyAir780(Boards.options().withAttachDelayMillis(50), 8);
    Cellular cell = dev.stack().cellular();
    dev.run(cell::reset);
    dev.expectPublish("IP_LOSE");
    dev.expectPublish("IP_READY");
    dev.expectPublish("NTP_UPDATE");
    dev.run(() -> {
      cell.flymode(true);
      cell.reset();
    });
    dev.expectPublish("IP_LOSE");
    assertEquals(Cellular.UNREGISTER, (int) dev.call(cell::status));
    dev.run(() -> cell.flymode(false)); // one attach, not one for the reset too
    dev.expectPublish("IP_READY");
    dev.expectPublish("NTP_UPDATE");
    dev.call(() -> null); // everything posted so far has been handled
    assertEquals(List.of(), dev.pending());
  }

  @Test
  void aBearerLostFromOutsideKeepsTheRegistrationAndGetsNoNetworkTime() {
    dev = Boards.readyAir780(Boards.options(), 8);
    dev.stack().bringDown(Boards.GP);
    dev.expectPublish("IP_LOSE");
    assertEquals(Cellular.REGISTERED, (int) dev.call(() -> dev.stack().cellular().status()));
    dev.stack().bringUp(Boards.GP, 0);
    dev.expectPublish("IP_READY");
    assertTrue(dev.log().contains("D/mobile NETIF_LINK_OFF -> IP_LOSE"), dev.log().toString());
    dev.call(() -> null); // a time sync would have been posted while IP_READY was handled
    assertEquals(List.of(), dev.pending());
  }

  private static String name(NetDelivery d) {
    return d instanceof NetDelivery.Publish p ? p.topic() : d.toString();
  }
}
