package airemu.config;

import airemu.boards.AdapterSpec;
import airemu.boards.BoardProfile;
import airemu.boards.ConstantsEra;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Finds and reads board profiles: the built-in ones by name ({@code air780epm}, case does not matter)
 * or a user's profile file by path. Profile files are validated key by key.
 *
 * <pre>{@code
 * BoardProfile board = BoardProfiles.find("air8101");          // built-in
 * BoardProfile mine = BoardProfiles.find("boards/my-780.yaml"); // a file of the same shape
 * }</pre>
 */
public final class BoardProfiles {
  public static final String DEFAULT = "air780epm";
  /** The sockets of an adapter with its own TCP/IP stack when its profile gives none: a W5500 has 8. */
  private static final int OWN_STACK_SOCKETS = 8;
  private static final String RESOURCES = "/airemu/boards/";

  /**
   * The access points a board sees when its profile lists none: the LuatOS PC simulator's scan list
   * ({@code bsp/pc/port/driver/luat_wlan_pc.c}), whose first network is the one every LuatOS Wi-Fi
   * demo joins ({@code wlan.connect("luatos1234", "12341234")}). The others have passwords no demo
   * knows, so joining them fails as a wrong password does.
   */
  public static final List<BoardProfile.AccessPoint> DEFAULT_ACCESS_POINTS = List.of(
      new BoardProfile.AccessPoint("luatos1234", "12341234", -35, 6, "AABBCCDDEE01"),
      new BoardProfile.AccessPoint("ChinaNet-XXXX", "chinanet-8816", -55, 1, "AABBCCDDEE02"),
      new BoardProfile.AccessPoint("TP-LINK_5G_ABC", "tplink-5g-abc", -60, 36, "AABBCCDDEE03"),
      new BoardProfile.AccessPoint("Xiaomi_Router", "xiaomi-router", -70, 11, "AABBCCDDEE04"),
      new BoardProfile.AccessPoint("CMCC-FREE", "cmcc-free-2.4g", -80, 6, "AABBCCDDEE05"));

  private BoardProfiles() {}

