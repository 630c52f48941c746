package airemu.netif;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import airemu.netif.peers.SntpPeer;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code socket.sntp}, {@code socket.sntp_port} and {@code socket.ntptm} (spec 2.25) against real
 * peers: the embedded SNTP peer on an ephemeral port, reached through the hosts table and the
 * peer override while the device still asks port 123, and a UDP server that never answers.
 */
class SntpTest {
  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
  /** The embedded peer's clock: 2026-07-25, Unix ms; the RTC gets its whole seconds. */
  private static final long PEER_MILLIS = 1_785_000_000_123L;
  private static final long PEER_SECONDS = PEER_MILLIS / 1000;
  /** Long enough that the test decides when the cellular link comes up. */
  private static final long NEVER = 3_600_000;
  /** 31 bytes: one more than a server name may have. */
  private static final String NAME_31 = "a-name-of-31-bytes.example.com.";
  private static final String NAME_30 = "a-name-of-30-bytes.example.com";

  @Test
  void aSyncWithTheEmbeddedPeerSetsTheClockAndPublishesNtpUpdateZero() {
    try (SntpPeer peer = SntpPeer.start(LOOPBACK, 0, () -> PEER_MILLIS);
         TestDevice dev = Boards.readyAir780(toPeer(peer, "ntp.aliyun.com"), 8)) {
      long hostBefore = System.currentTimeMillis();
      dev.run(() -> dev.stack().sntp((Integer) null));
      NetDelivery.Publish p = dev.expectPublish("NTP_UPDATE");
      long hostAfter = System.currentTimeMillis();

      assertEquals(List.of(), p.args()); // l_sntp_event_handle publishes the topic alone
      assertEquals(List.of(
          "D/sntp query ntp.aliyun.com",
          "D/net adapter 1 connect 127.0.0.1:123 UDP", // the script's port; the override is below the firmware
          "D/sntp Unix timestamp: " + PEER_SECONDS), firmwareLog(dev));
      SntpResult r = dev.call(() -> dev.stack().sntpClient().lastResult());
      assertTrue(r.synced());
      assertEquals(PEER_SECONDS, r.unixSeconds());
      // os.time = host clock + offset shows the peer's second at the moment of the reply
      long offset = r.rtcOffsetMillis();
      assertTrue(offset >= PEER_SECONDS * 1000 - hostAfter && offset <= PEER_SECONDS * 1000 - hostBefore, "offset " + offset);

      Ntptm tm = dev.call(() -> dev.stack().ntptm());
      assertTrue(tm.valid());
      assertEquals(0, tm.ndelay());
      assertEquals(tm.tsec() * 1000 + tm.tms(), (tm.lsec() + tm.ssec()) * 1000 + tm.lms() + tm.sms());
      assertTrue(tm.ssec() <= PEER_SECONDS && tm.ssec() >= PEER_SECONDS - tm.lsec() - 1, "boot second " + tm.ssec());

      // the sync's ctrl and its socket are gone
      assertEquals(0, dev.call(() -> dev.stack().netif(Boards.GP).ctrlCount()));
      Await.until("the SNTP socket to close", () -> Transport.shared().openChannels() == 0);
    }
  }

  @Test
  void aSecondSyncSendsTheModulesTimeAndCorrectsTheNetworkDelay() {
    try (SntpPeer peer = SntpPeer.start(LOOPBACK, 0, () -> PEER_MILLIS);
         TestDevice dev = Boards.readyAir780(toPeer(peer, "ntp.aliyun.com"), 8)) {
      dev.run(() -> dev.stack().sntp((Integer) null));
      dev.expectPublish("NTP_UPDATE");
      assertTrue(firmwareLog(dev).stream().noneMatch(l -> l.contains("修正网络延时")), "the first request carries no time");

      dev.run(() -> dev.stack().sntp((Integer) null));
      dev.expectPublish("NTP_UPDATE");
      // the peer echoed the transmit timestamp as originate: a delay sample was taken
      assertTrue(firmwareLog(dev).stream().anyMatch(l -> l.startsWith("D/sntp 修正网络延时(ms) 0 -> ")), firmwareLog(dev).toString());
    }
  }

