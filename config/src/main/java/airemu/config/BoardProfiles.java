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
  private static final String RESOURCES = "/airemu/boards/";

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
    if (!builtInIds().contains(id)) {
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
        "adapters", "default-adapter");
    String model = root.string("model");
    String chip = root.string("chip");
    String bsp = root.optString("bsp").orElse(chip);

    YamlMap fw = root.map("firmware");
    fw.requireOnly("banner-model", "base", "bsp", "vm", "build");
    String vm = fw.choice("vm", "64bit", List.of("64bit"));
    BoardProfile.Firmware firmware = new BoardProfile.Firmware(fw.optString("banner-model").orElse(model),
        fw.string("base"), fw.string("bsp"), vm, fw.string("build"));

    YamlMap mem = root.map("memory");
    mem.requireOnly("lua", "sys", "sys-used", "psram");
    long max = 1L << 40;
    BoardProfile.Memory memory = new BoardProfile.Memory(mem.integer("lua", 0, 1024, max), mem.integer("sys", 0, 1024, max),
        mem.integer("sys-used", 0, 0, max), mem.integer("psram", 0, 0, max));
    if (!mem.has("lua")) throw mem.errorAt("lua", "missing key 'lua' (the Lua heap size in bytes)");
    if (!mem.has("sys")) throw mem.errorAt("sys", "missing key 'sys' (the system heap size in bytes)");

    List<String> eras = new ArrayList<>();
    for (ConstantsEra e : ConstantsEra.values()) eras.add(e.id());
    ConstantsEra era = ConstantsEra.byId(root.choice("constants", ConstantsEra.CURRENT.id(), eras)).orElseThrow();

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
      adapters.add(new AdapterSpec(name, kind, (int) a.integer("sockets", 8, 1, 64), a.bool("ipv6", false),
          a.bool("at-boot", true)));
    }
    Optional<String> dft = root.optString("default-adapter");
    if (dft.isPresent() && !names.contains(dft.get())) {
      throw root.errorAt("default-adapter", "default-adapter '" + dft.get() + "' is not one of this board's adapters: "
          + String.join(", ", names));
    }
    return new BoardProfile(id, model, chip, bsp, firmware, memory, adapters, dft, era,
        root.durationMillis("reboot-delay", 15000), (int) root.integer("unique-id-bytes", 16, 1, 32), file);
  }

  private static BoardProfile builtIn(String id) throws ConfigException {
    try (InputStream in = resource(id + ".yaml")) {
      return parse("builtin:" + id + ".yaml", id, new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new IllegalStateException("built-in board " + id + " unreadable", e);
    }
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
