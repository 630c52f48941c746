package airemu.cli;

import airemu.config.ConfigException;
import airemu.netif.NetOptions;
import airemu.netif.peers.EchoPeer;
import airemu.netif.peers.SntpPeer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnknownHostException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.ServerSocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The network a run gives its device: by default the services a LuatOS demo expects, on this
 * machine. {@code netlab.luatos.com} resolves to its real address (what the module logs), which
 * routes to an embedded TCP/UDP echo peer whatever port the script uses; the firmware's three NTP
 * names resolve to one address that routes to an embedded SNTP responder giving this machine's time.
 * {@code --host} entries come last and win; {@code --no-peers} starts nothing and maps nothing, so the
 * device reaches the real Internet.
 */
final class EmbeddedNetwork implements AutoCloseable {
  /** What netlab.luatos.com resolves to on the Internet (the address the module prints). */
  static final String NETLAB_ADDRESS = "112.125.89.8";
  /** One address for the firmware's default NTP servers (ntp.aliyun.com's), routed to the responder. */
  static final String NTP_ADDRESS = "203.107.6.88";
  static final List<String> NTP_NAMES = List.of("ntp.aliyun.com", "ntp.ntsc.ac.cn", "time1.cloud.tencent.com");

  /**
   * Binds the peers' sockets (the JDK, at once) and maps the names; the peers themselves start later ({@link #startPeers}).
   *
   * @param hosts {@code NAME=IP[,IP...]} entries of {@code --host}
   * @param echoPort where the echo peer listens on loopback (0: a free port)
   * @param peers false for {@code --no-peers}
   */
  static EmbeddedNetwork open(List<String> hosts, int echoPort, boolean peers) throws ConfigException {
    List<Host> parsed = new ArrayList<>();
    for (String h : hosts) parsed.add(Host.parse(h));
    if (echoPort < 0 || echoPort > 65535) throw new ConfigException("--echo-port must be 0..65535, not " + echoPort);
    NetOptions options = NetOptions.defaults();
    Sockets sockets = null;
    if (peers) {
      sockets = Sockets.bind(echoPort);
      InetAddress netlab = literal(NETLAB_ADDRESS);
      InetAddress ntp = literal(NTP_ADDRESS);
      options = options.withHost("netlab.luatos.com", netlab).withRoute(netlab, sockets.echo());
      for (String name : NTP_NAMES) options = options.withHost(name, ntp);
      options = options.withRoute(ntp, sockets.sntp());
    }
    for (Host h : parsed) options = options.withHost(h.name, h.addresses.toArray(InetAddress[]::new));
    return new EmbeddedNetwork(options, sockets);
  }

  NetOptions options() {
    return options;
  }

  /**
   * Starts the peers on their own thread. Netty's start costs ~100 ms of CPU on a cold JVM, which a
   * small machine needs for the device's boot, so a run calls this once the boot is over
   * ({@link #PEERS_AFTER_MILLIS}): no adapter is up sooner, and until then the kernel queues what
   * arrives on the peers' sockets, which are bound already.
   */
  synchronized void startPeers() {
    if (sockets == null || peers != null || closed) return;
    peers = CompletableFuture.supplyAsync(
        () -> new Peers(EchoPeer.adopt(sockets.echoTcp, sockets.echoUdp), SntpPeer.adopt(sockets.sntpUdp, System::currentTimeMillis)),
        r -> {
          Thread t = new Thread(r, "airemu-peers");
          t.setDaemon(true);
          t.start();
        });
  }

  @Override
  public void close() {
    CompletableFuture<Peers> started;
    synchronized (this) {
      closed = true;
      started = peers;
    }
    if (sockets == null) return;
    if (started != null) {
      try {
        Peers p = started.join();
        p.echo.close();
        p.sntp.close();
      } catch (java.util.concurrent.CompletionException e) {
        // the peers never started (reported then); their sockets are closed below
      }
    }
    sockets.close();
  }

  private EmbeddedNetwork(NetOptions options, Sockets sockets) {
    this.options = options;
    this.sockets = sockets;
  }

  private record Peers(EchoPeer echo, SntpPeer sntp) {}

