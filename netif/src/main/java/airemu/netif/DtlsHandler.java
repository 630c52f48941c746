package airemu.netif;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.socket.DatagramPacket;
import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * DTLS over a UDP channel, in front of {@link UdpConn}'s handler: a {@link DtlsClient} driven on the
 * channel's event loop by the datagrams it reads, so no thread waits for a handshake, whatever the
 * peer does. Only datagrams from the connected peer count, as the firmware's {@code tls_recv} skips
 * the others.
 *
 * <p>Events are those of TCP TLS ({@link TlsHandler}): bound (state 4), handshake done (state 5,
 * {@code ON_LINE,0}), handshake failed (ERROR with the mbedtls code, {@code ON_LINE,-1}); a fatal
 * alert or close_notify once online is an ERROR. Afterwards each datagram of the script goes out as
 * one application record, with the script's promise ({@link SocketCtrl} refuses one longer than
 * {@link #MAX_RECORD}, as mbedtls does), and each record received goes up as one datagram from the peer. Closing sends no close_notify, as
 * {@code network_close} frees the mbedtls context without.
 */
final class DtlsHandler extends ChannelDuplexHandler implements DtlsClient.Link {

  DtlsHandler(Conn conn, InetSocketAddress peer, TlsSettings settings, String host) {
    this.conn = conn;
    this.peer = peer;
    NetStack stack = conn.stack;
    this.client = new DtlsClient(settings, host, new TlsLog(stack), this, stack::clockMillis, stack::wallMillis);
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    this.ctx = ctx;
    ctx.fireChannelActive(); // bound: state 4
    client.start();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    DatagramPacket p = (DatagramPacket) msg;
    byte[] bytes;
    boolean fromPeer = Addresses.sameEndpoint(p.sender(), peer);
    try {
      bytes = ByteBufUtil.getBytes(p.content());
    } finally {
      p.release();
    }
    if (fromPeer && !closed) client.datagram(bytes);
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    DatagramPacket p = (DatagramPacket) msg;
    byte[] bytes;
    try {
      bytes = ByteBufUtil.getBytes(p.content());
    } finally {
      p.release();
    }
    if (!online || failed) {
      promise.setFailure(new IOException("DTLS connection not established"));
      return;
    }
    // one record, always to the peer: a DTLS ctrl ignores tx's address
    ctx.write(new DatagramPacket(Unpooled.wrappedBuffer(client.seal(bytes)), peer), promise);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    closed = true;
    ctx.fireChannelInactive();
  }

  // --- DtlsClient.Link, on the event loop -------------------------------------------------------

  @Override
  public void send(byte[] datagram) {
    if (!closed) ctx.writeAndFlush(new DatagramPacket(Unpooled.wrappedBuffer(datagram), peer));
  }

  @Override
  public void established() {
    online = true;
    conn.post(Ev.CONNECT_OK, 0); // state 5, ON_LINE,0
  }

  @Override
  public void failed(int code) {
    failed = true;
    conn.post(Ev.ERROR, online ? 0 : code);
  }

  @Override
  public void data(byte[] plain) {
    ctx.fireChannelRead(new DatagramPacket(Unpooled.wrappedBuffer(plain), (InetSocketAddress) ctx.channel().localAddress(), peer));
  }

  /** mbedtls's largest plaintext record ({@code MBEDTLS_SSL_OUT_CONTENT_LEN}, its default). */
  static final int MAX_RECORD = 16384;

  private final Conn conn;
  private final InetSocketAddress peer;
  private final DtlsClient client;
  private ChannelHandlerContext ctx;
  private boolean closed;
  private boolean failed;
  private boolean online; // the handshake finished
}
