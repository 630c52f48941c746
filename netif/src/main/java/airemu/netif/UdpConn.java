package airemu.netif;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPromise;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A UDP socket as lwIP's {@code udp_bind} plus {@code udp_connect} make it: bound to the configured
 * local port (or any), "connected" to the connect target when that has a port, in which case only
 * datagrams from that address and port are received (remote port 0, the {@code udpsrv} idiom
 * {@code connect(ctrl, "255.255.255.255", 0)}, receives from anyone). Every datagram handed to the
 * host reports TX_OK, delivered or not, as net_lwip2 does after {@code udp_sendto_if}.
 */
final class UdpConn extends Conn {

  /**
   * Binds the socket; CONNECT_OK or ERROR follows. With {@code tls} (null: plain UDP) and a remote
   * port, a DTLS handshake with {@code remote} follows ({@link DtlsHandler}). Device thread.
   */
  static UdpConn open(NetStack stack, SocketCtrl owner, InetSocketAddress remote, int localPort, TlsSettings tls, String host) {
    boolean v6 = Addresses.isIpv6(remote.getAddress());
    UdpConn c = new UdpConn(stack, owner, remote.getPort() != 0 ? remote : null);
    InetSocketAddress real = stack.options().routed(remote); // DTLS talks to the peer behind a route
    if (real != remote) c.virtuals.put(real, remote);
    Transport t = stack.transport();
    // taken here, on the device thread, not in initChannel on whichever event loop registers the
    // channel first: the socket's place among the adapter's channels, and so its seeded jitter and
    // loss, follow the order the script opened its sockets in
    FaultHandler faults = c.faults.handler(true, false);
    Bootstrap b = new Bootstrap()
        .group(t.group())
        .channelFactory(t.datagramChannels(v6))
        .option(ChannelOption.SO_BROADCAST, !v6)
        .option(ChannelOption.RECVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(MAX_DATAGRAM))
        .handler(new ChannelInitializer<>() {
          @Override
          protected void initChannel(Channel ch) {
            ch.pipeline().addLast("faults", faults); // next to the socket, below DTLS
            if (tls != null && remote.getPort() != 0) ch.pipeline().addLast("dtls", new DtlsHandler(c, real, tls, host));
            ch.pipeline().addLast("adapter-events", c.new Handler());
          }
        });
    InetAddress bind = stack.options().bindAddress();
    InetSocketAddress local = bind != null && Addresses.isIpv6(bind) == v6
        ? new InetSocketAddress(bind, localPort)
        : new InetSocketAddress(wildcard(v6), localPort);
    ChannelFuture f = b.bind(local);
    c.channel = f.channel();
    t.track(f.channel());
    f.addListener((ChannelFutureListener) fu -> {
      if (!fu.isSuccess()) c.post(Ev.ERROR, 0); // success: channelActive, before any datagram
    });
    return c;
  }

  private UdpConn(NetStack stack, SocketCtrl owner, InetSocketAddress peer) {
    super(stack, owner, stack.faults(owner.adapterNumber()));
    this.peer = peer;
  }

  /** Sends one datagram to {@code to} (ownership of {@code data} passes here). Device thread. */
  void write(ByteBuf data, InetSocketAddress to) {
    Channel ch = channel;
    synchronized (this) {
      if (closed || severed || ch == null) {
        data.release();
        return;
      }
    }
    int len = data.readableBytes();
    unsent.addAndGet(len);
    ChannelPromise done = ch.newPromise(); // listening before the write: TX_OK comes from the event loop
    done.addListener((ChannelFutureListener) f -> {
      unsent.addAndGet(-len);
      post(Ev.TX_OK, len);
    });
    InetSocketAddress real = stack.options().routed(to);
    if (real != to) virtuals.put(real, to);
    ch.writeAndFlush(new DatagramPacket(data, real), done);
  }

  /** A datagram to a host without a route: it goes nowhere, and TX_OK follows from the event loop. Device thread. */
  void unroutable(ByteBuf data) {
    int len = data.readableBytes();
    data.release();
    Channel ch = channel;
    if (ch != null) AdapterFaults.execute(ch.eventLoop(), () -> post(Ev.TX_OK, len));
  }

  @Override
  boolean canQueue(int len) {
    return unsent.get() + len <= stack.options().txBufferBytes();
  }

  private static InetAddress wildcard(boolean v6) {
    try {
      return InetAddress.getByAddress(new byte[v6 ? 16 : 4]);
    } catch (java.net.UnknownHostException e) {
      throw new AssertionError(e);
    }
  }

  /** Per-channel inbound handler. */
  final class Handler extends SimpleChannelInboundHandler<DatagramPacket> {
    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      post(Ev.CONNECT_OK, 0); // bound
      ctx.fireChannelActive();
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket p) {
      InetSocketAddress from = virtuals.getOrDefault(p.sender(), p.sender());
      if (peer != null && !Addresses.sameEndpoint(from, peer)) return; // not for a connected pcb
      ByteBuf content = p.content();
      int n = content.readableBytes();
      // a datagram is read into a buffer sized for the largest one: keep a small one in a small copy
      ByteBuf data = content.capacity() > 4 * n + 1024 ? content.copy() : content.retain();
      if (offer(ctx.channel(), data, from, true)) post(Ev.RX_NEW, n);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      // ICMP errors and the like: lwIP does not report them for UDP either
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      post(Ev.ERROR, 0);
      ctx.fireChannelInactive();
    }
  }

  /** Largest datagram received whole. */
  static final int MAX_DATAGRAM = 65536;
  private final InetSocketAddress peer; // only datagrams from here are received; null = from anyone
  /** Route targets this socket wrote to, and the virtual address the script wrote to (see NetOptions routes). */
  private final java.util.Map<InetSocketAddress, InetSocketAddress> virtuals = new java.util.concurrent.ConcurrentHashMap<>();
  private final AtomicLong unsent = new AtomicLong();
}
