package airemu.netif;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The network side of a board: how many adapter indices the firmware era has ({@code NW_ADAPTER_QTY};
 * indices outside {@code 0 .. adapterCount-1} are "invalid" for {@code socket.create/localIP/setDNS/dft}),
 * the adapter the firmware sets as default at boot ({@code -1}: none, so the last registered one is
 * the default), the lwIP build's figures, the adapters in registration order, and the Wi-Fi access
 * points within the radio's reach (the board's list, or the run's).
 *
 * <pre>{@code
 * // Air8000, 2026-06 era: LWIP_GP is the default, LWIP_AP the last registered; 16 lwIP ctrls in all
 * new NetProfile(19, 1, 16, List.of(gp, sta, ap)).withRxCache(6).withAccessPoints(List.of(AccessPoint.of("luatos1234", "12341234")))
 * }</pre>
 *
 * @param lwipSockets {@code LWIP_NUM_SOCKETS} of the build: the one ctrl table every lwIP adapter
 *     takes its ctrls from, so a board's cellular and Wi-Fi sockets count together (spec 6.1)
 * @param rxCache what {@code socket.rx_cache()} answers until the script sets it (spec 2.24)
 */
public record NetProfile(int adapterCount, int defaultAdapter, int lwipSockets, int rxCache, List<AdapterConfig> adapters,
    List<AccessPoint> accessPoints) {

  /** {@code socket.rx_cache} accepts 6 to 48 blocks. */
  public static final int RX_CACHE_MIN = 6, RX_CACHE_MAX = 48;
  /** The rx cache of every chip but the EC718/EC716, whose builds set {@link #RX_CACHE_MIN}. */
  public static final int RX_CACHE_DEFAULT = 32;

  public NetProfile {
    adapters = List.copyOf(adapters);
    accessPoints = List.copyOf(accessPoints);
    if (adapterCount < 2) throw new IllegalArgumentException("adapterCount must be >= 2: " + adapterCount);
    if (lwipSockets < 1) throw new IllegalArgumentException("lwipSockets must be >= 1: " + lwipSockets);
    if (rxCache < RX_CACHE_MIN || rxCache > RX_CACHE_MAX) {
      throw new IllegalArgumentException("rxCache must be " + RX_CACHE_MIN + " to " + RX_CACHE_MAX + ": " + rxCache);
    }
    Set<Integer> seen = new HashSet<>();
    for (AdapterConfig a : adapters) {
      if (a.number() >= adapterCount) {
        throw new IllegalArgumentException("adapter " + a.name() + " number " + a.number() + " is not below adapterCount " + adapterCount);
      }
      if (!seen.add(a.number())) throw new IllegalArgumentException("adapter number " + a.number() + " given twice");
    }
    if (defaultAdapter != -1 && !seen.contains(defaultAdapter)) {
      throw new IllegalArgumentException("default adapter " + defaultAdapter + " is not one of the adapters");
    }
  }

  /** A profile with the default rx cache whose radio sees no access point. */
  public NetProfile(int adapterCount, int defaultAdapter, int lwipSockets, List<AdapterConfig> adapters) {
    this(adapterCount, defaultAdapter, lwipSockets, RX_CACHE_DEFAULT, adapters, List.of());
  }

  public NetProfile withAccessPoints(List<AccessPoint> v) {
    return new NetProfile(adapterCount, defaultAdapter, lwipSockets, rxCache, adapters, v);
  }

  public NetProfile withRxCache(int v) {
    return new NetProfile(adapterCount, defaultAdapter, lwipSockets, v, adapters, accessPoints);
  }
}
