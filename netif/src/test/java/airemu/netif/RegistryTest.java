package airemu.netif;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The adapter registry of spec 2.17-2.23 and 6.1 on the three board families. */
class RegistryTest {
  private static final long NEVER = 3_600_000;
  private TestDevice dev;

  @AfterEach
  void shutdown() {
    if (dev != null) dev.close();
  }

  private TestDevice start(NetProfile p) {
    return dev = TestDevice.start(p, Boards.options().withAttachDelayMillis(NEVER));
  }

  @Test
  void air8000DefaultsToCellularAndLastRegisteredIsTheAccessPoint() {
    start(Boards.air8000());
    dev.run(() -> {
      NetStack s = dev.stack();
      assertEquals(new NetStack.Dft(Boards.GP, Boards.AP), s.dft(null));
      assertEquals(new NetStack.Dft(Boards.STA, Boards.AP), s.dft(Boards.STA));
      assertEquals(new NetStack.Dft(Boards.STA, Boards.AP), s.dft(Boards.QTY)); // out of range: ignored
      assertEquals(new NetStack.Dft(Boards.STA, Boards.AP), s.dft(-1));
    });
    assertTrue(dev.log().contains("dft adapter change from 1 to 2"), dev.log().toString());
  }

  @Test
  void air780DefaultAndLastAreBothCellular() {
    start(Boards.air780(8));
    assertEquals(new NetStack.Dft(Boards.GP, Boards.GP), dev.call(() -> dev.stack().dft(null)));
  }

  @Test
  void withoutAnExplicitDefaultTheLastRegisteredAdapterIsTheDefault() {
    start(Boards.air8101());
    dev.run(() -> {
      NetStack s = dev.stack();
      assertEquals(new NetStack.Dft(Boards.STA, Boards.STA), s.dft(null));
      assertNull(s.create(Boards.ETH)); // not registered yet
      assertTrue(s.register(Boards.ETH)); // netdrv.setup(socket.LWIP_ETH, ...)
      assertEquals(new NetStack.Dft(Boards.ETH, Boards.ETH), s.dft(null));
      assertNotNull(s.create(Boards.ETH));
      assertFalse(s.register(Boards.GP)); // the board has no cellular adapter
    });
    assertTrue(dev.log().contains("adapter index 4 is invalid!"), dev.log().toString());
  }

  @Test
  void anAdapterBroughtUpBeforeItIsRegisteredAnnouncesItselfWhenRegistered() {
    start(Boards.air8101());
    dev.stack().bringUp(Boards.ETH, 0); // the link is there, the firmware does not know the NIC yet
    dev.run(() -> assertEquals(new NetStack.AdapterState(false, Boards.ETH), dev.stack().adapter(Boards.ETH)));
    dev.run(() -> dev.stack().register(Boards.ETH));
    NetDelivery.Publish p = dev.expectPublish("IP_READY");
    assertEquals((long) Boards.ETH, p.args().get(1));
    assertEquals(new NetStack.AdapterState(true, Boards.ETH), dev.call(() -> dev.stack().adapter(Boards.ETH)));
  }

  @Test
  void theLwipAdaptersShareOneCtrlTable() {
    start(Boards.air8000()); // LWIP_GP, LWIP_STA and LWIP_AP in one table of 16
    dev.run(() -> {
      NetStack s = dev.stack();
      SocketCtrl first = null;
      for (int i = 0; i < 10; i++) {
        SocketCtrl c = s.create(Boards.GP);
        assertNotNull(c, "cellular ctrl " + i);
        if (first == null) first = c;
      }
      for (int i = 0; i < 6; i++) assertNotNull(s.create(Boards.STA), "station ctrl " + i);
      assertNull(s.create(Boards.AP)); // the cellular and station ctrls took every slot
      assertNull(s.create(Boards.GP));
      first.release();
      assertNotNull(s.create(Boards.AP)); // the freed cellular slot serves any lwIP adapter
      assertNull(s.create(Boards.STA));
    });
    assertEquals(3, dev.log().stream().filter("adapter no more ctrl!"::equals).count(), dev.log().toString());
  }

  @Test
  void anAdapterWithItsOwnStackHasItsOwnCtrlTable() {
    start(Boards.air8101()); // the lwIP adapters share 16; the W5500 (ETH0) has its 8
    dev.run(() -> {
      NetStack s = dev.stack();
      assertTrue(s.register(Boards.ETH0));
      for (int i = 0; i < 16; i++) assertNotNull(s.create(Boards.STA), "station ctrl " + i);
      assertNull(s.create(Boards.STA));
      for (int i = 0; i < 8; i++) assertNotNull(s.create(Boards.ETH0), "W5500 ctrl " + i);
      assertNull(s.create(Boards.ETH0));
    });
  }

