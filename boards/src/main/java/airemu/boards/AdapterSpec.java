package airemu.boards;

/**
 * One network adapter of a board: its LuatOS name ({@code LWIP_GP}), what kind of link it is, the
 * size of its own socket table if it has one, whether it has IPv6, and whether the firmware
 * registers it at boot or only when the script brings it up ({@code wlan.init}, {@code netdrv.setup},
 * {@code w5500.bind}).
 *
 * @param sockets the ctrls of the adapter's own table, for an adapter with its own TCP/IP stack
 *     (kind {@code w5500}: the chip's 8 sockets); 0 for the lwIP adapters, which share the board's
 *     table ({@link BoardProfile.Lwip#sockets()})
 */
public record AdapterSpec(String name, Kind kind, int sockets, boolean ipv6, boolean atBoot) {

  /** What kind of link an adapter is; decides how it comes up and which library drives it. */
  public enum Kind {
    CELLULAR("cellular"), WIFI_STA("wifi-sta"), WIFI_AP("wifi-ap"), ETHERNET("ethernet"), W5500("w5500");

    Kind(String id) {
      this.id = id;
    }

    public String id() {
      return id;
    }

    /** Whether the adapter runs its own TCP/IP stack (and socket table) instead of the firmware's lwIP. */
    public boolean ownStack() {
      return this == W5500;
    }

    private final String id;
  }
}
