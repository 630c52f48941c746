package airemu.config;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.schema.FailsafeSchema;

/**
 * A YAML mapping that remembers where each value came from, so that every validation error names
 * the file, line and column. Reading a key marks it used; {@link #requireOnly} rejects unknown keys
 * with the list of allowed ones.
 */
public final class YamlMap {

  /** Reads a file the user pointed at; {@code what} names it in the error ("board profile file"). */
  public static String read(java.nio.file.Path file, String what) throws ConfigException {
    try {
      return java.nio.file.Files.readString(file, java.nio.charset.StandardCharsets.UTF_8);
    } catch (java.nio.file.NoSuchFileException e) {
      throw new ConfigException(file + ": no such " + what);
    } catch (java.io.IOException e) {
      throw new ConfigException(file + ": cannot read the " + what + ": " + e.getMessage());
    }
  }

  /** Where a value starts in its file; 1-based. */
  public record Position(int line, int column) {}

  /**
   * Parses {@code text} (the content of {@code file}) whose top level must be a mapping; {@code keys},
   * when given, are the keys it may have, named in the error when it is something else.
   */
  public static YamlMap parse(String file, String text, String... keys) throws ConfigException {
    Optional<Node> root;
    // The failsafe schema reads every scalar as text: the readers below convert and validate values
    // themselves, and the default schema compiles a dozen regular expressions on every start.
    try {
      root = new Compose(LoadSettings.builder().setLabel(file).setSchema(new FailsafeSchema()).build()).composeString(text);
    } catch (MarkedYamlEngineException e) {
      Mark m = e.getProblemMark().orElse(e.getContextMark().orElse(null));
      String what = e.getProblem() == null ? "invalid YAML" : e.getProblem();
      if (m == null) throw new ConfigException(file + ": " + what);
      throw ConfigException.at(file, m.getLine() + 1, m.getColumn() + 1, "invalid YAML: " + what);
    } catch (YamlEngineException e) {
      throw new ConfigException(file + ": invalid YAML: " + e.getMessage());
    }
    if (root.isEmpty()) throw new ConfigException(file + ": the file is empty");
    return of(file, root.get(), "the file", keys);
  }

  private static YamlMap of(String file, Node node, String what, String... keys) throws ConfigException {
    if (!(node instanceof MappingNode mapping)) {
      throw error(file, node, what + " must be a mapping of 'key: value' lines"
          + (keys.length > 0 ? " with the keys " + String.join(", ", keys) : ""));
    }
    YamlMap map = new YamlMap(file, node);
    for (NodeTuple t : mapping.getValue()) {
      if (!(t.getKeyNode() instanceof ScalarNode key)) throw error(file, t.getKeyNode(), "keys must be plain words");
      if (map.entries.put(key.getValue(), t) != null) {
        throw error(file, key, "duplicate key '" + key.getValue() + "'");
      }
    }
    return map;
  }

  private YamlMap(String file, Node node) {
    this.file = file;
    this.node = node;
  }

  public String file() {
    return file;
  }

  /** The 1-based line where this mapping starts. */
  public int line() {
    Optional<Mark> m = node.getStartMark();
    return m.isPresent() ? m.get().getLine() + 1 : 0;
  }

  /** Rejects keys that are not in {@code allowed}. */
  public void requireOnly(String... allowed) throws ConfigException {
    List<String> ok = Arrays.asList(allowed);
    for (Map.Entry<String, NodeTuple> e : entries.entrySet()) {
      if (!ok.contains(e.getKey())) {
        throw error(file, e.getValue().getKeyNode(), "unknown key '" + e.getKey() + "'; allowed: " + String.join(", ", allowed));
      }
    }
  }

  public boolean has(String key) {
    return entries.containsKey(key);
  }

  public String string(String key) throws ConfigException {
    Optional<String> v = optString(key);
    if (v.isEmpty()) throw missing(key);
    return v.get();
  }

