package airemu.lua;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The module's file system: {@code /luadb/} is the project (read-only) and everything else is the
 * device's own storage, a host folder that survives reboots of the device (created on the first
 * write). Paths never leave those two places; a path that would is "not found".
 */
final class FileSystem {
  static final String LUADB = "/luadb/";
  static final int ENOENT = 2, EACCES = 13, EROFS = 30;

  FileSystem(Project project, Path storage) {
    this.project = project;
    this.storage = storage.toAbsolutePath().normalize();
  }

  /** A resolved path: the host file, or why it cannot be used (an errno). */
  record Resolved(Path host, int errno) {
    boolean ok() {
      return host != null;
    }
  }

  Resolved resolve(String path, boolean forWrite) {
    if (forWrite) ensureStorage();
    if (path.startsWith(LUADB)) {
      if (forWrite) return new Resolved(null, EROFS);
      Optional<Path> p = project.file(path.substring(LUADB.length()));
      return p.map(h -> new Resolved(h, 0)).orElse(new Resolved(null, ENOENT));
    }
    String rel = path.startsWith("/") ? path.substring(1) : path;
    Path host = storage.resolve(rel).normalize();
    if (!host.startsWith(storage)) return new Resolved(null, ENOENT);
    return new Resolved(host, 0);
  }

  /** The content of a Lua source file, or null when there is none. */
  byte[] read(String path) {
    Resolved r = resolve(path, false);
    if (!r.ok() || !Files.isRegularFile(r.host())) return null;
    try {
      return Files.readAllBytes(r.host());
    } catch (IOException e) {
      return null;
    }
  }

  /** One entry of a folder listing: its name and the host file behind it. */
  record Entry(String name, Path host) {
    boolean isDirectory() {
      return Files.isDirectory(host);
    }
  }

  /**
   * What {@code luat_fs_lsdir} lists at {@code path}: the project's files under {@code /luadb/}, the
   * storage folder's entries (sorted by name) elsewhere; nothing for a missing folder.
   */
  List<Entry> list(String path) {
    List<Entry> entries = new ArrayList<>();
    if (isLuadb(path)) {
      project.files().forEach((name, host) -> entries.add(new Entry(name, host)));
      return entries;
    }
    Resolved r = resolve(path, false);
    if (!r.ok() || !Files.isDirectory(r.host())) return entries;
    try (Stream<Path> s = Files.list(r.host())) {
      s.sorted().forEach(p -> entries.add(new Entry(p.getFileName().toString(), p)));
    } catch (IOException e) {
      entries.clear();
    }
    return entries;
  }

  /** The storage folder is made when first written to: most scripts never touch the file system. */
  private void ensureStorage() {
    if (storageReady) return;
    try {
      Files.createDirectories(storage);
      storageReady = true;
    } catch (IOException e) {
      // resolving still works; the write itself then fails with the module's error values
    }
  }

  boolean isLuadb(String path) {
    return path.startsWith(LUADB);
  }

  Project project() {
    return project;
  }

  Path storage() {
    return storage;
  }

  private final Project project;
  private final Path storage;
  private boolean storageReady;
}
