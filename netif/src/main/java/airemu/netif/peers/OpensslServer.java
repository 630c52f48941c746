package airemu.netif.peers;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A real OpenSSL peer: {@code openssl s_server} on a loopback port, echoing what each client sends
 * (its output, the client's plaintext, is written back to its input, which it sends to the client),
 * one client at a time. It needs the {@code openssl} command. Works for TLS and, with
 * {@code -dtls1_2} among the arguments, DTLS.
 *
 * <pre>{@code
 * try (OpensslServer s = OpensslServer.start(false, "-cert", "server.pem", "-key", "server.key", "-tls1_2")) {
 *   ... connect to 127.0.0.1:s.port() ...
 * }
 * }</pre>
 */
public final class OpensslServer implements AutoCloseable {

  /**
   * Starts {@code openssl s_server -accept 127.0.0.1:<free port> -quiet -brief <args>} and waits until
   * it listens. The free port is only free when it is picked: should another process take it first,
   * the server exits and the start is tried again on another port.
   */
  public static OpensslServer start(boolean datagram, String... args) {
    for (int attempt = 1; ; attempt++) {
      int port = freePort(datagram);
      List<String> cmd = new ArrayList<>(List.of("openssl", "s_server", "-accept", "127.0.0.1:" + port, "-quiet", "-brief"));
      cmd.addAll(List.of(args));
      Process p;
      try {
        p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
      } catch (IOException e) {
        throw new UncheckedIOException("openssl must be installed (apt-get install openssl)", e);
      }
      OpensslServer s = new OpensslServer(p, port);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (p.isAlive() && !taken(datagram, port)) {
        if (System.nanoTime() > deadline) {
          s.close();
          throw new IllegalStateException("openssl s_server did not start: " + cmd);
        }
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
      }
      if (p.isAlive()) return s;
      s.close();
      if (attempt == 3) throw new IllegalStateException("openssl s_server did not start: " + cmd);
    }
  }

  public int port() {
    return port;
  }

  /** Plaintext bytes the server received from clients so far. */
  public long received() {
    synchronized (this) {
      return received;
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) process.destroyForcibly();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private OpensslServer(Process process, int port) {
    this.process = process;
    this.port = port;
    Thread pump = new Thread(this::echo, "openssl-echo-" + port);
    pump.setDaemon(true);
    pump.start();
  }

  private void echo() {
    byte[] buf = new byte[16384];
    try (InputStream in = process.getInputStream(); OutputStream out = process.getOutputStream()) {
      for (int n; (n = in.read(buf)) > 0; ) {
        synchronized (this) {
          received += n;
        }
        out.write(buf, 0, n);
        out.flush();
      }
    } catch (IOException e) {
      // the server ended
    }
  }

  private static int freePort(boolean datagram) {
    try {
      if (datagram) {
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
          return s.getLocalPort();
        }
      }
      try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        return s.getLocalPort();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Whether the server has bound {@code port}: binding it ourselves fails then. */
  private static boolean taken(boolean datagram, int port) {
    InetSocketAddress at = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    try {
      if (datagram) {
        try (DatagramSocket s = new DatagramSocket(null)) {
          s.setReuseAddress(false);
          s.bind(at);
        }
      } else {
        try (ServerSocket s = new ServerSocket()) {
          s.setReuseAddress(false);
          s.bind(at);
        }
      }
      return false;
    } catch (BindException e) {
      return true;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private final Process process;
  private final int port;
  private long received;
}
