package airemu.netif;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import java.io.IOException;
import org.bouncycastle.tls.TlsClientProtocol;

/**
 * TLS over a TCP channel, in front of the handler that turns channel events into adapter events:
 * Bouncy Castle's {@link TlsClientProtocol} in its non-blocking mode, fed with what the channel
 * reads and drained into what it writes, all on the channel's event loop. No thread waits.
 *
 * <p>What the ctrl sees follows {@code network_state_shakehand}: the TCP connect is reported as
 * usual (state 4), the end of the handshake as a second CONNECT_OK (state 5, {@code ON_LINE,0}),
 * and a failed handshake as one ERROR carrying the mbedtls error code (the firmware's
 * {@code TLS handshake failed 0x...} line, then {@code ON_LINE,-1}), after which the connection
 * is closed. A server that closes mid-handshake is a remote close, which fails it too. A server
 * that says nothing leaves the ctrl in state 4: mbedtls has no handshake timeout on a stream (its
 * read timeout only counts in blocking reads), so the script's own timeout decides, as on a module.
 *
 * <p>A renegotiation the server asks for runs in the same way, as mbedtls on the module accepts it.
 *
 * <p>After the handshake, plaintext goes up as the channel's reads and the script's writes go down
 * encrypted with the same promise, so TX_OK still means "flushed to the host socket". A graceful
 * {@code discon} sends no close_notify, as {@code network_close} frees the mbedtls context without.
 */
final class TlsHandler extends ChannelDuplexHandler implements ModuleTlsClient.Events {

  TlsHandler(Conn conn, TlsSettings settings, String host) {
    this.conn = conn;
    this.log = new TlsLog(conn.stack);
    this.client = new ModuleTlsClient(settings, host, log, this, conn.stack::wallMillis);
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    ctx.fireChannelActive(); // TCP connected: state 4
    try {
      protocol.connect(client);
    } catch (IOException | RuntimeException e) {
      fail(ctx, e);
      return;
    }
    sendOutput(ctx, null);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    ByteBuf in = (ByteBuf) msg;
    byte[] bytes;
    try {
      bytes = ByteBufUtil.getBytes(in);
    } finally {
      in.release();
    }
    if (failed) return;
    log.received(bytes.length);
    try {
      protocol.offerInput(bytes);
    } catch (IOException | RuntimeException e) {
      fail(ctx, e);
      return;
    }
    sendOutput(ctx, null);
    if (handshakeDone && !announced) {
      announced = true;
      conn.post(Ev.CONNECT_OK, 0); // state 5, ON_LINE,0
    }
    int n = protocol.getAvailableInputBytes();
    if (n > 0) {
      byte[] plain = new byte[n];
      protocol.readInput(plain, 0, n);
      ctx.fireChannelRead(Unpooled.wrappedBuffer(plain));
    }
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    ByteBuf data = (ByteBuf) msg;
    if (!data.isReadable()) {
      ctx.write(data, promise); // the empty write of a discon: nothing to encrypt
      return;
    }
    byte[] bytes;
    try {
      bytes = ByteBufUtil.getBytes(data);
    } finally {
      data.release();
    }
    if (failed || !announced) {
      promise.setFailure(new IOException("TLS connection not established"));
      return;
    }
    try {
      protocol.writeApplicationData(bytes, 0, bytes.length);
    } catch (IOException | RuntimeException e) {
      promise.setFailure(e);
      fail(ctx, e);
      return;
    }
    sendOutput(ctx, promise);
  }

  @Override
  public void handshakeDone() {
    handshakeDone = true;
  }

  /** Writes what the protocol has to send; with {@code promise}, completes it when flushed. */
  private void sendOutput(ChannelHandlerContext ctx, ChannelPromise promise) {
    int n = protocol.getAvailableOutputBytes();
    if (n == 0) {
      if (promise != null) promise.setSuccess();
      return;
    }
    byte[] out = new byte[n];
    protocol.readOutput(out, 0, n);
    log.sent(n);
    ByteBuf buf = Unpooled.wrappedBuffer(out);
    if (promise != null) {
      ctx.write(buf, promise);
    } else {
      ctx.writeAndFlush(buf);
    }
  }

  /** The handshake or a record failed: the alert goes out, the ctrl hears ERROR, the socket closes. */
  private void fail(ChannelHandlerContext ctx, Throwable e) {
    if (failed) return;
    failed = true;
    sendOutput(ctx, null);
    conn.post(Ev.ERROR, announced ? 0 : ModuleTlsClient.mbedtlsError(e));
    ctx.close();
  }

  private final Conn conn;
  private final TlsLog log;
  private final ModuleTlsClient client;
  /** Non-blocking mode; asks the client whether to renegotiate (Bouncy Castle's own client always refuses). */
  private final TlsClientProtocol protocol = new TlsClientProtocol() {
    @Override
    protected int getRenegotiationPolicy() {
      return client.getRenegotiationPolicy();
    }
  };
  private boolean handshakeDone; // the protocol finished the handshake (set inside offerInput)
  private boolean announced; // CONNECT_OK for the handshake was posted
  private boolean failed;
}
