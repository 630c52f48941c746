package airemu.config;

import airemu.boards.AdapterSpec;
import airemu.boards.BoardProfile;
import airemu.boards.ConstantsEra;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.CRC32;

/**
 * The built-in board profiles as the build compiled them: {@link #main} (run by {@code mvn package},
 * see config/pom.xml) parses and validates every built-in YAML file and writes the profiles into one
 * small binary resource. Reading that costs about a millisecond where starting the YAML parser and
 * validating a profile costs ~35 ms, a quarter of the start-up budget of a run.
 *
 * <p>Each entry carries the CRC-32 of the YAML text it was made from, so a profile edited since the
 * last build is read from its YAML again rather than from a stale entry.
 */
public final class CompiledBoards {
  static final String RESOURCE = "/airemu/config/builtin-boards.bin";
  private static final int MAGIC = 0x41454231; // "AEB1"

  private CompiledBoards() {}

  /** Build step: {@code CompiledBoards OUTPUT_FILE}. */
  public static void main(String[] args) throws Exception {
    Path out = Path.of(args[0]);
    Files.createDirectories(out.getParent());
    try (OutputStream o = Files.newOutputStream(out)) {
      o.write(compile());
    }
  }

  /** Every built-in profile, parsed from its YAML and written in the compiled form. */
  static byte[] compile() throws ConfigException, IOException {
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    List<String> ids = BoardProfiles.builtInIds();
    out.writeInt(MAGIC);
    out.writeInt(ids.size());
    for (String id : ids) {
      String yaml = BoardProfiles.builtInYaml(id);
      out.writeUTF(id);
      out.writeInt(crc(yaml));
      write(out, BoardProfiles.parse(BoardProfiles.builtInSource(id), id, yaml));
    }
    out.flush();
    return bytes.toByteArray();
  }

  /** The compiled profile {@code id} if it was made from exactly {@code yaml}, else empty. */
  static Optional<BoardProfile> find(String id, String yaml) {
    Entry e = entries().get(id);
    return e != null && e.crc == crc(yaml) ? Optional.of(e.profile) : Optional.empty();
  }

  /** Whether the build compiled a built-in profile {@code id} (spares reading the board index). */
  static boolean knows(String id) {
    return entries().containsKey(id);
  }

  private record Entry(int crc, BoardProfile profile) {}

  private static Map<String, Entry> entries() {
    Map<String, Entry> e = entries;
    if (e == null) entries = e = read();
    return e;
  }

  /** The compiled resource, or nothing when it is missing or unreadable (the YAML is read instead). */
  private static Map<String, Entry> read() {
    Map<String, Entry> map = new HashMap<>();
    try (InputStream raw = CompiledBoards.class.getResourceAsStream(RESOURCE)) {
      if (raw == null) return map;
      DataInputStream in = new DataInputStream(new ByteArrayInputStream(raw.readAllBytes()));
      if (in.readInt() != MAGIC) return map;
      for (int n = in.readInt(); n > 0; n--) {
        String id = in.readUTF();
        int crc = in.readInt();
        map.put(id, new Entry(crc, readProfile(in, id)));
      }
    } catch (IOException | RuntimeException e) {
      map.clear(); // a damaged resource: every profile comes from its YAML
    }
    return map;
  }

  private static void write(DataOutputStream out, BoardProfile b) throws IOException {
    out.writeUTF(b.model());
    out.writeUTF(b.chip());
    out.writeUTF(b.bsp());
    BoardProfile.Firmware f = b.firmware();
    for (String s : List.of(f.bannerModel(), f.base(), f.bspVersion(), f.vm(), f.build())) out.writeUTF(s);
    BoardProfile.Memory m = b.memory();
    for (long v : new long[] {m.lua(), m.sys(), m.sysUsed(), m.psram()}) out.writeLong(v);
    out.writeInt(b.adapters().size());
    for (AdapterSpec a : b.adapters()) {
      out.writeUTF(a.name());
      out.writeUTF(a.kind().id());
      out.writeInt(a.sockets());
      out.writeBoolean(a.ipv6());
      out.writeBoolean(a.atBoot());
    }
    optional(out, b.defaultAdapter().orElse(null));
    out.writeUTF(b.era().id());
    out.writeLong(b.rebootDelayMillis());
    out.writeInt(b.uniqueIdBytes());
    out.writeUTF(b.wifi().support().id());
    out.writeInt(b.wifi().accessPoints().size());
    for (BoardProfile.AccessPoint ap : b.wifi().accessPoints()) {
      out.writeUTF(ap.ssid());
      out.writeUTF(ap.password());
      out.writeInt(ap.rssi());
      out.writeInt(ap.channel());
      optional(out, ap.bssid());
    }
    out.writeUTF(b.source());
  }

  private static BoardProfile readProfile(DataInputStream in, String id) throws IOException {
    String model = in.readUTF(), chip = in.readUTF(), bsp = in.readUTF();
    BoardProfile.Firmware firmware = new BoardProfile.Firmware(in.readUTF(), in.readUTF(), in.readUTF(), in.readUTF(), in.readUTF());
    BoardProfile.Memory memory = new BoardProfile.Memory(in.readLong(), in.readLong(), in.readLong(), in.readLong());
    List<AdapterSpec> adapters = new ArrayList<>();
    for (int n = in.readInt(); n > 0; n--) {
      adapters.add(new AdapterSpec(in.readUTF(), kind(in.readUTF()), in.readInt(), in.readBoolean(), in.readBoolean()));
    }
    Optional<String> defaultAdapter = Optional.ofNullable(optional(in));
    ConstantsEra era = ConstantsEra.byId(in.readUTF()).orElseThrow();
    long rebootDelay = in.readLong();
    int uniqueIdBytes = in.readInt();
    BoardProfile.Wifi.Support support = support(in.readUTF());
    List<BoardProfile.AccessPoint> aps = new ArrayList<>();
    for (int n = in.readInt(); n > 0; n--) {
      aps.add(new BoardProfile.AccessPoint(in.readUTF(), in.readUTF(), in.readInt(), in.readInt(), optional(in)));
    }
    return new BoardProfile(id, model, chip, bsp, firmware, memory, adapters, defaultAdapter, era, rebootDelay, uniqueIdBytes,
        new BoardProfile.Wifi(support, aps), in.readUTF());
  }

  private static void optional(DataOutputStream out, String s) throws IOException {
    out.writeBoolean(s != null);
    if (s != null) out.writeUTF(s);
  }

  private static String optional(DataInputStream in) throws IOException {
    return in.readBoolean() ? in.readUTF() : null;
  }

  private static AdapterSpec.Kind kind(String id) throws IOException {
    for (AdapterSpec.Kind k : AdapterSpec.Kind.values()) if (k.id().equals(id)) return k;
    throw new IOException("unknown adapter kind " + id);
  }

  private static BoardProfile.Wifi.Support support(String id) throws IOException {
    for (BoardProfile.Wifi.Support s : BoardProfile.Wifi.Support.values()) if (s.id().equals(id)) return s;
    throw new IOException("unknown wifi support " + id);
  }

  private static int crc(String text) {
    CRC32 crc = new CRC32();
    crc.update(text.getBytes(StandardCharsets.UTF_8));
    return (int) crc.getValue();
  }

  private static volatile Map<String, Entry> entries; // read once, on first use
}
