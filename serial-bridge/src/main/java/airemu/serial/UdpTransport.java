package airemu.serial;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.nio.NioDatagramChannel;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A UART as UDP datagrams, the LuatOS PC simulator's convention ({@code uart_drv_udp.c}, port 9000 + id):
 * each datagram that arrives is received data, and output goes to whoever sent the last one. Until
 * someone has sent, output has nowhere to go and is not sent.
 */
final class UdpTransport extends SimpleChannelInboundHandler<DatagramPacket> implements Transport, Client {
  /** Output larger than this is split, well below the 65,507-byte limit of one datagram. */
  static final int MAX_DATAGRAM = 16 * 1024;
  static final int SLACK_BYTES = 256 * 1024;

  static UdpTransport open(PortSpec spec, PortHub hub) throws IOException {
    UdpTransport t = new UdpTransport(spec, hub);
    ChannelFuture bound = new Bootstrap()
        .group(EventLoops.shared())
        .channel(NioDatagramChannel.class)
        .handler(t)
        .bind(spec.host(), spec.port())
        .awaitUninterruptibly();
    if (!bound.isSuccess()) {
      Throwable cause = bound.cause();
      throw new IOException("cannot bind udp " + spec.host() + ":" + spec.port() + ": "
          + (cause == null ? "unknown error" : cause.getMessage()), cause);
    }
    t.channel = bound.channel();
    return t;
  }

  @Override
  public Endpoint endpoint() {
    int port = ((InetSocketAddress) channel.localAddress()).getPort();
    String host = spec.host().indexOf(':') >= 0 ? "[" + spec.host() + "]" : spec.host();
    return new Endpoint(spec, "udp://" + host + ":" + port, null, port);
  }

  @Override
  public long droppedBytes() {
    return dropped.get();
  }

  @Override
  public void close() {
    Channel c = channel;
    if (c != null) c.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    hub.detach(this);
  }

  @Override
  public void send(byte[] bytes) {
    InetSocketAddress to = peer;
    if (to == null) return;
    if (queued.get() + bytes.length > SLACK_BYTES) {
      dropped.addAndGet(bytes.length);
      return;
    }
    for (int off = 0; off < bytes.length; off += MAX_DATAGRAM) {
      int len = Math.min(MAX_DATAGRAM, bytes.length - off);
      queued.addAndGet(len);
      channel.writeAndFlush(new DatagramPacket(Unpooled.wrappedBuffer(bytes, off, len), to))
          .addListener(f -> queued.addAndGet(-len));
    }
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
    peer = packet.sender();
    if (!attached) {
      attached = true;
      hub.attach(this);
    }
    hub.fromHost(ByteBufUtil.getBytes(packet.content()));
  }

  private UdpTransport(PortSpec spec, PortHub hub) {
    this.spec = spec;
    this.hub = hub;
  }

  private final PortSpec spec;
  private final PortHub hub;
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong queued = new AtomicLong();
  private volatile Channel channel;
  private volatile InetSocketAddress peer; // the last sender, where output goes
  private boolean attached; // event loop only
}
