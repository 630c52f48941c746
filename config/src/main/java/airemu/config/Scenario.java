package airemu.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A scenario: a timeline of network faults and actions applied to a running device, read from a
 * YAML file. Random choices (jitter, loss) are drawn from {@code seed}, so a run is reproducible.
 *
 * <pre>
 * seed: 42
 * timeline:
 *   - at: 10s
 *     do: link-down
 *     adapter: LWIP_GP
 *     for: 5s            # then undone (link-up)
 *   - at: 30s
 *     do: latency
 *     adapter: LWIP_GP
 *     delay: 300ms
 *     jitter: 50ms
 *     for: 20s
 *   - at: 1m
 *     do: flap           # down for 'down', then up, every 'every', 'repeat' times
 *     adapter: LWIP_STA
 *     down: 2s
 *     every: 10s
 *     repeat: 20
 * </pre>
 */
public record Scenario(String file, long seed, List<Step> timeline) {

  public Scenario {
    timeline = List.copyOf(timeline);
  }

  /**
   * An error about the value of {@code key} in {@code step}, found after parsing (an adapter the board
   * lacks): {@code file:line:column: message}, at the key's value or, without it, at the step.
   */
  public ConfigException errorAt(Step step, String key, String message) {
    YamlMap.Position p = step.positions().getOrDefault(key, new YamlMap.Position(step.line(), 1));
    return ConfigException.at(file, p.line(), p.column(), message);
  }

  /** What a step does; {@code keys} are the parameters it accepts besides the common ones. */
  public enum Action {
    LINK_DOWN("link-down", true, true),
    LINK_UP("link-up", true, false),
    IP_LOSE("ip-lose", true, true),
    IP_READY("ip-ready", true, false),
    IP_CHANGE("ip-change", true, false, "ip"),
    FLAP("flap", true, false, "down"),
    DNS("dns", true, true, "mode"),
    UNREACHABLE("unreachable", true, true, "host"),
    RESET("reset", true, false),
    LATENCY("latency", true, true, "delay", "jitter"),
    LOSS("loss", true, true, "percent"),
    BANDWIDTH("bandwidth", true, true, "kbps"),
    BLACKHOLE("blackhole", true, true),
    CLEAR("clear", true, false),
    REBOOT("reboot", false, false);

    Action(String id, boolean needsAdapter, boolean undoable, String... keys) {
      this.id = id;
      this.needsAdapter = needsAdapter;
      this.undoable = undoable;
      this.keys = List.of(keys);
    }

    public String id() {
      return id;
    }

    /** Whether {@code for: DURATION} can undo it afterwards. */
    public boolean undoable() {
      return undoable;
    }

    static Optional<Action> byId(String id) {
      for (Action a : values()) if (a.id.equals(id)) return Optional.of(a);
      return Optional.empty();
    }

    private final String id;
    private final boolean needsAdapter;
    private final boolean undoable;
    private final List<String> keys;
  }

  /**
   * One entry of the timeline. Times are milliseconds from boot; {@code forMillis} 0 means the
   * effect stays; with {@code repeat} n > 1 the step happens n times, {@code everyMillis} apart.
   * Parameters are kept as written, already validated: {@code delay}, {@code jitter}, {@code down}
   * are durations in ms, {@code percent} 0..100, {@code kbps} > 0, {@code mode} fail|timeout,
   * {@code host} and {@code ip} text. {@code positions} says where the value of each key the action
   * allows starts, or for a key not written, where the step starts.
   */
  public record Step(int line, long atMillis, Action action, String adapter, long forMillis, long everyMillis, int repeat,
      Map<String, Object> params, Map<String, YamlMap.Position> positions) {
    public Step {
      params = Map.copyOf(params);
      positions = Map.copyOf(positions);
    }

    public long millis(String key, long def) {
      Object v = params.get(key);
      return v == null ? def : ((Number) v).longValue();
    }

    public String text(String key, String def) {
      Object v = params.get(key);
      return v == null ? def : v.toString();
    }
  }

  public static Scenario load(Path file) throws ConfigException {
    return parse(file.toString(), YamlMap.read(file, "scenario file"));
  }

  private static final String[] COMMON = {"at", "do", "adapter", "for", "every", "repeat"};
  private static final String[] TOP = {"seed", "timeline"};