  /** The peers' sockets, bound by the JDK at once so their addresses are known before the peers run. */
  private record Sockets(ServerSocketChannel echoTcp, DatagramChannel echoUdp, DatagramChannel sntpUdp) {
    static Sockets bind(int echoPort) throws ConfigException {
      InetAddress loopback = literal("127.0.0.1"); // IPv4: the module's view of netlab is IPv4
      for (int attempt = 0; ; attempt++) {
        ServerSocketChannel tcp = null;
        DatagramChannel udp = null;
        try {
          tcp = ServerSocketChannel.open().bind(new InetSocketAddress(loopback, echoPort));
          int port = ((InetSocketAddress) tcp.getLocalAddress()).getPort();
          udp = DatagramChannel.open(StandardProtocolFamily.INET).bind(new InetSocketAddress(loopback, port));
          DatagramChannel ntp = DatagramChannel.open(StandardProtocolFamily.INET).bind(new InetSocketAddress(loopback, 0));
          return new Sockets(tcp, udp, ntp);
        } catch (IOException e) {
          closeQuietly(tcp);
          closeQuietly(udp);
          // with any free port, the TCP port's UDP twin may be taken: try another
          if (echoPort != 0 || attempt >= 20) {
            throw new ConfigException("--echo-port " + echoPort + ": cannot listen (" + e.getMessage()
                + "); pick a free port or leave it out for any free port");
          }
        }
      }
    }

    InetSocketAddress echo() {
      return address(echoTcp);
    }

    InetSocketAddress sntp() {
      return address(sntpUdp);
    }

    void close() {
      closeQuietly(echoTcp);
      closeQuietly(echoUdp);
      closeQuietly(sntpUdp);
    }

    private static InetSocketAddress address(java.nio.channels.NetworkChannel c) {
      try {
        return (InetSocketAddress) c.getLocalAddress();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    private static void closeQuietly(java.nio.channels.Channel c) {
      if (c == null) return;
      try {
        c.close();
      } catch (IOException ignored) {
        // closing a socket we own; nothing to do
      }
    }
  }

  private static InetAddress literal(String ip) {
    try {
      return InetAddress.getByName(ip); // a literal: no lookup
    } catch (UnknownHostException e) {
      throw new AssertionError(e);
    }
  }

  /** One {@code --host NAME=IP[,IP...]}: IP literals only, so a run never depends on the host's resolver. */
  private record Host(String name, List<InetAddress> addresses) {
    static Host parse(String spec) throws ConfigException {
      int eq = spec.indexOf('=');
      String name = eq < 0 ? "" : spec.substring(0, eq).trim();
      if (name.isEmpty() || eq == spec.length() - 1) {
        throw new ConfigException("--host " + spec + ": expected NAME=IP, e.g. --host netlab.luatos.com=192.168.1.20");
      }
      List<InetAddress> addresses = new ArrayList<>();
      for (String ip : spec.substring(eq + 1).split(",")) {
        String t = ip.trim();
        InetAddress a = ipLiteral(t);
        if (a == null) {
          throw new ConfigException("--host " + spec + ": '" + t + "' is not an IPv4 or IPv6 address, e.g. --host "
              + name + "=192.168.1.20");
        }
        addresses.add(a);
      }
      return new Host(name, addresses);
    }

    /** The address {@code s} spells, or null; never a name lookup (Java reads anything with ':' as IPv6). */
    private static InetAddress ipLiteral(String s) {
      boolean v4 = s.matches("\\d{1,3}(\\.\\d{1,3}){3}");
      if (!v4 && !s.contains(":")) return null;
      if (v4) for (String part : s.split("\\.")) if (Integer.parseInt(part) > 255) return null;
      try {
        return InetAddress.getByName(s);
      } catch (UnknownHostException e) {
        return null;
      }
    }
  }

  /**
   * When a run starts the peers: after the boot (the banner and the script's first lines), well
   * before the earliest adapter comes up (Ethernet and Wi-Fi 1 s after they are set up, cellular 2 s).
   */
  static final long PEERS_AFTER_MILLIS = 500;

  private final NetOptions options;
  private final Sockets sockets; // null with --no-peers
  private CompletableFuture<Peers> peers; // null until startPeers; guarded by this
  private boolean closed; // guarded by this
}
