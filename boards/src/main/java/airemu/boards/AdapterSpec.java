package airemu.boards;

/**
 * One network adapter of a board: its LuatOS name ({@code LWIP_GP}), what kind of link it is, how
 * many sockets it can hold, whether it has IPv6, and whether the firmware registers it at boot or
 * only when the script brings it up ({@code wlan.init}, {@code netdrv.setup}, {@code w5500.bind}).
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

    private final String id;
  }
}
