package airemu.netif;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * The UDP socket of one SNTP attempt, on the shared transport: bound to any local port, "connected"
 * to the server as lwIP's {@code udp_connect} makes it (only datagrams from the target are taken).
 * Its events go to the device as {@link Sntp.Event}s: BOUND once the socket is bound, ERROR when it
 * cannot be, DATAGRAM for each reply with its first {@link SntpTime#PACKET} bytes. Nothing is posted
 * once it is closed or severed (link lost).
 */
final class SntpSocket {

  /**
   * Opens a socket towards {@code target} through the adapter's {@code faults}; BOUND or ERROR
   * follows. With {@code routeless} (the server is unreachable) requests go nowhere, as lwIP's
   * {@code udp_sendto} finds no route. Device thread.
   */
  static SntpSocket open(NetStack stack, Sntp owner, InetSocketAddress target, AdapterFaults faults, boolean routeless) {
    boolean v6 = Addresses.isIpv6(target.getAddress());
    SntpSocket s = new SntpSocket(stack, owner, target);
    s.routeless = routeless;
    Transport t = stack.transport();
    Bootstrap b = new Bootstrap()
        .group(t.group())
        .channelFactory(t.datagramChannels(v6))
        .option(ChannelOption.RECVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(RECEIVE_BYTES))
        .handler(new ChannelInitializer<>() {
          @Override
          protected void initChannel(Channel ch) {
            ch.pipeline().addLast("faults", faults.handler(true, false)).addLast(s.new Handler());
          }
        });
    InetAddress bind = stack.options().bindAddress();
    InetSocketAddress local = bind != null && Addresses.isIpv6(bind) == v6
        ? new InetSocketAddress(bind, 0)
        : new InetSocketAddress(v6 ? "::" : "0.0.0.0", 0);
    ChannelFuture f = b.bind(local);
    s.channel = f.channel();
    t.track(f.channel());
    f.addListener((ChannelFutureListener) fu -> {
      if (!fu.isSuccess()) s.post(Sntp.Event.Kind.ERROR, null, 0); // success: channelActive
    });
    return s;
  }

  /** A socket that cannot reach {@code target} (an IPv6 server from an adapter without IPv6): ERROR follows. */
  static SntpSocket unreachable(NetStack stack, Sntp owner, InetSocketAddress target) {
    SntpSocket s = new SntpSocket(stack, owner, target);
    stack.transport().group().next().execute(() -> s.post(Sntp.Event.Kind.ERROR, null, 0));
    return s;
  }

  private SntpSocket(NetStack stack, Sntp owner, InetSocketAddress target) {
    this.stack = stack;
    this.owner = owner;
    this.target = target;
  }

  /** Sends one request; true when it was handed to the host socket. Device thread. */
  boolean send(byte[] request) {
    Channel ch = channel;
    if (closed || severed || ch == null || !ch.isActive()) return false;
    // as net_lwip2 after udp_sendto_if: handed over is sent, whatever the host makes of it
    if (routeless) return true;
    ch.writeAndFlush(new DatagramPacket(Unpooled.wrappedBuffer(request), target));
    return true;
  }

  /** The adapter lost its IP: no more traffic. Device thread. */
  void sever() {
    severed = true;
  }

  /** Closes the host socket; idempotent. Device thread. */
  void close() {
    closed = true;
    if (channel != null) channel.close();
  }

  InetSocketAddress target() {
    return target;
  }

  private void post(Sntp.Event.Kind kind, byte[] data, int length) {
    if (closed || severed) return;
    stack.post(Sntp.Event.socket(owner, kind, this, data, length));
  }

  /** Per-channel inbound handler. */
  private final class Handler extends SimpleChannelInboundHandler<DatagramPacket> {
    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      post(Sntp.Event.Kind.BOUND, null, 0);
      ctx.fireChannelActive();
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket p) {
      if (!Addresses.sameEndpoint(p.sender(), target)) return; // not for a connected pcb
      ByteBuf content = p.content();
      int n = Math.min(content.readableBytes(), SntpTime.PACKET); // network_rx into a 48-byte message
      byte[] data = new byte[SntpTime.PACKET];
      content.getBytes(content.readerIndex(), data, 0, n);
      post(Sntp.Event.Kind.DATAGRAM, data, n);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      // ICMP errors and the like: lwIP does not report them for UDP either
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      post(Sntp.Event.Kind.ERROR, null, 0);
      ctx.fireChannelInactive();
    }
  }

  /** Receive buffer per datagram: an SNTP reply is 48 bytes (68 with a MAC); longer ones are cut. */
  private static final int RECEIVE_BYTES = 2048;

  private final NetStack stack;
  private final Sntp owner;
  private final InetSocketAddress target; // where requests go and replies must come from
  private volatile Channel channel;
  private volatile boolean closed;
  private volatile boolean severed;
  private boolean routeless; // the server is unreachable: requests go nowhere
}