  @Test
  void aServerThatNeverAnswersTimesOutAndEveryServerIsTriedBeforeNtpError() throws Exception {
    try (DatagramSocket silent = new DatagramSocket(0, LOOPBACK);
         TestDevice dev = Boards.readyAir780(Boards.options()
             .withHost("ntp.aliyun.com", LOOPBACK)
             .withHost("ntp.ntsc.ac.cn", LOOPBACK)
             .withHost("time1.cloud.tencent.com", LOOPBACK), 8)) {
      int port = silent.getLocalPort();
      assertEquals(port, dev.call(() -> dev.stack().sntpPort((long) port)));
      dev.run(() -> dev.stack().sntp((Integer) null));

      NetDelivery.Publish p = dev.expectPublish("NTP_ERROR");
      assertEquals(List.of(), p.args());
      String connect = "D/net adapter 1 connect 127.0.0.1:" + port + " UDP";
      assertEquals(List.of(
          "D/sntp query ntp.aliyun.com", connect,
          "W/sntp timeout send ntp_error",
          "D/sntp 前一个ntp服务器未响应,尝试下一个",
          "D/sntp query ntp.ntsc.ac.cn", connect,
          "W/sntp timeout send ntp_error",
          "D/sntp 前一个ntp服务器未响应,尝试下一个",
          "D/sntp query time1.cloud.tencent.com", connect,
          "W/sntp timeout send ntp_error"), firmwareLog(dev));

      // one request per server, all on the port sntp_port set
      silent.setSoTimeout((int) TestDevice.TIMEOUT.toMillis());
      for (int i = 0; i < Sntp.SERVER_COUNT; i++) {
        DatagramPacket d = new DatagramPacket(new byte[128], 128);
        silent.receive(d);
        assertEquals(48, d.getLength());
        assertEquals(0x1B, d.getData()[0]);
      }
      assertEquals(0, dev.call(() -> dev.stack().netif(Boards.GP).ctrlCount()));
    }
  }

  @Test
  void aSecondCallWhileASyncRunsLogsSntpIsRunningButStillTakesItsServer() {
    try (SntpPeer peer = SntpPeer.start(LOOPBACK, 0, () -> PEER_MILLIS);
         TestDevice dev = Boards.readyAir780(toPeer(peer, "ntp.aliyun.com", "other.example"), 8)) {
      dev.run(() -> {
        dev.stack().sntp((Integer) null);
        dev.stack().sntp("other.example", null);
      });
      dev.expectPublish("NTP_UPDATE"); // the first sync, with the first server it had
      dev.run(() -> dev.stack().sntp((Integer) null));
      dev.expectPublish("NTP_UPDATE");
      assertEquals(List.of("D/sntp query ntp.aliyun.com", "I/sntp sntp is running", "D/sntp query other.example"),
          firmwareLog(dev).stream().filter(l -> l.contains("query") || l.contains("running")).toList());
    }
  }

  @Test
  void aTableReplacesUpToThreeServersWhichAreTriedInOrder() {
    try (SntpPeer peer = SntpPeer.start(LOOPBACK, 0, () -> PEER_MILLIS);
         TestDevice dev = Boards.readyAir780(toPeer(peer, "ok.example")
             .withHost("unknown1.example") // resolves to nothing, at once
             .withHost("unknown2.example"), 8)) {
      dev.run(() -> dev.stack().sntp(List.of("unknown1.example", "unknown2.example", "ok.example", "fourth.example"), null));
      dev.expectPublish("NTP_UPDATE");
      assertEquals(List.of(
          "D/sntp query unknown1.example",
          "I/sntp 请求包传输失败!!", // DNS failed: the connect reports failure and the request cannot go
          "D/sntp timer在运行, 关闭之",
          "D/sntp 前一个ntp服务器未响应,尝试下一个",
          "D/sntp query unknown2.example",
          "I/sntp 请求包传输失败!!",
          "D/sntp timer在运行, 关闭之",
          "D/sntp 前一个ntp服务器未响应,尝试下一个",
          "D/sntp query ok.example",
          "D/net adapter 1 connect 127.0.0.1:123 UDP",
          "D/sntp Unix timestamp: " + PEER_SECONDS), firmwareLog(dev));
    }
  }

  @Test
  void aStringReplacesServerOneAndANameOf31BytesIsRefusedWithTheWholeCall() {
    try (SntpPeer peer = SntpPeer.start(LOOPBACK, 0, () -> PEER_MILLIS);
         TestDevice dev = Boards.readyAir780(toPeer(peer, NAME_30, "ntp.aliyun.com"), 8)) {
      dev.run(() -> dev.stack().sntp(NAME_31, null)); // logged, no sync, no event
      dev.run(() -> dev.stack().sntp(NAME_30, null));
      dev.expectPublish("NTP_UPDATE"); // the first delivery: the refused call published nothing
      dev.run(() -> dev.stack().sntp(List.of(NAME_31, "unused.example"), null)); // table: the long one is skipped
      dev.expectPublish("NTP_UPDATE");
      assertEquals(List.of(
          "E/sntp server_addr too long " + NAME_31,
          "D/sntp query " + NAME_30,
          "E/sntp server_addr too long " + NAME_31,
          "D/sntp query " + NAME_30), // server 1 kept; server 2 is now unused.example
          firmwareLog(dev).stream().filter(l -> l.startsWith("E/") || l.contains("query")).toList());
    }
  }

  @Test
  void anAdapterThatIsMissingOrOutOfRangeGivesNtpErrorAtOnce() {
    try (TestDevice dev = TestDevice.start(Boards.air8101(), Boards.options())) {
      dev.run(() -> dev.stack().sntp(Boards.AP)); // an Air8101 registers its AP with wlan.createAP
      assertEquals(List.of(), dev.expectPublish("NTP_ERROR").args());
      dev.run(() -> dev.stack().sntp(99));
      dev.expectPublish("NTP_ERROR");
      assertEquals(List.of("E/sntp network_alloc_ctrl fail"), firmwareLog(dev));
    }
  }