  /** The built-in profile ids, in catalogue order. */
  public static List<String> builtInIds() {
    try (InputStream in = resource("index.txt")) {
      List<String> ids = new ArrayList<>();
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        if (!line.isBlank()) ids.add(line.trim());
      }
      return ids;
    } catch (IOException e) {
      throw new IllegalStateException("built-in board index missing", e);
    }
  }

  public static List<BoardProfile> builtIn() throws ConfigException {
    List<BoardProfile> all = new ArrayList<>();
    for (String id : builtInIds()) all.add(builtIn(id));
    return all;
  }

  /** A built-in profile by name, or a profile file when {@code nameOrPath} looks like a path. */
  public static BoardProfile find(String nameOrPath) throws ConfigException {
    if (looksLikePath(nameOrPath)) return load(Path.of(nameOrPath));
    String id = nameOrPath.toLowerCase(Locale.ROOT);
    if (!CompiledBoards.knows(id) && !builtInIds().contains(id)) {
      throw new ConfigException("unknown board '" + nameOrPath + "'; known boards: " + String.join(", ", builtInIds())
          + " (or give the path of a profile file)");
    }
    return builtIn(id);
  }

  public static BoardProfile load(Path file) throws ConfigException {
    String text = YamlMap.read(file, "board profile file");
    String name = file.getFileName().toString();
    String id = name.replaceFirst("\\.ya?ml$", "").toLowerCase(Locale.ROOT);
    return parse(file.toString(), id, text);
  }

  /** Reads a profile from YAML text; {@code file} names it in errors. */
  public static BoardProfile parse(String file, String id, String text) throws ConfigException {
    YamlMap root = YamlMap.parse(file, text);
    root.requireOnly("model", "chip", "bsp", "firmware", "memory", "unique-id-bytes", "reboot-delay", "constants",
        "lwip", "adapters", "default-adapter", "wifi");
    String model = root.string("model");
    String chip = root.string("chip");
    String bsp = root.optString("bsp").orElse(chip);

    YamlMap fw = root.map("firmware");
    fw.requireOnly("banner-model", "base", "bsp", "vm", "build");
    String vm = fw.choice("vm", "64bit", List.of("64bit"));
    String build = fw.string("build");
    if (BoardProfile.Firmware.builtOn(build).isEmpty()) {
      throw fw.errorAt("build", "build '" + build + "' is not a ROM build stamp; write it as the boot log's "
          + "'ROM Build:' line has it, such as \"Sep  3 2024 15:55:27\" (the date decides which functions the firmware has)");
    }
    BoardProfile.Firmware firmware = new BoardProfile.Firmware(fw.optString("banner-model").orElse(model),
        fw.string("base"), fw.string("bsp"), vm, build);

    YamlMap mem = root.map("memory");
    mem.requireOnly("lua", "sys", "sys-used", "psram");
    long max = 1L << 40;
    BoardProfile.Memory memory = new BoardProfile.Memory(mem.integer("lua", 0, 1024, max), mem.integer("sys", 0, 1024, max),
        mem.integer("sys-used", 0, 0, max), mem.integer("psram", 0, 0, max));
    if (!mem.has("lua")) throw mem.errorAt("lua", "missing key 'lua' (the Lua heap size in bytes)");
    if (!mem.has("sys")) throw mem.errorAt("sys", "missing key 'sys' (the system heap size in bytes)");

    List<String> eras = new ArrayList<>();
    for (ConstantsEra e : ConstantsEra.values()) eras.add(e.id());
    // the build date decides the numbering; 'constants' overrides it for a firmware branch that did not follow it
    ConstantsEra byDate = ConstantsEra.builtOn(firmware.builtOn());
    ConstantsEra era = ConstantsEra.byId(root.choice("constants", byDate.id(), eras)).orElseThrow();

    List<String> kinds = new ArrayList<>();
    for (AdapterSpec.Kind k : AdapterSpec.Kind.values()) kinds.add(k.id());
    List<AdapterSpec> adapters = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (YamlMap a : root.listOfMaps("adapters")) {
      a.requireOnly("name", "kind", "sockets", "ipv6", "at-boot");
      String name = a.string("name");
      if (era.number(name).isEmpty()) {
        throw a.errorAt("name", "unknown adapter '" + name + "' in constants era " + era.id() + "; allowed: "
            + String.join(", ", era.adapterNumbers().keySet()));
      }
      if (!names.add(name)) throw a.errorAt("name", "adapter '" + name + "' is listed twice");
      String kindId = a.choice("kind", null, kinds);
      AdapterSpec.Kind kind = AdapterSpec.Kind.values()[kinds.indexOf(kindId)];
      if (!kind.ownStack() && a.has("sockets")) {
        throw a.errorAt("sockets", "adapter '" + name + "' (kind " + kindId + ") takes its sockets from the lwIP table all "
            + "lwIP adapters share: remove 'sockets' here and set 'lwip: sockets:' for the board; only an adapter with its "
            + "own TCP/IP stack (kind w5500) has its own");
      }
      int own = kind.ownStack() ? (int) a.integer("sockets", OWN_STACK_SOCKETS, 1, 64) : 0;
      adapters.add(new AdapterSpec(name, kind, own, a.bool("ipv6", false), a.bool("at-boot", true)));
    }
    Optional<String> dft = root.optString("default-adapter");
    if (dft.isPresent() && !names.contains(dft.get())) {
      throw root.errorAt("default-adapter", "default-adapter '" + dft.get() + "' is not one of this board's adapters: "
          + String.join(", ", names));
    }
    BoardProfile.Wifi wifi = wifi(root, adapters);
    return new BoardProfile(id, model, chip, bsp, firmware, memory, adapters, lwip(root), dft, era,
        root.durationMillis("reboot-delay", 15000), (int) root.integer("unique-id-bytes", 16, 1, 32), wifi, file);
  }

  /**
   * {@code lwip: {sockets: N, rx-cache: N}}: the ctrl table the lwIP adapters share
   * ({@code LWIP_NUM_SOCKETS}) and the default of {@code socket.rx_cache}; see {@link BoardProfile.Lwip}.
   */
  private static BoardProfile.Lwip lwip(YamlMap root) throws ConfigException {
    BoardProfile.Lwip dft = BoardProfile.Lwip.DEFAULT;
    if (!root.has("lwip")) return dft;
    YamlMap l = root.map("lwip");
    l.requireOnly("sockets", "rx-cache");
    return new BoardProfile.Lwip((int) l.integer("sockets", dft.sockets(), 1, 64), (int) l.integer("rx-cache", dft.rxCache(), 6, 48));
  }

  /**
   * {@code wifi: {support: full|scan|none, access-points: [...]}}: support defaults to full when the
   * board has a wifi-sta adapter (which full support needs), else none; the access points default to
   * {@link #DEFAULT_ACCESS_POINTS}.
   */
  private static BoardProfile.Wifi wifi(YamlMap root, List<AdapterSpec> adapters) throws ConfigException {
    boolean station = adapters.stream().anyMatch(a -> a.kind() == AdapterSpec.Kind.WIFI_STA);
    BoardProfile.Wifi.Support dft = station ? BoardProfile.Wifi.Support.FULL : BoardProfile.Wifi.Support.NONE;
    if (!root.has("wifi")) return new BoardProfile.Wifi(dft, DEFAULT_ACCESS_POINTS);
    YamlMap w = root.map("wifi");
    w.requireOnly("support", "access-points");
    List<String> supports = new ArrayList<>();
    for (BoardProfile.Wifi.Support s : BoardProfile.Wifi.Support.values()) supports.add(s.id());
    BoardProfile.Wifi.Support support = BoardProfile.Wifi.Support.values()[supports.indexOf(w.choice("support", dft.id(), supports))];
    if (support == BoardProfile.Wifi.Support.FULL && !station) {
      throw w.errorAt("support", "wifi support 'full' needs an adapter of kind wifi-sta; use 'scan' or add the adapter");
    }
    if (!w.has("access-points")) return new BoardProfile.Wifi(support, DEFAULT_ACCESS_POINTS);
    List<BoardProfile.AccessPoint> aps = new ArrayList<>();
    Set<String> ssids = new HashSet<>();
    for (YamlMap a : w.listOfMaps("access-points")) {
      a.requireOnly("ssid", "password", "rssi", "channel", "bssid");
      String ssid = a.string("ssid");
      if (ssid.isEmpty() || ssid.getBytes(StandardCharsets.UTF_8).length > 32) {
        throw a.errorAt("ssid", "an SSID has 1 to 32 bytes: '" + ssid + "'");
      }
      if (!ssids.add(ssid)) throw a.errorAt("ssid", "access point '" + ssid + "' is listed twice");
      String password = a.optString("password").orElse("");
      if (password.getBytes(StandardCharsets.UTF_8).length > 63) throw a.errorAt("password", "a Wi-Fi password has at most 63 bytes");
      String bssid = a.optString("bssid").orElse(null);
      if (bssid != null && !bssid.matches("[0-9A-Fa-f]{12}")) {
        throw a.errorAt("bssid", "a BSSID is 12 hex digits, such as 'AABBCCDDEE01', not '" + bssid + "'");
      }
      aps.add(new BoardProfile.AccessPoint(ssid, password, (int) a.integer("rssi", -50, -120, 0),
          (int) a.integer("channel", 6, 1, 196), bssid == null ? null : bssid.toUpperCase(Locale.ROOT)));
    }
    return new BoardProfile.Wifi(support, aps);
  }

  /** A built-in profile: as the build compiled it ({@link CompiledBoards}), else from its YAML. */
  private static BoardProfile builtIn(String id) throws ConfigException {
    Optional<BoardProfile> compiled = CompiledBoards.find(id);
    return compiled.isPresent() ? compiled.get() : parse(builtInSource(id), id, builtInYaml(id));
  }

  static String builtInYaml(String id) {
    try (InputStream in = resource(id + ".yaml")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("built-in board " + id + " unreadable", e);
    }
  }

  /** How a built-in profile names its file in errors and in {@link BoardProfile#source()}. */
  static String builtInSource(String id) {
    return "builtin:" + id + ".yaml";
  }

  private static InputStream resource(String name) throws IOException {
    InputStream in = BoardProfile.class.getResourceAsStream(RESOURCES + name);
    if (in == null) throw new IOException("missing resource " + RESOURCES + name);
    return in;
  }

  private static boolean looksLikePath(String s) {
    return s.contains("/") || s.contains("\\") || s.endsWith(".yaml") || s.endsWith(".yml");
  }
}