  public Optional<String> optString(String key) throws ConfigException {
    NodeTuple t = entries.get(key);
    if (t == null) return Optional.empty();
    if (!(t.getValueNode() instanceof ScalarNode s)) throw error(file, t.getValueNode(), "'" + key + "' must be a single value");
    return Optional.of(s.getValue());
  }

  public long integer(String key, long def, long min, long max) throws ConfigException {
    Optional<String> v = optString(key);
    if (v.isEmpty()) return def;
    long n;
    try {
      n = Long.parseLong(v.get().trim());
    } catch (NumberFormatException e) {
      throw error(file, valueNode(key), "'" + key + "' must be a whole number, not '" + v.get() + "'");
    }
    if (n < min || n > max) throw error(file, valueNode(key), "'" + key + "' must be between " + min + " and " + max);
    return n;
  }

  public boolean bool(String key, boolean def) throws ConfigException {
    Optional<String> v = optString(key);
    if (v.isEmpty()) return def;
    return switch (v.get()) {
      case "true", "yes", "on" -> true;
      case "false", "no", "off" -> false;
      default -> throw error(file, valueNode(key), "'" + key + "' must be true or false, not '" + v.get() + "'");
    };
  }

  public long durationMillis(String key, long def) throws ConfigException {
    Optional<String> v = optString(key);
    if (v.isEmpty()) return def;
    try {
      return Durations.parseMillis(v.get());
    } catch (ConfigException e) {
      throw error(file, valueNode(key), "'" + key + "': " + e.getMessage());
    }
  }

  /** A value that must be one of {@code choices}. */
  public String choice(String key, String def, List<String> choices) throws ConfigException {
    Optional<String> v = optString(key);
    if (v.isEmpty()) {
      if (def == null) throw missing(key);
      return def;
    }
    if (!choices.contains(v.get())) {
      throw error(file, valueNode(key), "'" + key + "' is '" + v.get() + "'; allowed: " + String.join(", ", choices));
    }
    return v.get();
  }

  public YamlMap map(String key) throws ConfigException {
    NodeTuple t = entries.get(key);
    if (t == null) throw missing(key);
    return of(file, t.getValueNode(), "'" + key + "'");
  }

  public List<YamlMap> listOfMaps(String key) throws ConfigException {
    NodeTuple t = entries.get(key);
    if (t == null) throw missing(key);
    if (!(t.getValueNode() instanceof SequenceNode seq)) throw error(file, t.getValueNode(), "'" + key + "' must be a list ('- ' items)");
    List<YamlMap> items = new ArrayList<>();
    for (Node n : seq.getValue()) items.add(of(file, n, "each item of '" + key + "'"));
    return items;
  }

  /** Where the value of {@code key} starts, or this mapping when the key is absent. */
  public Position position(String key) {
    NodeTuple t = entries.get(key);
    Optional<Mark> m = (t == null ? node : t.getValueNode()).getStartMark();
    return m.map(mark -> new Position(mark.getLine() + 1, mark.getColumn() + 1)).orElse(new Position(line(), 1));
  }

  /** An error about the value of {@code key} (or about this mapping when the key is absent). */
  public ConfigException errorAt(String key, String message) {
    NodeTuple t = entries.get(key);
    return error(file, t == null ? node : t.getValueNode(), message);
  }

  private Node valueNode(String key) {
    return entries.get(key).getValueNode();
  }

  private ConfigException missing(String key) {
    return error(file, node, "missing key '" + key + "'");
  }

  private static ConfigException error(String file, Node at, String message) {
    Optional<Mark> m = at.getStartMark();
    if (m.isEmpty()) return new ConfigException(file + ": " + message);
    return ConfigException.at(file, m.get().getLine() + 1, m.get().getColumn() + 1, message);
  }

  private final String file;
  private final Node node;
  private final Map<String, NodeTuple> entries = new LinkedHashMap<>();
}
