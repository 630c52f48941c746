package airemu.netif;

import java.net.InetAddress;
import java.util.List;

/** Board networks as the composition root will build them from profiles, and test options. */
final class Boards {
  private Boards() {}

  /** The 2026-06 era: NW_ADAPTER_QTY 19, LWIP_GP 1, LWIP_STA 2, LWIP_AP 3, LWIP_ETH 4, ETH0 17. */
  static final int QTY = 19, GP = 1, STA = 2, AP = 3, ETH = 4, ETH0 = 17;

  /** Air780EPM: cellular only, IPv6 capable; {@code sockets} is the size of its lwIP ctrl table. */
  static NetProfile air780(int sockets) {
    return new NetProfile(QTY, GP, sockets, List.of(new AdapterConfig("LWIP_GP", GP, AdapterConfig.Kind.CELLULAR, 0, true, true)));
  }

  /**
   * Air8000: cellular registers first, then Wi-Fi STA and AP; the firmware keeps LWIP_GP as default.
   * The three share one lwIP table of 16 ctrls.
   */
  static NetProfile air8000() {
    return air8000(16);
  }

  /** The Air8000 with an lwIP table of {@code sockets} ctrls, shared by its three adapters. */
  static NetProfile air8000(int sockets) {
    return new NetProfile(QTY, GP, sockets, List.of(
        new AdapterConfig("LWIP_GP", GP, AdapterConfig.Kind.CELLULAR, 0, true, true),
        new AdapterConfig("LWIP_STA", STA, AdapterConfig.Kind.WIFI_STA, 0, false, true),
        new AdapterConfig("LWIP_AP", AP, AdapterConfig.Kind.WIFI_AP, 0, false, true)));
  }

  /**
   * Air8101: Wi-Fi STA at boot and default; AP and RMII Ethernet registered later, all three in one
   * lwIP table of 16; a W5500 as ETH0 with its own 8.
   */
  static NetProfile air8101() {
    return new NetProfile(QTY, -1, 16, List.of(
        new AdapterConfig("LWIP_STA", STA, AdapterConfig.Kind.WIFI_STA, 0, false, true),
        new AdapterConfig("LWIP_AP", AP, AdapterConfig.Kind.WIFI_AP, 0, false, false),
        new AdapterConfig("LWIP_ETH", ETH, AdapterConfig.Kind.ETHERNET, 0, false, false),
        new AdapterConfig("ETH0", ETH0, AdapterConfig.Kind.W5500, 8, false, false)));
  }

  /**
   * Options for tests: the cellular link is up at once, and DNS goes to a local port where nothing
   * answers, so no test ever sends a query off this machine.
   */
  static NetOptions options() {
    return NetOptions.defaults()
        .withAttachDelayMillis(0)
        .withDefaultDns(List.of("127.0.0.1"))
        .withDnsPort(Peers.freeUdpPort())
        .withDnsTimeoutMillis(2000)
        .withBindAddress(InetAddress.getLoopbackAddress());
  }

  /** An Air780 device whose IP_READY, and the network time that follows the attach, have been delivered. */
  static TestDevice readyAir780(NetOptions options, int sockets) {
    return ready(air780(sockets), options);
  }

  /** The same on an Air8000, whose cellular adapter attaches while its Wi-Fi stays down. */
  static TestDevice readyAir8000(NetOptions options, int sockets) {
    return ready(air8000(sockets), options);
  }

  /** An Air780 as {@link #readyAir780}, on a device clock that moves only by {@link TestDevice#advance}. */
  static TestDevice readyAir780OnManualClock(NetOptions options, int sockets) {
    return ready(TestDevice.startOnManualClock(air780(sockets), options));
  }

  private static TestDevice ready(NetProfile profile, NetOptions options) {
    return ready(TestDevice.start(profile, options));
  }

  private static TestDevice ready(TestDevice d) {
    d.expectPublish("IP_READY");
    d.expectPublish("NTP_UPDATE");
    return d;
  }
}
