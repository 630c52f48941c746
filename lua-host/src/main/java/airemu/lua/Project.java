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
import java.nio.file.FileVisitResult;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A LuatOS project as the module sees it: the flat, read-only {@code /luadb/} image LuaTools builds
 * from the project folder. Every file of the folder tree appears under its file name alone, as
 * LuaTools flattens sub-folders; the entry is {@code main.lua}, or the single file a user runs.
 */
public final class Project {
  /** Diagnostics only; looked up when needed so that a normal run never starts the logging system. */
  private static Logger log() {
    return LoggerFactory.getLogger(Project.class);
  }

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
    List<Path> all = new ArrayList<>();
    try {
      Files.walkFileTree(path, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
          return !dir.equals(path) && dir.getFileName().toString().startsWith(".") ? FileVisitResult.SKIP_SUBTREE
              : FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
          if (attrs.isRegularFile() && !file.getFileName().toString().startsWith(".")) all.add(file);
          return FileVisitResult.CONTINUE;
        }
      });
    } catch (IOException e) {
      throw new ConfigException(path + ": cannot read the project folder: " + e.getMessage());
    }
    // shallowest first, then by path: the file LuaTools would keep when two share a name
    all.sort(new Comparator<Path>() {
      @Override
      public int compare(Path a, Path b) {
        int byDepth = Integer.compare(a.getNameCount(), b.getNameCount());
        return byDepth != 0 ? byDepth : a.toString().compareTo(b.toString());
      }
    });
    Map<String, Path> files = new LinkedHashMap<>();
    for (Path p : all) {
      String name = p.getFileName().toString();
      Path previous = files.putIfAbsent(name, p.toAbsolutePath());
      if (previous != null) log().warn("{}: {} is shadowed by {} (LuaTools puts all project files in one flat /luadb/)", path, p, previous);
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

  private final Path root;
  private final Map<String, Path> files; // /luadb/ name -> host file
  private final String entry;
}