  @Test
  void aSyncTakesASlotOfTheSocketTableAndFailsWhenNoneIsFree() throws Exception {
    try (DatagramSocket silent = new DatagramSocket(0, LOOPBACK);
         TestDevice dev = Boards.readyAir780(Boards.options().withRoute(LOOPBACK,
             new java.net.InetSocketAddress(LOOPBACK, silent.getLocalPort())).withHost("ntp.aliyun.com", LOOPBACK), 1)) {
      dev.run(() -> {
        dev.stack().sntp((Integer) null); // waits for a server that never answers
        assertNull(dev.stack().create(null), "the table of one is taken by the sync");
      });
      assertTrue(dev.log().contains("adapter no more ctrl!"), dev.log().toString());
    }
    try (TestDevice dev = Boards.readyAir780(Boards.options(), 1)) {
      SocketCtrl taken = dev.call(() -> dev.stack().create(null));
      dev.run(() -> dev.stack().sntp((Integer) null));
      dev.expectPublish("NTP_ERROR");
      assertEquals(List.of("E/sntp network_alloc_ctrl fail"), firmwareLog(dev));
      dev.run(taken::release);
    }
  }

  @Test
  void anAdapterThatIsNotReadyWaitsForItsLinkUntilEveryServerTimedOut() {
    try (TestDevice dev = TestDevice.start(Boards.air780(8), Boards.options().withAttachDelayMillis(NEVER))) {
      dev.run(() -> dev.stack().sntp((Integer) null));
      dev.expectPublish("NTP_ERROR");
      assertEquals(List.of(
          "D/sntp query ntp.aliyun.com",
          "W/sntp timeout send ntp_error",
          "D/sntp 前一个ntp服务器未响应,尝试下一个",
          "D/sntp query ntp.ntsc.ac.cn",
          "W/sntp timeout send ntp_error",
          "D/sntp 前一个ntp服务器未响应,尝试下一个",
          "D/sntp query time1.cloud.tencent.com",
          "W/sntp timeout send ntp_error"), firmwareLog(dev)); // no connect: the link never came
    }
  }

  @Test
  void aSyncStartedBeforeTheLinkContinuesWhenTheAdapterComesUp() {
    try (SntpPeer peer = SntpPeer.start(LOOPBACK, 0, () -> PEER_MILLIS);
         TestDevice dev = TestDevice.start(Boards.air780(8), toPeer(peer, "ntp.aliyun.com").withAttachDelayMillis(NEVER))) {
      dev.run(() -> {
        dev.stack().sntp((Integer) null);
        dev.stack().bringUp(Boards.GP, 0);
      });
      dev.expectPublish("IP_READY");
      dev.expectPublish("NTP_UPDATE");
      assertEquals(List.of(
          "D/sntp query ntp.aliyun.com",
          "D/net adapter 1 connect 127.0.0.1:123 UDP",
          "D/sntp Unix timestamp: " + PEER_SECONDS),
          firmwareLog(dev));
    }
  }

  @Test
  void sntpPortSetsTheLow16BitsUnlessTheyAreZeroAndReturnsThePort() {
    try (TestDevice dev = Boards.readyAir780(Boards.options(), 8)) {
      dev.run(() -> {
        assertEquals(123, dev.stack().sntpPort(null));
        assertEquals(123, dev.stack().sntpPort(0L));
        assertEquals(5123, dev.stack().sntpPort(5123L));
        assertEquals(5123, dev.stack().sntpPort(null));
        assertEquals(5123, dev.stack().sntpPort(0x10000L)); // (uint16_t) 65536 is 0: unchanged
        assertEquals(7, dev.stack().sntpPort(0x10007L));
        assertEquals(65535, dev.stack().sntpPort(-1L));
      });
    }
  }

  @Test
  void ntptmBeforeAnySyncIsTheUptimeWithoutVaild() {
    try (TestDevice dev = Boards.readyAir780(Boards.options(), 8)) {
      Ntptm tm = dev.call(() -> dev.stack().ntptm());
      assertEquals(false, tm.valid());
      assertEquals(0, tm.ssec());
      assertEquals(tm.lsec(), tm.tsec());
      assertEquals(tm.lms(), tm.tms());
      assertEquals(List.of("ndeley", "ssec", "sms", "tsec", "tms", "lsec", "lms"), List.copyOf(tm.luaTable().keySet()));
    }
  }

  // --- helpers ---------------------------------------------------------------------------------

  /** Test options with {@code names} resolving to loopback, routed to {@code peer}. */
  private static NetOptions toPeer(SntpPeer peer, String... names) {
    NetOptions o = Boards.options().withRoute(LOOPBACK, peer.address());
    for (String n : names) o = o.withHost(n, LOOPBACK);
    return o;
  }

  /** The firmware's sntp lines and the net lines of its sockets, in order. */
  private static List<String> firmwareLog(TestDevice dev) {
    return dev.log().stream()
        .filter(l -> l.matches("[DIWE]/(sntp|net) .*") && !l.startsWith("D/net network ready"))
        .toList();
  }
}
