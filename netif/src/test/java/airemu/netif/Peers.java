package airemu.netif;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Real peers for the tests: socat servers and free local ports. Public for the tests of the modules
 * above netif (its test jar).
 */
public final class Peers {
  private Peers() {}

  public static int freeTcpPort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A TCP port nobody listens on, for a refused connect: below the host's ephemeral range (Linux
   * 32768-60999), because a connect to a free port inside it can be given that same port as its own
   * and connect to itself (a TCP simultaneous open), which is not refused.
   */
  public static int closedTcpPort() {
    for (int port = 20_000 + (int) (ProcessHandle.current().pid() % 1000) * 10; ; port++) {
      try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
        return s.getLocalPort();
      } catch (IOException taken) {
        if (port >= 32_767) throw new UncheckedIOException("no free port below 32768", taken);
      }
    }
  }

  public static int freeUdpPort() {
    try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A socat process; closing it ends it and its forked children. */
  public static final class Socat implements AutoCloseable {
    public final int port;
    private final Process process;

    private Socat(int port, String... args) {
      this.port = port;
      List<String> cmd = new ArrayList<>(List.of("socat"));
      cmd.addAll(List.of(args));
      try {
        process = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      } catch (IOException e) {
        throw new UncheckedIOException("socat must be installed (apt-get install socat)", e);
      }
    }

    /** {@code socat TCP4-LISTEN:port,fork PIPE}: echoes every TCP connection. */
    public static Socat tcpEcho() {
      return tcpServer("PIPE");
    }

    /**
     * {@code socat TCP4-LISTEN:port,fork <action>}: each TCP connection gets its own {@code action},
     * a socat address such as {@code SYSTEM:printf hello} (says hello, then hangs up).
     */
    public static Socat tcpServer(String action) {
      int port = freeTcpPort();
      Socat s = new Socat(port, "TCP4-LISTEN:" + port + ",bind=127.0.0.1,reuseaddr,fork", action);
      s.awaitTcp(new InetSocketAddress("127.0.0.1", port));
      return s;
    }

    /** The same over IPv6 loopback. */
    public static Socat tcp6Echo() {
      int port = freeTcpPort();
      Socat s = new Socat(port, "TCP6-LISTEN:" + port + ",bind=[::1],reuseaddr,fork", "PIPE");
      s.awaitTcp(new InetSocketAddress("::1", port));
      return s;
    }

    /** {@code socat UDP4-RECVFROM:port,fork PIPE}: echoes every datagram to its sender. */
    public static Socat udpEcho() {
      int port = freeUdpPort();
      Socat s = new Socat(port, "UDP4-RECVFROM:" + port + ",bind=127.0.0.1,fork", "PIPE");
      s.awaitUdp();
      return s;
    }

    /** Waits until socat accepts connections (it starts asynchronously). */
    private void awaitTcp(InetSocketAddress at) {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (true) {
        try (Socket probe = new Socket()) {
          probe.connect(at, 1000);
          return;
        } catch (IOException e) {
          if (System.nanoTime() > deadline) throw new AssertionError("socat did not start on " + at, e);
          Thread.onSpinWait();
        }
      }
    }

    /** Waits until a probe datagram comes back. */
    private void awaitUdp() {
      try (DatagramSocket probe = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
        probe.setSoTimeout(200);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        byte[] buf = new byte[16];
        while (true) {
          probe.send(new DatagramPacket(new byte[] {'?'}, 1, InetAddress.getLoopbackAddress(), port));
          try {
            probe.receive(new DatagramPacket(buf, buf.length));
            return;
          } catch (SocketTimeoutException e) {
            if (System.nanoTime() > deadline) throw new AssertionError("socat did not start on udp " + port);
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    public void close() {
      process.descendants().forEach(ProcessHandle::destroy);
      process.destroy();
      try {
        process.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** A TCP peer on loopback that runs {@code script} for the first client, on its own thread. */
  public static final class OneShotServer implements AutoCloseable {
    public interface Script {
      void run(InputStream in, OutputStream out, Socket s) throws Exception;
    }

    public final int port;
    private final ServerSocket server;
    private final Thread thread;
    volatile Throwable failure;

    public OneShotServer(Script script) {
      try {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      port = server.getLocalPort();
      thread = new Thread(() -> {
        try (Socket s = server.accept()) {
          script.run(s.getInputStream(), s.getOutputStream(), s);
        } catch (Throwable t) {
          failure = t;
        }
      }, "test-peer-" + port);
      thread.setDaemon(true);
      thread.start();
    }

    public void join() throws InterruptedException {
      thread.join(TestDevice.TIMEOUT.toMillis());
      if (failure != null) throw new AssertionError("peer failed", failure);
    }

    @Override
    public void close() throws IOException {
      server.close();
    }
  }
}
