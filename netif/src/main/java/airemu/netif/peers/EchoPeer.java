package airemu.netif.peers;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * An echo service on one port for TCP and UDP, what {@code netlab.luatos.com} offers the demos: every
 * byte received on a TCP connection is sent back on it, every datagram goes back to its sender. A
 * client that does not read is not read from either (the echo waits for the socket to drain).
 *
 * <pre>{@code
 * try (EchoPeer echo = EchoPeer.start(InetAddress.getLoopbackAddress(), 0)) {
 *   options = options.withHost("netlab.luatos.com", echo.address().getAddress());
 * }
 * }</pre>
 */
public final class EchoPeer implements AutoCloseable {

  /** Starts on {@code port} of {@code bind} (0: a free port, the same for TCP and UDP). */
  public static EchoPeer start(InetAddress bind, int port) {
    PeerLoop loop = new PeerLoop("airemu-echo");
    try {
      for (int attempt = 0; ; attempt++) {
        Channel tcp = new ServerBootstrap().group(loop.group).channelFactory(loop.servers())
            .childHandler(new ChannelInitializer<>() {
              @Override
              protected void initChannel(Channel ch) {
                ch.pipeline().addLast(new StreamEcho());
              }
            })
            .bind(new InetSocketAddress(bind, port)).syncUninterruptibly().channel();
        int bound = ((InetSocketAddress) tcp.localAddress()).getPort();
        try {
          Channel udp = new Bootstrap().group(loop.group).channelFactory(loop.datagrams(bind))
              .option(ChannelOption.SO_BROADCAST, false)
              .handler(new DatagramEcho())
              .bind(new InetSocketAddress(bind, bound)).syncUninterruptibly().channel();
          return new EchoPeer(loop, tcp, udp);
        } catch (Exception e) { // Netty rethrows the bind failure unchecked or as the checked BindException
          tcp.close().syncUninterruptibly();
          // the TCP port's UDP twin is taken: with a fixed port that is fatal, else try another
          if (port != 0 || attempt >= 20 || !(e instanceof BindException)) throw e;
        }
      }
    } catch (Exception e) {
      loop.shutdown();
      if (e instanceof RuntimeException r) throw r;
      throw new IllegalStateException("echo peer cannot listen on " + bind + ":" + port + ": " + e.getMessage(), e);
    }
  }

  /**
   * Serves on sockets already bound by the JDK, so a caller can hand out their address at once and
   * leave the slower start of the event loop to another thread; connections and datagrams that
   * arrive meanwhile wait in the sockets' queues.
   */
  public static EchoPeer adopt(java.nio.channels.ServerSocketChannel tcp, java.nio.channels.DatagramChannel udp) {
    PeerLoop loop = new PeerLoop("airemu-echo", false);
    try {
      Channel t = new ServerBootstrap().group(loop.group).channelFactory(() -> new NioServerSocketChannel(tcp))
          .childHandler(new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) {
              ch.pipeline().addLast(new StreamEcho());
            }
          })
          .register().syncUninterruptibly().channel();
      Channel u = new Bootstrap().group(loop.group).channelFactory(() -> new NioDatagramChannel(udp))
          .handler(new DatagramEcho()).register().syncUninterruptibly().channel();
      return new EchoPeer(loop, t, u);
    } catch (RuntimeException e) {
      loop.shutdown();
      throw e;
    }
  }

  private EchoPeer(PeerLoop loop, Channel tcp, Channel udp) {
    this.loop = loop;
    this.tcp = tcp;
    this.udp = udp;
  }

  /** The address both services listen on. */
  public InetSocketAddress address() {
    return (InetSocketAddress) tcp.localAddress();
  }

  public int port() {
    return address().getPort();
  }

  @Override
  public void close() {
    tcp.close().syncUninterruptibly();
    udp.close().syncUninterruptibly();
    loop.shutdown();
  }

  /** Echoes a TCP connection, reading only while the echo can be written. */
  private static final class StreamEcho extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ctx.write(msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      ctx.flush();
      if (!ctx.channel().isWritable()) ctx.channel().config().setAutoRead(false);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
      if (ctx.channel().isWritable()) ctx.channel().config().setAutoRead(true);
      ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }

  /** Sends every datagram back to where it came from. */
  private static final class DatagramEcho extends SimpleChannelInboundHandler<DatagramPacket> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket p) {
      ctx.writeAndFlush(new DatagramPacket(p.content().retain(), p.sender()));
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      // a datagram socket survives ICMP errors
    }
  }

  private final PeerLoop loop;
  private final Channel tcp;
  private final Channel udp;
}
