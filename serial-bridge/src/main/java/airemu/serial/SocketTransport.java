package airemu.serial;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A TCP server for one port, raw ({@code tcp:}, pyserial's {@code socket://}) or speaking Telnet with
 * COM-PORT-OPTION ({@code rfc2217:}, see {@link Rfc2217Codec}). Any number of clients may connect; each
 * gets the backlog once it has settled (see {@link PortHub}) and then all output.
 *
 * <p>A client that does not read never slows the device: each connection may have
 * {@link #SLACK_BYTES} (plus a backlog) waiting in Netty beyond what the kernel's socket buffers hold,
 * and output past that is dropped for that client alone and counted.
 */
final class SocketTransport implements Transport {
  /** Output one connection may have queued in Netty, over the backlog it was given. */
  static final int SLACK_BYTES = 256 * 1024;

  static SocketTransport open(PortSpec spec, PortHub hub) throws IOException {
    SocketTransport t = new SocketTransport(spec, hub);
    boolean telnet = spec.kind() == PortSpec.Kind.RFC2217;
    ServerBootstrap bootstrap = new ServerBootstrap()
        .group(EventLoops.shared())
        .channel(NioServerSocketChannel.class)
        .option(ChannelOption.SO_REUSEADDR, true) // restart on the same port while old sockets linger
        .childOption(ChannelOption.TCP_NODELAY, true) // log lines and shell replies are small and wanted now
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            if (telnet) ch.pipeline().addLast("rfc2217", new Rfc2217Codec());
            ch.pipeline().addLast("client", t.new Connection());
          }
        });
    ChannelFuture bound = bootstrap.bind(spec.host(), spec.port()).awaitUninterruptibly();
    if (!bound.isSuccess()) {
      Throwable cause = bound.cause();
      throw new IOException("cannot listen on " + spec.host() + ":" + spec.port() + ": "
          + (cause == null ? "unknown error" : cause.getMessage()), cause);
    }
    t.server = bound.channel();
    return t;
  }

  @Override
  public Endpoint endpoint() {
    InetSocketAddress local = (InetSocketAddress) server.localAddress();
    String scheme = spec.kind() == PortSpec.Kind.RFC2217 ? "rfc2217://" : "socket://";
    String host = spec.host().indexOf(':') >= 0 ? "[" + spec.host() + "]" : spec.host();
    return new Endpoint(spec, scheme + host + ":" + local.getPort(), null, local.getPort());
  }

  @Override
  public long droppedBytes() {
    return dropped.get();
  }

  @Override
  public void close() {
    Channel s = server;
    if (s == null) return;
    s.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    for (Channel c : connections) c.close();
  }

  /** Connected, for tests. */
  int connections() {
    return connections.size();
  }

  private SocketTransport(PortSpec spec, PortHub hub) {
    this.spec = spec;
    this.hub = hub;
  }

  private static Logger log() {
    return LoggerFactory.getLogger(SocketTransport.class);
  }

  /** One connected client; lives on its channel's event loop except for {@link #send}. */
  private final class Connection extends ChannelInboundHandlerAdapter implements Client {

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      channel = ctx.channel();
      connections.add(channel);
      if (hub.replaysBacklog()) {
        settleLater(ctx);
      } else {
        attach();
      }
      ctx.fireChannelActive();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
      if (evt == Rfc2217Codec.NEGOTIATION) {
        if (!attached) settleLater(ctx); // still opening: restart the quiet period
      } else {
        ctx.fireUserEventTriggered(evt);
      }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      byte[] bytes;
      try {
        bytes = ByteBufUtil.getBytes((ByteBuf) msg);
      } finally {
        ReferenceCountUtil.release(msg);
      }
      if (!attached) attach(); // a client that sends has finished opening
      hub.fromHost(bytes);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      connections.remove(ctx.channel());
      if (settle != null) settle.cancel(false);
      hub.detach(this);
      ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      // A client resetting its connection is routine for a serial port; only say so when debugging.
      log().debug("{}: closing {}: {}", spec, ctx.channel().remoteAddress(), cause.toString());
      ctx.close();
    }

    @Override
    public void send(byte[] bytes) {
      int len = bytes.length;
      if (queued.get() + len > limit) {
        dropped.addAndGet(len);
        return;
      }
      queued.addAndGet(len);
      channel.writeAndFlush(Unpooled.wrappedBuffer(bytes)).addListener(f -> queued.addAndGet(-len));
    }

    private void settleLater(ChannelHandlerContext ctx) {
      if (settle != null) settle.cancel(false);
      settle = ctx.executor().schedule(this::attach, PortHub.SETTLE_MILLIS, TimeUnit.MILLISECONDS);
    }

    private void attach() {
      if (attached || !channel.isActive()) return;
      attached = true;
      hub.attach(this);
    }

    private Channel channel;
    private boolean attached; // event loop only
    private ScheduledFuture<?> settle; // event loop only
    private final AtomicLong queued = new AtomicLong(); // bytes handed to Netty and not yet written
    private final long limit = (long) SLACK_BYTES + hub.backlogCapacity();
  }

  private final PortSpec spec;
  private final PortHub hub;
  private final AtomicLong dropped = new AtomicLong();
  private final Set<Channel> connections = ConcurrentHashMap.newKeySet();
  private volatile Channel server;
}
