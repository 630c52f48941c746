package airemu.netif;

import java.util.Objects;

/**
 * One network adapter of a board as the socket layer sees it: plain data the composition root copies
 * out of the board profile. Adapters are registered in the order they are given; {@code atBoot}
 * adapters when the stack starts, the others when the script brings them up ({@code wlan.createAP},
 * {@code netdrv.setup}, {@code w5500.bind}) through {@link NetStack#register(int)}.
 *
 * <pre>{@code
 * new AdapterConfig("LWIP_GP", 1, AdapterConfig.Kind.CELLULAR, 0, true, true)  // in the board's lwIP table
 * new AdapterConfig("ETH0", 17, AdapterConfig.Kind.W5500, 8, false, false)      // the W5500's own 8 sockets
 * }</pre>
 *
 * @param name the LuatOS constant ({@code LWIP_GP})
 * @param number the adapter index in the board's firmware era ({@code socket.LWIP_GP})
 * @param kind what kind of link this is
 * @param ownSockets the size of the adapter's own ctrl table, for an adapter with its own TCP/IP
 *     stack ({@link Kind#hasOwnStack()}); 0 for an lwIP adapter, which takes its ctrls from the
 *     table all lwIP adapters share ({@link NetProfile#lwipSockets()}, spec 6.1)
 * @param ipv6 whether the adapter gets an IPv6 address (AAAA lookups work on any adapter)
 * @param atBoot registered when the firmware boots
 */
public record AdapterConfig(String name, int number, Kind kind, int ownSockets, boolean ipv6, boolean atBoot) {

  public AdapterConfig {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(kind, "kind");
    if (number <= 0) throw new IllegalArgumentException("adapter " + name + ": number must be > 0, was " + number);
    if (kind.hasOwnStack() && ownSockets <= 0) {
      throw new IllegalArgumentException("adapter " + name + " has its own TCP/IP stack: ownSockets must be > 0, was " + ownSockets);
    }
    if (!kind.hasOwnStack() && ownSockets != 0) {
      throw new IllegalArgumentException("adapter " + name + " shares the lwIP ctrl table: ownSockets must be 0, was " + ownSockets);
    }
  }

  /** What kind of link an adapter is: decides its addresses and what its socket table can do. */
  public enum Kind {
    CELLULAR, WIFI_STA, WIFI_AP, ETHERNET,
    /** A NIC with its own hardware TCP stack: one client per listening socket, no {@code accept}. */
    W5500;

    /** Whether a listening socket can hand clients to new ctrls ({@code socket.listen(ctrl, n > 0)}). */
    public boolean supportsAccept() {
      return this != W5500;
    }

    /**
     * Whether the adapter runs its own TCP/IP stack rather than lwIP, and so has a ctrl table of its
     * own ({@code network_register_adapter}: an index from {@code NW_ADAPTER_INDEX_HW_PS_DEVICE} up).
     */
    public boolean hasOwnStack() {
      return this == W5500;
    }
  }
}
