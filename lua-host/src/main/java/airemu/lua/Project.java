package airemu.lua;

import airemu.config.ConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A LuatOS project as the module sees it: the flat, read-only {@code /luadb/} image LuaTools builds
 * from the project folder. Every file of the folder tree appears under its file name alone, as
 * LuaTools flattens sub-folders; the entry is {@code main.lua}, or the single file a user runs.
 */
public final class Project {
  private static final Logger log = LoggerFactory.getLogger(Project.class);

  /** Opens a project folder containing {@code main.lua}, or a single script file. */
  public static Project open(Path path) throws ConfigException {
    if (Files.isRegularFile(path)) {
      String name = path.getFileName().toString();
      Map<String, Path> files = new LinkedHashMap<>();
      files.put(name, path.toAbsolutePath());
      return new Project(path.toAbsolutePath().getParent(), files, name);
    }
    if (!Files.isDirectory(path)) {
      throw new ConfigException(path + ": no such project folder or script file; give a folder with main.lua or a .lua file");
    }
    Map<String, Path> files = new LinkedHashMap<>();
    try (Stream<Path> walk = Files.walk(path)) {
      List<Path> all = walk.filter(Files::isRegularFile)
          .filter(p -> !hidden(path.relativize(p)))
          .sorted(Comparator.comparingInt((Path p) -> p.getNameCount()).thenComparing(Path::toString))
          .toList();
      for (Path p : all) {
        String name = p.getFileName().toString();
        Path previous = files.putIfAbsent(name, p.toAbsolutePath());
        if (previous != null) log.warn("{}: {} is shadowed by {} (LuaTools puts all project files in one flat /luadb/)", path, p, previous);
      }
    } catch (IOException e) {
      throw new ConfigException(path + ": cannot read the project folder: " + e.getMessage());
    }
    if (!files.containsKey("main.lua")) {
      throw new ConfigException(path + ": the project has no main.lua; a LuatOS project starts from main.lua");
    }
    return new Project(path.toAbsolutePath(), files, "main.lua");
  }

  private Project(Path root, Map<String, Path> files, String entry) {
    this.root = root;
    this.files = files;
    this.entry = entry;
  }

  /** The host file behind {@code /luadb/<name>}. */
  public Optional<Path> file(String name) {
    Path p = files.get(name);
    if (p == null && name.equals("main.lua")) p = files.get(entry); // a single script runs as main
    return Optional.ofNullable(p);
  }

  /** The script the firmware runs first. */
  public String entry() {
    return entry;
  }

  public Path root() {
    return root;
  }

  public Map<String, Path> files() {
    return java.util.Collections.unmodifiableMap(files);
  }

  private static boolean hidden(Path relative) {
    for (Path part : relative) if (part.toString().startsWith(".")) return true;
    return false;
  }

  private final Path root;
  private final Map<String, Path> files; // /luadb/ name -> host file
  private final String entry;
}
