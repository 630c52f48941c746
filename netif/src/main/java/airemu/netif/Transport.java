package airemu.netif;

import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.resolver.ResolvedAddressTypes;
import io.netty.resolver.dns.DnsNameResolver;
import io.netty.resolver.dns.DnsNameResolverBuilder;
import io.netty.resolver.dns.NoopAuthoritativeDnsServerCache;
import io.netty.resolver.dns.NoopDnsCache;
import io.netty.resolver.dns.NoopDnsCnameCache;
import io.netty.resolver.dns.SequentialDnsServerAddressStreamProvider;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The host side of every device's sockets: one Netty event loop group for the whole JVM (epoll on
 * Linux, NIO elsewhere or with {@code -Dairemu.netif.transport=nio}), the channel types that go with
 * it, and DNS resolvers shared by every adapter that asks the same servers. Its threads only move
 * bytes and post messages to devices; they are daemons and live as long as the JVM.
 */
final class Transport {

  /** The JVM's transport, created on first use. */
  static Transport shared() {
    Transport t = shared;
    if (t == null) {
      synchronized (Transport.class) {
        t = shared;
        if (t == null) {
          boolean nio = "nio".equalsIgnoreCase(System.getProperty("airemu.netif.transport", "auto"));
          shared = t = new Transport(!nio && Epoll.isAvailable(), Math.max(1, Runtime.getRuntime().availableProcessors()));
        }
      }
    }
    return t;
  }

  Transport(boolean epoll, int threads) {
    this.epoll = epoll;
    IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    this.group = new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory("airemu-net", true), io);
  }

  EventLoopGroup group() {
    return group;
  }

  boolean isEpoll() {
    return epoll;
  }

  ChannelFactory<SocketChannel> socketChannels() {
    return epoll ? EpollSocketChannel::new : NioSocketChannel::new;
  }

  ChannelFactory<ServerSocketChannel> serverChannels() {
    return epoll ? EpollServerSocketChannel::new : NioServerSocketChannel::new;
  }

  ChannelFactory<DatagramChannel> datagramChannels(boolean ipv6) {
    SocketProtocolFamily family = ipv6 ? SocketProtocolFamily.INET6 : SocketProtocolFamily.INET;
    return epoll ? () -> new EpollDatagramChannel(family) : () -> new NioDatagramChannel(family);
  }

  /**
   * How TCP reads size their buffers: at most {@link #MAX_READ} bytes per read, so a ctrl's buffer
   * overshoots its limit by at most one read before reading stops.
   */
  RecvByteBufAllocator tcpReads() {
    return TCP_READS;
  }

  /** Counts {@code ch} as open until it closes. */
  void track(Channel ch) {
    open.incrementAndGet();
    ch.closeFuture().addListener(f -> open.decrementAndGet());
  }

  /** Channels opened for devices and not closed yet; for leak checks. */
  int openChannels() {
    return open.get();
  }

  /**
   * A resolver asking {@code servers} in order for A ({@code ipv6} false) or AAAA records, without
   * caches, search domains or the host's hosts file: LuatOS's DNS client has none of them (spec 3.1),
   * and every {@code connect} asks again.
   */
  DnsNameResolver resolver(List<InetSocketAddress> servers, boolean ipv6, long timeoutMillis) {
    return resolvers.computeIfAbsent(new ResolverKey(List.copyOf(servers), ipv6, timeoutMillis), k ->
        new DnsNameResolverBuilder(group.next())
            .datagramChannelFactory(epoll ? EpollDatagramChannel::new : NioDatagramChannel::new)
            .nameServerProvider(new SequentialDnsServerAddressStreamProvider(k.servers()))
            .resolveCache(NoopDnsCache.INSTANCE)
            .cnameCache(NoopDnsCnameCache.INSTANCE)
            .authoritativeDnsServerCache(NoopAuthoritativeDnsServerCache.INSTANCE)
            .hostsFileEntriesResolver((host, types) -> null)
            .searchDomains(List.of())
            .ndots(1)
            .resolvedAddressTypes(k.ipv6() ? ResolvedAddressTypes.IPV6_ONLY : ResolvedAddressTypes.IPV4_ONLY)
            .queryTimeoutMillis(k.timeoutMillis())
            .maxQueriesPerResolve(8)
            .build());
  }

  /** Stops a transport made for a test; the shared one lives as long as the JVM. */
  void shutdown() {
    resolvers.values().forEach(DnsNameResolver::close);
    group.shutdownGracefully(0, 2, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
  }

  private record ResolverKey(List<InetSocketAddress> servers, boolean ipv6, long timeoutMillis) {}

  /** Largest single TCP read. */
  static final int MAX_READ = 16 * 1024;
  private static final RecvByteBufAllocator TCP_READS = new AdaptiveRecvByteBufAllocator(64, 2048, MAX_READ);
  private static volatile Transport shared;

  private final boolean epoll;
  private final EventLoopGroup group;
  private final AtomicInteger open = new AtomicInteger();
  private final ConcurrentMap<ResolverKey, DnsNameResolver> resolvers = new ConcurrentHashMap<>();
}
