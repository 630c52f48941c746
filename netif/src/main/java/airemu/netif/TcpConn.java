package airemu.netif;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPromise;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP connection: a client socket of {@code socket.connect}, or a client accepted by a listening
 * ctrl. Writes report {@link Ev#TX_OK} once the bytes are flushed to the host socket, our stand-in
 * for lwIP's ACK.
 */
final class TcpConn extends Conn {

  /**
   * Starts connecting to {@code virtualRemote} (or where a route sends it); the outcome arrives as
   * CONNECT_OK or ERROR. With {@code tls} (null: plain TCP) a TLS handshake follows, for
   * {@code host}. While the adapter is a blackhole the SYN goes unanswered: the connect starts when
   * it clears, or fails when the connect timeout passes first. Device thread.
   */
  static TcpConn connect(NetStack stack, SocketCtrl owner, InetSocketAddress virtualRemote, TlsSettings tls, String host) {
    TcpConn c = new TcpConn(stack, owner, stack.faults(owner.adapterNumber()), false);
    c.tls = tls;
    c.host = host;
    c.stall = c.faults.dialWhenOpen(stack.options().connectTimeoutMillis(), left -> c.dial(virtualRemote, left),
        () -> c.post(Ev.ERROR, 0));
    return c;
  }

  /** Opens the host connection with {@code timeoutMillis} for the SYN to be answered. Any thread. */
  private void dial(InetSocketAddress virtualRemote, long timeoutMillis) {
    InetSocketAddress remote = stack.options().routed(virtualRemote);
    Transport t = stack.transport();
    // taken before the channel registers on an event loop (see UdpConn.open): seeded faults follow
    // the order the connections were dialled in
    FaultHandler stage = faults.handler(false, true);
    Bootstrap b = new Bootstrap()
        .group(t.group())
        .channelFactory(t.socketChannels())
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, timeoutMillis))
        .option(ChannelOption.RECVBUF_ALLOCATOR, t.tcpReads())
        .option(ChannelOption.SO_RCVBUF, stack.options().rxBufferBytes())
        .option(ChannelOption.ALLOW_HALF_CLOSURE, true) // the fault stage closes once the peer's FIN crossed
        .handler(new ChannelInitializer<>() {
          @Override
          protected void initChannel(Channel ch) {
            pipeline(ch, stage);
          }
        });
    InetAddress bind = stack.options().bindAddress();
    ChannelFuture f = bind != null && Addresses.isIpv6(bind) == Addresses.isIpv6(remote.getAddress())
        ? b.connect(remote, new InetSocketAddress(bind, 0))
        : b.connect(remote);
    t.track(f.channel());
    boolean late;
    synchronized (this) {
      channel = f.channel();
      late = closed; // closed while the connect waited for a blackhole
    }
    if (late) {
      f.channel().close();
      return;
    }
    f.addListener((ChannelFutureListener) fu -> {
      if (!fu.isSuccess()) post(Ev.ERROR, 0);
    });
  }

  /**
   * A connection that cannot be made (an IPv6 peer on an adapter without IPv6: lwIP finds no local
   * address and reports a socket error).
   */
  static TcpConn unreachable(NetStack stack, SocketCtrl owner) {
    TcpConn c = new TcpConn(stack, owner, stack.faults(owner.adapterNumber()), false);
    c.post(Ev.ERROR, 0);
    return c;
  }

  /** The pipeline of a client accepted by a listening socket; see {@link #pipeline(Channel, FaultHandler)}. I/O thread. */
  void pipeline(Channel ch) {
    pipeline(ch, faults.handler(false, false));
  }

  /**
   * Assembles the channel's pipeline, the one place where stages go: {@code stage}, the adapter's
   * faults, next to the socket; TLS when configured ({@link TlsHandler}, which reports the end of
   * the handshake as CONNECT_OK or ERROR while the ctrl is in state 4); then the handler turning
   * channel events into adapter events.
   */
  private void pipeline(Channel ch, FaultHandler stage) {
    if (tls != null) ch.pipeline().addLast("tls", new TlsHandler(this, tls, host));
    ch.pipeline().addLast("adapter-events", new Handler());
    ch.pipeline().addFirst("faults", stage); // next to the socket, below TLS
  }

  /** A client accepted by a listening socket, without a ctrl until the script takes it. I/O thread. */
  static TcpConn accepted(NetStack stack, Channel ch, AdapterFaults faults) {
    TcpConn c = new TcpConn(stack, null, faults, true);
    c.channel = ch;
    return c;
  }

  private TcpConn(NetStack stack, SocketCtrl owner, AdapterFaults faults, boolean accepted) {
    super(stack, owner, faults);
    this.accepted = accepted;
  }

  /** Also gives up a connect still waiting for a blackhole to clear. */
  @Override
  void close() {
    AdapterFaults.Stall s = stall;
    if (s != null) s.cancel();
    super.close();
  }

  /** The peer's address: the server for a client socket, the client for an accepted one. */
  InetSocketAddress remote() {
    Channel ch = channel;
    return ch == null ? null : (InetSocketAddress) ch.remoteAddress();
  }

  /** Sends {@code data} (ownership passes here); TX_OK follows when it is flushed. Device thread. */
  void write(ByteBuf data) {
    Channel ch = channel;
    synchronized (this) {
      if (closed || severed || ch == null) {
        data.release();
        return;
      }
    }
    int len = data.readableBytes();
    unsent.addAndGet(len);
    // the listener is in place before the write starts, so it runs on the event loop and TX_OK is
    // posted before any echo the write provokes
    ChannelPromise done = ch.newPromise();
    done.addListener((ChannelFutureListener) f -> {
      unsent.addAndGet(-len);
      if (f.isSuccess()) post(Ev.TX_OK, len);
    });
    ch.writeAndFlush(data, done);
  }

  @Override
  boolean canQueue(int len) {
    return unsent.get() + len <= stack.options().txBufferBytes();
  }

  /**
   * lwIP's {@code tcp_close}: what was sent is flushed, then FIN; CLOSE_OK is posted once the host
   * socket is closed, without waiting for the peer's FIN (net_lwip2 reports the close as done
   * at once).
   */
  @Override
  boolean disconnect() {
    Channel ch;
    synchronized (this) {
      if (closed || channel == null) return false;
      disconnecting = true;
      ch = channel;
    }
    ch.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    ch.closeFuture().addListener(f -> postCloseOk());
    return true;
  }

  /** Per-channel inbound handler: turns channel events into adapter events. */
  final class Handler extends ChannelInboundHandlerAdapter {
    private boolean failed; // an exception closed the channel: report ERROR, not REMOTE_CLOSE

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      if (!accepted) post(Ev.CONNECT_OK, 0);
      ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ByteBuf data = (ByteBuf) msg;
      int n = data.readableBytes();
      if (offer(ctx.channel(), data, null, false)) post(Ev.RX_NEW, n);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      failed = true;
      ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      post(failed ? Ev.ERROR : Ev.REMOTE_CLOSE, 0);
      ctx.fireChannelInactive();
    }
  }

  final boolean accepted;
  private TlsSettings tls; // null: plain TCP
  private String host; // the name given to connect, for SNI and the certificate check
  private AdapterFaults.Stall stall; // a connect held by a blackhole; set on the device thread
  private final AtomicLong unsent = new AtomicLong(); // bytes handed to Netty and not yet flushed
}
