package airemu.netif;

/**
 * {@code socket.sslLog}: the TLS engine's debug output as device log lines. The firmware sets
 * mbedtls's global debug threshold (0 nothing, 1 errors, 2 state changes, 3 and up details; no
 * argument means 1) and prints each message through {@code DBG_Printf} as {@code <file> <line>:<text>},
 * whatever {@code log.setLevel} says. airemu prints the lines of mbedtls 2.28 that it can place, at
 * mbedtls's levels and in its words, under the source file that prints them, with line 0 since no
 * line of ours matches: level 1 a fatal alert received, a rejected certificate, a handshake
 * timeout; level 2 each datagram or TCP read and write ({@code ssl->f_recv(_timeout)() returned ...}),
 * the ClientHello, the ServerHello, the server's Finished, alerts; level 3 the chosen suite (number
 * and name) and the certificate's verification flags. The firmware steps the handshake itself
 * ({@code mbedtls_ssl_handshake_step}), so mbedtls's {@code => handshake} never appears.
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

  void clientHello() {
    line(2, CLI, "=> write client hello");
    line(2, CLI, "<= write client hello");
  }

  void serverHello(int suite) {
    line(2, CLI, "=> parse server hello");
    line(3, CLI, String.format("server hello, chosen ciphersuite: %04x", suite));
    line(3, CLI, "server hello, chosen ciphersuite: " + TlsSuites.name(suite));
    line(2, CLI, "<= parse server hello");
  }

  void verifyFailed(int flags) {
    line(1, TLS, "x509_verify_cert() returned -9984 (-0x2700)");
    line(3, TLS, String.format("! Certificate verification flags %08x", flags));
  }

  void finished() {
    line(2, TLS, "=> parse finished");
    line(2, TLS, "<= parse finished");
  }

  void received(int n) {
    returned(MSG, "ssl->f_recv(_timeout)", n);
  }

  void sent(int n) {
    returned(MSG, "ssl->f_send", n);
  }

  void alertSent(int level, int description) {
    line(2, MSG, "=> send alert message");
    line(3, MSG, "send alert level=" + level + " message=" + description);
    line(2, MSG, "<= send alert message");
  }

  void alertReceived(int level, int description) {
    line(2, MSG, "got an alert message, type: [" + level + ":" + description + "]");
    if (level == 2) {
      line(1, MSG, "is a fatal alert message (msg " + description + ")");
    } else if (description == 0) {
      line(2, MSG, "is a close notify message");
    }
  }

  void timeout() {
    line(1, MSG, "handshake timeout");
  }

  /** {@code MBEDTLS_SSL_DEBUG_RET}: {@code %s() returned %d (-0x%04x)}, the second number the negated value unsigned. */
  private void returned(String file, String what, int n) {
    line(2, file, String.format("%s() returned %d (-0x%04x)", what, n, -n));
  }

  /** One debug line on its way to the device log. */
  private record Line(NetStack stack, String text) implements NetMessage {
    @Override
    public NetDelivery handle() {
      if (!stack.isClosed()) stack.logRaw(text);
      return NetDelivery.NONE;
    }
  }

  private static final String CLI = "ssl_cli.c", TLS = "ssl_tls.c", MSG = "ssl_msg.c";

  private final NetStack stack;
}