  public static Scenario parse(String file, String text) throws ConfigException {
    YamlMap root = YamlMap.parse(file, text, TOP);
    root.requireOnly(TOP);
    long seed = root.integer("seed", 0, Long.MIN_VALUE, Long.MAX_VALUE);
    List<Step> steps = new ArrayList<>();
    List<String> actions = new ArrayList<>();
    for (Action a : Action.values()) actions.add(a.id);
    for (YamlMap s : root.listOfMaps("timeline")) {
      if (!s.has("do")) {
        s.requireOnly(everyKey()); // a misspelt key, 'do' among them, is named as it is written
        throw s.errorAt("do", "missing key 'do' (what the step does); allowed: " + String.join(", ", actions));
      }
      String id = s.choice("do", null, actions);
      Action action = Action.byId(id).orElseThrow();
      List<String> allowed = new ArrayList<>(Arrays.asList(COMMON));
      allowed.addAll(action.keys);
      s.requireOnly(allowed.toArray(String[]::new));
      long at = s.durationMillis("at", -1);
      if (at < 0) throw s.errorAt("at", "missing key 'at' (when the step happens, e.g. 'at: 10s')");
      String adapter = s.optString("adapter").orElse(null);
      if (action.needsAdapter && adapter == null) {
        throw s.errorAt("do", "'" + id + "' needs 'adapter' (e.g. 'adapter: LWIP_GP')");
      }
      long forMillis = s.durationMillis("for", 0);
      if (forMillis > 0 && !action.undoable) throw s.errorAt("for", "'" + id + "' cannot be undone, so 'for' does not apply");
      int repeat = (int) s.integer("repeat", 1, 1, 1_000_000);
      long every = s.durationMillis("every", 0);
      if (s.has("every") && every <= 0) throw s.errorAt("every", "'every' must be longer than 0 (e.g. 'every: 10s')");
      if (s.has("every") && !s.has("repeat")) {
        throw s.errorAt("every", "'every' needs 'repeat' (how many times in all, e.g. 'repeat: 20')");
      }
      if (repeat > 1 && every <= 0) throw s.errorAt("repeat", "'repeat' needs 'every' (e.g. 'every: 10s')");
      if (repeat > 1 && forMillis >= every) throw overlap(s, "for", forMillis, every);
      Map<String, Object> params = new LinkedHashMap<>();
      switch (action) {
        case LATENCY -> {
          long delay = s.durationMillis("delay", -1);
          if (delay < 0) throw s.errorAt("do", "'latency' needs 'delay' (e.g. 'delay: 300ms')");
          long jitter = s.durationMillis("jitter", 0);
          if (jitter > delay) {
            throw s.errorAt("jitter", "'jitter' (" + jitter + "ms) must not be larger than 'delay' (" + delay
                + "ms): a packet cannot arrive before it was sent");
          }
          params.put("delay", delay);
          params.put("jitter", jitter);
        }
        case FLAP -> {
          long down = s.durationMillis("down", -1);
          if (down <= 0) throw s.errorAt("do", "'flap' needs 'down' (how long the link stays down, e.g. 'down: 2s')");
          if (repeat > 1 && down >= every) throw overlap(s, "down", down, every);
          params.put("down", down);
        }
        case LOSS -> params.put("percent", s.integer("percent", -1, 0, 100));
        case BANDWIDTH -> params.put("kbps", s.integer("kbps", -1, 1, Integer.MAX_VALUE));
        case DNS -> params.put("mode", s.choice("mode", "fail", List.of("fail", "timeout")));
        case UNREACHABLE -> {
          String host = s.optString("host").orElse(null);
          if (host == null) throw s.errorAt("do", "'unreachable' needs 'host' (a name, an IP or '*', e.g. 'host: example.com')");
          params.put("host", host);
        }
        case IP_CHANGE -> s.optString("ip").ifPresent(ip -> params.put("ip", ip));
        default -> { }
      }
      if (action == Action.LOSS && (long) params.get("percent") < 0) {
        throw s.errorAt("do", "'loss' needs 'percent' (the share of UDP datagrams lost, 0 to 100, e.g. 'percent: 20')");
      }
      if (action == Action.BANDWIDTH && (long) params.get("kbps") < 0) {
        throw s.errorAt("do", "'bandwidth' needs 'kbps' (e.g. 'kbps: 64')");
      }
      Map<String, YamlMap.Position> positions = new LinkedHashMap<>();
      for (String key : allowed) positions.put(key, s.position(key));
      steps.add(new Step(s.line(), at, action, adapter, forMillis, every, repeat, params, positions));
    }
    steps.sort((a, b) -> Long.compare(a.atMillis(), b.atMillis()));
    return new Scenario(file, seed, steps);
  }

  /**
   * A repeated step whose effect lasts ({@code key}: {@code for}, or a flap's {@code down}) as long as
   * its period or longer: the next repeat would begin before this one is undone, and the undo would
   * end the next one early.
   */
  private static ConfigException overlap(YamlMap s, String key, long lasts, long every) {
    return s.errorAt(key, "'" + key + "' (" + lasts + "ms) must be shorter than 'every' (" + every + "ms): the next repeat "
        + "would begin before this one is undone; shorten '" + key + "' or lengthen 'every'");
  }

  /** The keys some step may have: the common ones, then each action's own. */
  private static String[] everyKey() {
    List<String> keys = new ArrayList<>(Arrays.asList(COMMON));
    for (Action a : Action.values()) for (String k : a.keys) if (!keys.contains(k)) keys.add(k);
    return keys.toArray(String[]::new);
  }
}
