package airemu.lua;

import airemu.boards.BoardProfile;
import airemu.serial.ShellCommand;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.util.Arrays;

/**
 * The firmware shell commands the device answers from its own state ({@code cmd_free},
 * {@code cmd_lsdir}, {@code cmd_fread}, {@code cmd_fwrite} in {@code components/shell/luat_shell.c}):
 * what the firmware writes to the shell goes to the command's reply, what it logs with {@code LLOGD}
 * becomes {@code D/shell} lines of the device's log. Device thread, inside {@code rtos.receive}.
 *
 * <pre>
 * free           lua total=1048576 used=90112 max_used=90112\r\n  sys total=... used=... max_used=...\r\n
 * lsdir /luadb/  D/shell >> FILE main.lua
 * fread /a.txt   D/shell OK 5   then the file's 5 bytes as they are
 * </pre>
 */
final class ShellAnswers {
  /** {@code cmd_fread} reads and writes the file 4 KiB at a time. */
  static final int FREAD_CHUNK = 4096;

  private ShellAnswers() {}

  static void answer(LuaFirmware fw, ShellCommand c, long luaUsed) {
    switch (c.kind()) {
      case FREE -> free(fw, c, luaUsed);
      case LSDIR -> lsdir(fw, c.path());
      case FREAD -> fread(fw, c);
      case FWRITE -> fw.clog('D', "shell", "not support yet");
    }
  }

  private static void free(LuaFirmware fw, ShellCommand c, long luaUsed) {
    long[] lua = fw.luaHeap(luaUsed);
    BoardProfile.Memory m = fw.board().memory();
    c.reply("lua total=" + lua[0] + " used=" + lua[1] + " max_used=" + lua[2] + "\r\n");
    c.reply("sys total=" + m.sys() + " used=" + m.sysUsed() + " max_used=" + m.sysUsed() + "\r\n");
  }

  private static void lsdir(LuaFirmware fw, String path) {
    if (path == null) return; // luat_fs_lsdir(NULL, ...) lists nothing
    for (FileSystem.Entry e : fw.fs().list(path)) {
      fw.clog('D', "shell", ">> " + (e.isDirectory() ? "DIR " : "FILE") + " " + e.name());
    }
  }

  private static void fread(LuaFirmware fw, ShellCommand c) {
    FileSystem.Resolved r = c.path() == null ? null : fw.fs().resolve(c.path(), false);
    long size = 0;
    try {
      if (r != null && r.ok() && Files.isRegularFile(r.host())) size = Files.size(r.host());
    } catch (IOException e) {
      size = 0;
    }
    if (size < 1) { // luat_fs_fsize: a missing or empty file is "not found"
      fw.clog('D', "shell", "ERR FILE NOT FOUND");
      return;
    }
    try (InputStream in = Files.newInputStream(r.host())) {
      fw.clog('D', "shell", "OK " + size);
      byte[] buf = new byte[FREAD_CHUNK];
      for (int n; (n = in.readNBytes(buf, 0, buf.length)) > 0; ) c.reply().accept(Arrays.copyOf(buf, n));
    } catch (IOException e) {
      fw.clog('D', "shell", "ERR FILE NOT FOUND");
    }
  }
}
