package airemu.boards;

import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The numbering of network adapters in one firmware era. LuatOS renumbered its adapter constants
 * several times (a script compares {@code socket.ETH0} with an adapter number it was given, so the
 * numbers must match the firmware the board runs). Each era lists its adapters by name; the
 * firmware's build date says which era it is in.
 */
public enum ConstantsEra {
  /** Firmware built before 2025-01-12 (the numbering the wiki still documents). */
  E2024("2024", "2000-01-01", 10, "LWIP_GP", 1, "LWIP_STA", 2, "LWIP_AP", 3, "LWIP_ETH", 4, "ETH0", 5, "USB", 6),
  /** 2025-01-12 to 2025-02-19: LWIP_USER0..7 added. */
  E2025_01("2025-01", "2025-01-12", 18, "LWIP_GP", 1, "LWIP_STA", 2, "LWIP_AP", 3, "LWIP_ETH", 4,
      "LWIP_USER0", 5, "LWIP_USER1", 6, "LWIP_USER2", 7, "LWIP_USER3", 8, "LWIP_USER4", 9, "LWIP_USER5", 10,
      "LWIP_USER6", 11, "LWIP_USER7", 12, "ETH0", 13, "USB", 14),
  /** 2025-02-20 to 2025-07-27: LWIP_SPI and LWIP_UART added. */
  E2025_02("2025-02", "2025-02-20", 20, "LWIP_GP", 1, "LWIP_STA", 2, "LWIP_AP", 3, "LWIP_ETH", 4, "LWIP_SPI", 5,
      "LWIP_USER0", 7, "LWIP_USER1", 8, "LWIP_USER2", 9, "LWIP_USER3", 10, "LWIP_USER4", 11, "LWIP_USER5", 12,
      "LWIP_USER6", 13, "LWIP_USER7", 14, "ETH0", 15, "USB", 16),
  /** 2025-07-28 to 2026-06-29: LWIP_GP_GW added. */
  E2025_07("2025-07", "2025-07-28", 21, "LWIP_GP", 1, "LWIP_STA", 2, "LWIP_AP", 3, "LWIP_ETH", 4, "LWIP_SPI", 5,
      "LWIP_USER0", 7, "LWIP_USER1", 8, "LWIP_USER2", 9, "LWIP_USER3", 10, "LWIP_USER4", 11, "LWIP_USER5", 12,
      "LWIP_USER6", 13, "LWIP_USER7", 14, "LWIP_GP_GW", 15, "ETH0", 16, "USB", 17),
  /** Since 2026-06-30 (current): LWIP_USB added, socket.USB removed. */
  E2026_06("2026-06", "2026-06-30", 19, "LWIP_GP", 1, "LWIP_STA", 2, "LWIP_AP", 3, "LWIP_ETH", 4, "LWIP_SPI", 5,
      "LWIP_USER0", 7, "LWIP_USER1", 8, "LWIP_USER2", 9, "LWIP_USER3", 10, "LWIP_USER4", 11, "LWIP_USER5", 12,
      "LWIP_USER6", 13, "LWIP_USER7", 14, "LWIP_GP_GW", 15, "LWIP_USB", 16, "ETH0", 17);

  public static final ConstantsEra CURRENT = E2026_06;

  ConstantsEra(String id, String since, int adapterCount, Object... namesAndNumbers) {
    this.id = id;
    this.since = LocalDate.of(Integer.parseInt(since.substring(0, 4)), Integer.parseInt(since.substring(5, 7)),
        Integer.parseInt(since.substring(8))); // not LocalDate.parse: its formatter is slow to load at boot
    this.adapterCount = adapterCount;
    for (int i = 0; i < namesAndNumbers.length; i += 2) {
      numbers.put((String) namesAndNumbers[i], (Integer) namesAndNumbers[i + 1]);
    }
  }

  /** The era's name in profile files, such as {@code 2026-06}. */
  public String id() {
    return id;
  }

  /** NW_ADAPTER_QTY: adapter numbers are valid in 1 .. adapterCount-1. */
  public int adapterCount() {
    return adapterCount;
  }

  /** The adapter constants scripts see ({@code socket.LWIP_GP} ...), in numbering order. */
  public Map<String, Integer> adapterNumbers() {
    return java.util.Collections.unmodifiableMap(numbers);
  }

  public Optional<Integer> number(String adapterName) {
    return Optional.ofNullable(numbers.get(adapterName));
  }

  /** The first build day of this numbering. */
  public LocalDate since() {
    return since;
  }

  /** The numbering of firmware built on {@code day}. */
  public static ConstantsEra builtOn(LocalDate day) {
    ConstantsEra era = E2024;
    for (ConstantsEra e : values()) if (!day.isBefore(e.since)) era = e;
    return era;
  }

  public static Optional<ConstantsEra> byId(String id) {
    for (ConstantsEra e : values()) if (e.id.equals(id)) return Optional.of(e);
    return Optional.empty();
  }

  private final String id;
  private final LocalDate since;
  private final int adapterCount;
  private final Map<String, Integer> numbers = new LinkedHashMap<>();
}
