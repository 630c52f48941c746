package airemu.serial;

import airemu.core.Message;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * A firmware shell command that the device answers itself, because the answer comes from its Lua VM
 * or its file system ({@code cmd_free}, {@code cmd_lsdir}, {@code cmd_fread}, {@code cmd_fwrite} in
 * {@code components/shell/luat_shell.c}). The log port posts it to the device's message bus; the
 * firmware handles it on the device thread, writes what the firmware logs ({@code LLOGD}) to its log
 * stream and hands what the firmware writes straight to the shell ({@code luat_shell_write}) to
 * {@link #reply}, which any thread may call.
 *
 * @param kind which command
 * @param path the path argument of {@code lsdir} and {@code fread} as the firmware cuts it out of the
 *     line, or null when the line has none
 * @param reply takes the raw shell output, e.g. {@code lua total=... used=... max_used=...\r\n}
 */
public record ShellCommand(Kind kind, String path, Consumer<byte[]> reply) implements Message {

  /** The commands, by the prefix the firmware matches them with. */
  public enum Kind { FREE, LSDIR, FREAD, FWRITE }

  public ShellCommand {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(reply, "reply");
  }

  /** Writes {@code text} (ASCII) to the shell. */
  public void reply(String text) {
    reply.accept(text.getBytes(StandardCharsets.ISO_8859_1));
  }

  /**
   * Where a log port with no device behind it sends these commands: it answers {@code ERR}, as a shell
   * without them would.
   */
  public static final Consumer<ShellCommand> UNANSWERED = c -> c.reply("ERR\r\n");
}
