package airemu.boards;

import java.time.DateTimeException;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;

/**
 * A LuatOS module as the emulator presents it: the identity a script can read ({@code rtos.bsp()},
 * the boot banner), memory figures, the network adapters in registration order and the firmware
 * conventions (adapter numbering era, reboot delay). Built-in profiles live in
 * {@code airemu/boards/*.yaml}; a user profile file has the same shape.
 *
 * @param id the name used on the command line ({@code air780epm})
 * @param model the module's name in the banner ({@code Air780EPM})
 * @param chip the SoC ({@code EC718PM})
 * @param bsp what {@code rtos.bsp()} returns
 * @param firmware versions and build stamp of the emulated firmware
 * @param memory heap totals the firmware reports
 * @param adapters network adapters in the order the firmware registers them
 * @param lwip the figures of the firmware's lwIP build: the ctrl table its adapters share, the rx cache
 * @param defaultAdapter the adapter the firmware sets as default, or empty for "last registered"
 * @param era how adapter constants are numbered
 * @param rebootDelayMillis how long after a VM exit the module reboots
 * @param uniqueIdBytes length of {@code mcu.unique_id()}
 * @param wifi what the board's {@code wlan} library can do and the access points its radio sees
 */
public record BoardProfile(
    String id,
    String model,
    String chip,
    String bsp,
    Firmware firmware,
    Memory memory,
    List<AdapterSpec> adapters,
    Lwip lwip,
    Optional<String> defaultAdapter,
    ConstantsEra era,
    long rebootDelayMillis,
    int uniqueIdBytes,
    Wifi wifi,
    String source) {

  public BoardProfile {
    adapters = List.copyOf(adapters);
    java.util.Objects.requireNonNull(lwip, "lwip");
    java.util.Objects.requireNonNull(wifi, "wifi");
  }

  /**
   * The lwIP build of the firmware. {@code sockets} is {@code LWIP_NUM_SOCKETS}: every lwIP adapter
   * takes its ctrls from this one table, so {@code socket.create} on the cellular and the Wi-Fi
   * adapter counts against the same number ({@code luat_network_adapter.c}, spec 6.1); 8 when the
   * build sets none. {@code rxCache} is what {@code socket.rx_cache()} answers before the script
   * sets it (spec 2.24: 6 on the EC718/EC716, 32 elsewhere).
   */
  public record Lwip(int sockets, int rxCache) {
    /** What {@code luat_network_adapter.c} and the rx cache come to when a build sets neither. */
    public static final Lwip DEFAULT = new Lwip(8, 32);
  }

  /**
   * The firmware build a board runs: banner name, LUAT_VERSION ("base"), BSP version
   * ({@code rtos.version()}), VM width and the ROM build stamp ({@code "Aug 12 2026 10:12:30"}, C's
   * {@code __DATE__ __TIME__}). The build date also says which functions the firmware has: LuatOS
   * adds library functions over time, and a script calling one its module's firmware predates fails
   * there, so it must fail here too.
   */
  public record Firmware(String bannerModel, String base, String bspVersion, String vm, String build) {
    private static final List<String> MONTHS =
        List.of("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec");

    /** The date part of the build stamp, as {@code rtos.buildDate()} returns it. */
    public String buildDate() {
      int lastSpace = build.lastIndexOf(' ');
      return lastSpace > 0 ? build.substring(0, lastSpace) : build;
    }

    /** The day the firmware was built; the stamp is checked when a profile is read. */
    public LocalDate builtOn() {
      return builtOn(build).orElseThrow(() -> new IllegalStateException("not a build stamp: " + build));
    }

    /** True when the firmware was built on or after {@code day}, the day a function was added. */
    public boolean has(LocalDate day) {
      return !builtOn().isBefore(day);
    }

    /**
     * The date of a {@code __DATE__ __TIME__} stamp such as {@code "Sep  3 2024 15:55:27"}. Read by
     * hand: java.time's formatters cost more class loading than a boot can spare.
     */
    public static Optional<LocalDate> builtOn(String stamp) {
      String[] f = stamp.trim().split(" +");
      if (f.length != 4 || !f[3].matches("\\d\\d:\\d\\d:\\d\\d") || !f[1].matches("\\d{1,2}") || !f[2].matches("\\d{4}")) {
        return Optional.empty();
      }
      int month = MONTHS.indexOf(f[0]) + 1;
      if (month == 0) return Optional.empty();
      try {
        return Optional.of(LocalDate.of(Integer.parseInt(f[2]), month, Integer.parseInt(f[1])));
      } catch (DateTimeException e) {
        return Optional.empty();
      }
    }
  }

  /** Heap totals in bytes; {@code sysUsed} is the system heap in use after boot. PSRAM 0 = none. */
  public record Memory(long lua, long sys, long sysUsed, long psram) {}

  /**
   * The board's Wi-Fi: which {@code wlan} functions its firmware has, and the access points around
   * it (what {@code wlan.scan} finds and {@code wlan.connect} can join) unless the run says otherwise.
   */
  public record Wifi(Support support, List<AccessPoint> accessPoints) {
    public Wifi {
      java.util.Objects.requireNonNull(support, "support");
      accessPoints = List.copyOf(accessPoints);
    }

    /** What the firmware's {@code wlan} library offers on this board. */
    public enum Support {
      /** No {@code wlan} library (no Wi-Fi radio). */
      NONE("none"),
      /**
       * {@code LUAT_USE_WLAN_SCANONLY}: {@code init}, {@code scan} and {@code scanResult} only, as on
       * the cellular modules whose chip scans Wi-Fi for positioning.
       */
      SCAN("scan"),
      /** The whole library: station, access point, scan. */
      FULL("full");

      Support(String id) {
        this.id = id;
      }

      public String id() {
        return id;
      }

      private final String id;
    }
  }

  /**
   * A Wi-Fi access point near the board. {@code password} is empty for an open network; {@code bssid}
   * is 12 hex digits, or null to derive one from the SSID.
   */
  public record AccessPoint(String ssid, String password, int rssi, int channel, String bssid) {
    public AccessPoint {
      java.util.Objects.requireNonNull(ssid, "ssid");
      java.util.Objects.requireNonNull(password, "password");
    }
  }

  public Optional<AdapterSpec> adapter(String name) {
    return adapters.stream().filter(a -> a.name().equals(name)).findFirst();
  }
}
