package airemu.netif.peers;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.function.LongSupplier;

/**
 * An SNTP server (RFC 4330) answering client requests with the host's time, for
 * {@code socket.sntp()} pointed at it through the hosts table. It answers mode 3 (client) requests
 * of at least 48 bytes with a mode 4 (server) reply: stratum 1, reference "LOCL", the request's
 * transmit timestamp as originate, and receive and transmit timestamps from the clock.
 *
 * <pre>{@code
 * try (SntpPeer ntp = SntpPeer.start(InetAddress.getLoopbackAddress(), 0, System::currentTimeMillis)) {
 *   options = options.withHost("ntp.aliyun.com", ntp.address().getAddress());
 * }
 * }</pre>
 */
public final class SntpPeer implements AutoCloseable {
  /** Seconds from the NTP epoch (1900) to the Unix epoch (1970). */
  static final long NTP_UNIX_OFFSET = 2_208_988_800L;
  static final int PACKET = 48;

  /** Starts on {@code port} of {@code bind} (0: any free port); {@code clockMillis} gives Unix milliseconds. */
  public static SntpPeer start(InetAddress bind, int port, LongSupplier clockMillis) {
    PeerLoop loop = new PeerLoop("airemu-sntp");
    try {
      Channel ch = new Bootstrap().group(loop.group).channelFactory(loop.datagrams(bind))
          .handler(new Responder(clockMillis))
          .bind(new InetSocketAddress(bind, port)).syncUninterruptibly().channel();
      return new SntpPeer(loop, ch);
    } catch (Exception e) { // Netty rethrows a bind failure as the checked BindException
      loop.shutdown();
      if (e instanceof RuntimeException r) throw r;
      throw new IllegalStateException("SNTP peer cannot listen on " + bind + ":" + port + ": " + e.getMessage(), e);
    }
  }

  /** Serves on a socket already bound by the JDK; see {@link EchoPeer#adopt}. */
  public static SntpPeer adopt(java.nio.channels.DatagramChannel udp, LongSupplier clockMillis) {
    PeerLoop loop = new PeerLoop("airemu-sntp", false);
    try {
      Channel ch = new Bootstrap().group(loop.group).channelFactory(() -> new io.netty.channel.socket.nio.NioDatagramChannel(udp))
          .handler(new Responder(clockMillis)).register().syncUninterruptibly().channel();
      return new SntpPeer(loop, ch);
    } catch (RuntimeException e) {
      loop.shutdown();
      throw e;
    }
  }

  private SntpPeer(PeerLoop loop, Channel channel) {
    this.loop = loop;
    this.channel = channel;
  }

  public InetSocketAddress address() {
    return (InetSocketAddress) channel.localAddress();
  }

  public int port() {
    return address().getPort();
  }

  @Override
  public void close() {
    channel.close().syncUninterruptibly();
    loop.shutdown();
  }

  /** Writes Unix milliseconds as a 64-bit NTP timestamp (seconds since 1900, 32-bit fraction). */
  static void writeTimestamp(ByteBuf out, long unixMillis) {
    long seconds = Math.floorDiv(unixMillis, 1000L) + NTP_UNIX_OFFSET;
    long fraction = (Math.floorMod(unixMillis, 1000L) << 32) / 1000L;
    out.writeInt((int) seconds);
    out.writeInt((int) fraction);
  }

  private static final class Responder extends SimpleChannelInboundHandler<DatagramPacket> {
    private final LongSupplier clock;

    Responder(LongSupplier clock) {
      this.clock = clock;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket p) {
      long received = clock.getAsLong();
      ByteBuf q = p.content();
      if (q.readableBytes() < PACKET) return;
      int first = q.getUnsignedByte(q.readerIndex());
      int version = (first >> 3) & 7;
      if ((first & 7) != 3) return; // only client requests
      ByteBuf r = ctx.alloc().buffer(PACKET);
      r.writeByte((version == 0 ? 4 : version) << 3 | 4); // LI 0, the client's version, mode 4
      r.writeByte(1); // stratum: primary reference
      r.writeByte(q.getByte(q.readerIndex() + 2)); // poll: the client's
      r.writeByte(-20); // precision: about a microsecond
      r.writeInt(0); // root delay
      r.writeInt(0x00000100); // root dispersion: 1/256 s
      r.writeBytes(new byte[] {'L', 'O', 'C', 'L'}); // reference id
      writeTimestamp(r, received); // reference timestamp
      r.writeBytes(q, q.readerIndex() + 40, 8); // originate: the client's transmit timestamp
      writeTimestamp(r, received); // receive
      writeTimestamp(r, clock.getAsLong()); // transmit
      ctx.writeAndFlush(new DatagramPacket(r, p.sender()));
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      // keep serving
    }
  }

  private final PeerLoop loop;
  private final Channel channel;
}
