package airemu.netif;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The network side of a board: how many adapter indices the firmware era has ({@code NW_ADAPTER_QTY};
 * indices outside {@code 0 .. adapterCount-1} are "invalid" for {@code socket.create/localIP/setDNS/dft}),
 * the adapter the firmware sets as default at boot ({@code -1}: none, so the last registered one is
 * the default), the adapters in registration order, and the Wi-Fi access points within the radio's
 * reach (the board's list, or the run's).
 *
 * <pre>{@code
 * // Air8000, 2026-06 era: LWIP_GP is the default, LWIP_AP the last registered
 * new NetProfile(19, 1, List.of(gp, sta, ap)).withAccessPoints(List.of(AccessPoint.of("luatos1234", "12341234")))
 * }</pre>
 */
public record NetProfile(int adapterCount, int defaultAdapter, List<AdapterConfig> adapters, List<AccessPoint> accessPoints) {

  public NetProfile {
    adapters = List.copyOf(adapters);
    accessPoints = List.copyOf(accessPoints);
    if (adapterCount < 2) throw new IllegalArgumentException("adapterCount must be >= 2: " + adapterCount);
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

  /** A profile whose radio sees no access point. */
  public NetProfile(int adapterCount, int defaultAdapter, List<AdapterConfig> adapters) {
    this(adapterCount, defaultAdapter, adapters, List.of());
  }

  public NetProfile withAccessPoints(List<AccessPoint> v) {
    return new NetProfile(adapterCount, defaultAdapter, adapters, v);
  }
}