  @Test
  void rxCacheStartsAtTheBoardsCountAndTakesSixToFortyEight() {
    start(Boards.air8000().withRxCache(6));
    dev.run(() -> {
      NetStack s = dev.stack();
      assertEquals(6, s.rxCache(null));
      assertEquals(48, s.rxCache(48L));
      assertEquals(48, s.rxCache(5L)); // out of range: only read
      assertEquals(48, s.rxCache(49L));
      assertEquals(6, s.rxCache(6L));
    });
  }

  @Test
  void adapterScansForTheFirstReadyAdapter() {
    start(Boards.air8000());
    dev.run(() -> {
      assertEquals(new NetStack.AdapterState(false, Boards.QTY - 1), dev.stack().adapter(null));
      assertEquals(new NetStack.AdapterState(false, Boards.STA), dev.stack().adapter(Boards.STA));
      assertEquals(new NetStack.AdapterState(false, 5), dev.stack().adapter(5)); // valid index, no such adapter
      assertEquals(new NetStack.AdapterState(false, Boards.QTY - 1), dev.stack().adapter(0)); // 0: scan
    });
    dev.stack().bringUp(Boards.AP, 0);
    dev.expectPublish("IP_READY");
    dev.stack().bringUp(Boards.STA, 0);
    dev.expectPublish("IP_READY");
    assertEquals(new NetStack.AdapterState(true, Boards.STA), dev.call(() -> dev.stack().adapter(null)));
  }

  @Test
  void localIpIsZerosBeforeTheIpAndNothingForInvalidOrUnregisteredAdapters() {
    start(Boards.air8101());
    dev.run(() -> {
      NetStack s = dev.stack();
      assertEquals(new NetStack.LocalIp("0.0.0.0", "0.0.0.0", "0.0.0.0", null), s.localIp(null));
      assertNull(s.localIp(Boards.AP));
      assertNull(s.localIp(Boards.QTY));
      assertNull(s.localIp(-1));
      assertNull(s.create(Boards.QTY));
      assertNull(s.create(-1));
    });
    dev.run(() -> dev.stack().register(Boards.AP));
    dev.stack().bringUp(Boards.AP, 0); // wlan.createAP
    dev.expectPublish("IP_READY");
    assertEquals(new NetStack.LocalIp("192.168.4.1", "255.255.255.0", "192.168.4.1", null),
        dev.call(() -> dev.stack().localIp(Boards.AP)));
  }

  @Test
  void aDnsServerSetBeforeTheAdapterIsReadyIsKeptWhenItComesUp() {
    start(Boards.air780(8));
    assertTrue(dev.call(() -> dev.stack().setDns(null, 1, "10.9.8.7"))); // before IP_READY, as a script may
    dev.stack().bringUp(Boards.GP, 0);
    dev.expectPublish("IP_READY");
    dev.stack().bringDown(Boards.GP);
    dev.expectPublish("IP_LOSE");
    dev.stack().bringUp(Boards.GP, 0);
    dev.expectPublish("IP_READY");
    assertEquals("10.9.8.7", dev.call(() -> dev.stack().netif(Boards.GP).dnsServers().get(0)));
  }

  @Test
  void setDnsStoresPerAdapterSlotsAndRefusesInvalidAdapters() {
    start(Boards.air8000());
    dev.run(() -> {
      NetStack s = dev.stack();
      Netif gp = s.netif(Boards.GP);
      assertEquals(Arrays.asList("127.0.0.1", null, null, null), gp.dnsServers()); // the test default
      assertTrue(s.setDns(null, 2, "114.114.114.114"));
      assertTrue(s.setDns(Boards.STA, 1, 0x05050505DFL)); // a raw integer: 223.5.5.5
      assertTrue(s.setDns(null, 9, "1.1.1.1")); // no such slot: nothing stored, still true
      assertTrue(s.setDns(null, 1, "not-an-ip")); // an invalid address empties the slot
      assertEquals(Arrays.asList(null, "114.114.114.114", null, null), gp.dnsServers());
      assertEquals("223.5.5.5", s.netif(Boards.STA).dnsServers().get(0));
      assertFalse(s.setDns(Boards.ETH, 1, "1.2.3.4"));
      assertFalse(s.setDns(Boards.QTY, 1, "1.2.3.4"));
    });
    assertTrue(dev.log().contains("W/socket adapter_index is invaild 4"), dev.log().toString());
  }

  @Test
  void theDefaultDnsServersAreTheOnesLuatosDemosSet() {
    NetOptions o = NetOptions.defaults();
    assertEquals(java.util.List.of("223.5.5.5", "114.114.114.114"), o.defaultDns());
  }
}
