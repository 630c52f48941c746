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
 * A UART as UDP datagrams: each datagram that arrives is received data. With a fixed peer
 * ({@code udp:9001@19001}) all output goes there from the start, whether or not anyone listens: that
 * is the LuatOS PC simulator's convention ({@code bsp/pc/port/uart/uart_drv_udp.c}: uart n receives on
 * port 9000 + n and always sends to 127.0.0.1:19000 + n). Without one ({@code udp:9001}) output goes to
 * whoever sent the last datagram, and until someone has sent it has nowhere to go and is not sent.
 */
final class UdpTransport extends SimpleChannelInboundHandler<DatagramPacket> implements Transport, Client {
  /** Output is split into datagrams of at most this, as the simulator's {@code uart_write_udp} splits it. */
  static final int MAX_DATAGRAM = 512;
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
    if (t.peer != null) hub.attach(t); // the simulator's peer is there from the start
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
    if (spec.peerHost() == null) peer = packet.sender();
    if (!attached) {
      attached = true;
      hub.attach(this);
    }
    hub.fromHost(ByteBufUtil.getBytes(packet.content()));
  }

  private UdpTransport(PortSpec spec, PortHub hub) {
    this.spec = spec;
    this.hub = hub;
    this.peer = spec.peerHost() == null ? null : new InetSocketAddress(spec.peerHost(), spec.peerPort());
    this.attached = peer != null;
  }

  private final PortSpec spec;
  private final PortHub hub;
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong queued = new AtomicLong();
  private volatile Channel channel;
  private volatile InetSocketAddress peer; // where output goes: the fixed peer, or the last sender
  private boolean attached; // event loop only
}
