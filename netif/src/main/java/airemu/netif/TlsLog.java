package airemu.netif;

/**
 * {@code socket.sslLog}: the TLS engine's debug output as device log lines. The firmware sets
 * mbedtls's global debug threshold (0 nothing, 1 errors and warnings, 2 info, 3 and up debug; no
 * argument means 1) and prints each message through {@code DBG_Printf} as {@code <file> <line>:<text>},
 * whatever {@code log.setLevel} says. airemu reports what Bouncy Castle lets it see, worded as
 * mbedtls words it, under the mbedtls source file that prints it, with line 0 since there is no
 * matching line: level 1 alerts and verification failures, level 2 the handshake's start, version,
 * suite and end, level 3 the bytes of each record read and written.
 *
 * <p>Lines come from I/O threads: each travels to the device as a message, printed when the device
 * handles it, so they interleave with the socket events in the order they happened.
 */
final class TlsLog {

  TlsLog(NetStack stack) {
    this.stack = stack;
  }

  boolean enabled(int level) {
    return level <= stack.sslLogLevel();
  }

  /** Queues {@code text} for the log when {@code level} is within the threshold. Any thread. */
  void line(int level, String file, String text) {
    if (enabled(level)) stack.post(new Line(stack, file + " 0:" + text));
  }

  /** One debug line on its way to the device log. */
  private record Line(NetStack stack, String text) implements NetMessage {
    @Override
    public NetDelivery handle() {
      if (!stack.isClosed()) stack.logRaw(text);
      return NetDelivery.NONE;
    }
  }

  private final NetStack stack;
}
