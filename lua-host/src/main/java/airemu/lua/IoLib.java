package airemu.lua;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import party.iroiro.luajava.Lua;

/**
 * The LuatOS extensions of {@code io} ({@code exists}, {@code fileSize}, {@code readFile},
 * {@code writeFile}, {@code mkdir}, {@code rmdir}, {@code lsdir}, {@code lsmount}) with the
 * module's return values; {@code io.open} and {@code io.lines} are the stock ones behind the
 * prelude's path mapping.
 */
final class IoLib {
  private IoLib() {}

  /** Fills the table on top of the stack. */
  static void install(LuaFirmware fw, Lua L) {
    Vm vm = fw.vm();
    vm.setFunction(L, -1, "exists", l -> {
      FileSystem.Resolved r = fw.fs().resolve(Args.checkString(vm, l, 1), false);
      l.push(r.ok() && Files.isRegularFile(r.host()));
      return 1;
    });
    vm.setFunction(L, -1, "fileSize", l -> {
      FileSystem.Resolved r = fw.fs().resolve(Args.checkString(vm, l, 1), false);
      long size = 0;
      try {
        if (r.ok() && Files.isRegularFile(r.host())) size = Files.size(r.host());
      } catch (IOException e) {
        size = 0;
      }
      l.push(size);
      return 1;
    });
    vm.setFunction(L, -1, "readFile", l -> {
      String path = Args.checkString(vm, l, 1);
      Args.optString(vm, l, 2, "rb");
      long offset = Args.optInteger(l, 3, 0);
      long len = Args.optInteger(l, 4, 1L << 30);
      FileSystem.Resolved r = fw.fs().resolve(path, false);
      if (!r.ok() || !Files.isRegularFile(r.host())) return 0;
      try {
        byte[] all = Files.readAllBytes(r.host());
        int from = (int) Math.min(Math.max(offset, 0), all.length);
        int n = (int) Math.max(0, Math.min(len, all.length - from));
        vm.pushBytes(l, all, from, n);
        return 1;
      } catch (IOException e) {
        return 0;
      }
    });
    vm.setFunction(L, -1, "writeFile", l -> {
      String path = Args.checkString(vm, l, 1);
      byte[] data = Args.checkBytes(vm, l, 2);
      String mode = Args.optString(vm, l, 3, "wb+");
      if (fw.fs().isLuadb(path)) { // the module opens an existing luadb file and silently writes nothing
        FileSystem.Resolved r = fw.fs().resolve(path, false);
        if (!r.ok()) return 0;
        l.push(true);
        return 1;
      }
      FileSystem.Resolved r = fw.fs().resolve(path, true);
      if (!r.ok() || Files.isDirectory(r.host()) || r.host().getParent() == null || !Files.isDirectory(r.host().getParent())) return 0;
      boolean append = mode.startsWith("a");
      try (OutputStream out = Files.newOutputStream(r.host(), StandardOpenOption.CREATE,
          append ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
        out.write(data);
      } catch (IOException e) {
        return 0;
      }
      l.push(true);
      return 1;
    });
    vm.setFunction(L, -1, "mkdir", l -> {
      String path = Args.checkString(vm, l, 1);
      if (fw.fs().isLuadb(path)) return okCode(l, true, 0);
      FileSystem.Resolved r = fw.fs().resolve(path, true);
      try {
        if (!r.ok() || Files.exists(r.host())) return okCode(l, false, -1);
        Files.createDirectory(r.host());
        return okCode(l, true, 0);
      } catch (IOException e) {
        return okCode(l, false, -1);
      }
    });
    vm.setFunction(L, -1, "rmdir", l -> {
      String path = Args.checkString(vm, l, 1);
      if (fw.fs().isLuadb(path)) return okCode(l, true, 0);
      FileSystem.Resolved r = fw.fs().resolve(path, true);
      try {
        if (!r.ok() || !Files.isDirectory(r.host()) || r.host().equals(fw.fs().storage())) return okCode(l, false, -1);
        Files.delete(r.host());
        return okCode(l, true, 0);
      } catch (DirectoryNotEmptyException e) {
        return okCode(l, false, -1);
      } catch (IOException e) {
        return okCode(l, false, -1);
      }
    });
    vm.setFunction(L, -1, "lsdir", l -> lsdir(fw, vm, l));
    vm.setFunction(L, -1, "lsmount", l -> {
      l.createTable(2, 0);
      String[][] mounts = {{"", "lfs2"}, {"/luadb/", "luadb"}};
      for (int i = 0; i < mounts.length; i++) {
        l.createTable(0, 2);
        l.push(mounts[i][0]);
        l.setField(-2, "path");
        l.push(mounts[i][1]);
        l.setField(-2, "fs");
        l.rawSetI(-2, i + 1);
      }
      return 1;
    });
  }

  private static int okCode(Lua l, boolean ok, int code) {
    l.push(ok);
    l.push(code);
    return 2;
  }

  /** io.lsdir(path, len=10, offset=0): (true, {{name, type, size}...}); a missing folder lists nothing. */
  private static int lsdir(LuaFirmware fw, Vm vm, Lua l) {
    String path = Args.checkString(vm, l, 1);
    long len = Args.optInteger(l, 2, 10);
    long offset = Args.optInteger(l, 3, 0);
    if (len < 0) len = 10;
    if (len > 100) len = 100;
    if (offset < 0) offset = 0;
    List<FileSystem.Entry> entries = fw.fs().list(path);
    l.push(true);
    l.newTable();
    int n = 0;
    for (int i = (int) offset; i < entries.size() && n < len; i++) {
      Path p = entries.get(i).host();
      boolean dir = entries.get(i).isDirectory();
      l.createTable(0, 3);
      vm.pushString(l, entries.get(i).name());
      l.setField(-2, "name");
      l.push(dir ? 1 : 0);
      l.setField(-2, "type");
      long size = 0;
      try {
        if (!dir) size = Files.size(p);
      } catch (IOException e) {
        size = 0;
      }
      l.push(size);
      l.setField(-2, "size");
      l.rawSetI(-2, ++n);
    }
    return 2;
  }
}
