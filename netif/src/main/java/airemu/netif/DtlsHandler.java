package airemu.netif;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.tls.DTLSClientProtocol;
import org.bouncycastle.tls.DTLSTransport;
import org.bouncycastle.tls.DatagramTransport;

/**
 * DTLS over a UDP channel, in front of {@link UdpConn}'s handler; the datagram transport Bouncy
 * Castle's DTLS runs on. Only datagrams from the connected peer count, as the firmware's
 * {@code tls_recv} skips the others.
 *
 * <p>Bouncy Castle's DTLS handshake has no non-blocking form, so the handshake (and only it) runs
 * on a shared pool thread that waits for the datagrams this handler queues; a closed socket wakes
 * it and ends it. Once established, records are read on the channel's event loop as they arrive
 * and the script's datagrams are encrypted there, with no thread waiting.
 *
 * <p>Events are those of TCP TLS ({@link TlsHandler}): bound (state 4), handshake done (state 5,
 * {@code ON_LINE,0}), handshake failed (ERROR with the mbedtls code, {@code ON_LINE,-1}). The first
 * flight is resent after 2 s, doubling, as mbedtls's handshake timeout starts; there is no overall
 * limit, since the firmware only steps a handshake when a datagram arrives.
 */
final class DtlsHandler extends ChannelDuplexHandler implements DatagramTransport, ModuleTlsClient.Events {

  DtlsHandler(Conn conn, InetSocketAddress peer, TlsSettings settings, String host) {
    this.conn = conn;
    this.peer = peer;
    this.log = new TlsLog(conn.stack);
    this.client = new ModuleTlsClient(settings, host, log, this);
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    this.ctx = ctx;
    ctx.fireChannelActive(); // bound: state 4
    HANDSHAKES.execute(this::handshake);
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
    if (!fromPeer || failed) return;
    log.line(3, "ssl_msg.c", "read " + bytes.length + " bytes");
    inbox.offer(bytes);
    if (dtls != null) readRecords(ctx);
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
    if (dtls == null || failed) {
      promise.setFailure(new IOException("DTLS connection not established"));
      return;
    }
    pending = promise;
    try {
      dtls.send(bytes, 0, bytes.length); // always to the peer: a DTLS ctrl ignores tx's address
    } catch (IOException | RuntimeException e) {
      promise.tryFailure(e);
      fail(e);
    } finally {
      pending = null;
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    closed = true;
    inbox.offer(WAKE); // a handshake waiting for a datagram ends
    ctx.fireChannelInactive();
  }

  @Override
  public void handshakeDone() {
    // the handshake thread hands over in handshake(), once connect returns the transport
  }

  // --- DatagramTransport, for Bouncy Castle --------------------------------------------------

  @Override
  public int getReceiveLimit() {
    return UdpConn.MAX_DATAGRAM;
  }

  @Override
  public int getSendLimit() {
    return MAX_SEND;
  }

  /**
   * The next datagram from the peer. During the handshake it waits up to {@code waitMillis} (the
   * pool thread); afterwards it never waits: with nothing queued it throws an
   * {@link InterruptedIOException}, which Bouncy Castle passes up without failing the connection.
   */
  @Override
  public int receive(byte[] buf, int off, int len, int waitMillis) throws IOException {
    byte[] d;
    if (dtls == null) {
      try {
        d = inbox.poll(Math.max(1, waitMillis), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted");
      }
    } else {
      d = inbox.poll();
      if (d == null) throw new InterruptedIOException("no datagram queued");
    }
    if (closed) throw new IOException("socket closed");
    if (d == null) return -1;
    int n = Math.min(len, d.length);
    System.arraycopy(d, 0, buf, off, n);
    return n;
  }

  @Override
  public void send(byte[] buf, int off, int len) {
    if (closed) return;
    log.line(3, "ssl_msg.c", "write " + len + " bytes");
    DatagramPacket p = new DatagramPacket(Unpooled.copiedBuffer(buf, off, len), peer);
    ChannelPromise promise = ctx.executor().inEventLoop() ? pending : null;
    pending = null;
    if (promise != null) {
      ctx.writeAndFlush(p, promise);
    } else {
      ctx.writeAndFlush(p);
    }
  }

  @Override
  public void close() {
    // the ctrl closes the channel; the module sends no close_notify either
  }

  // --- handshake and records ------------------------------------------------------------------

  /** On a pool thread: the blocking handshake, then the hand-over to the event loop. */
  private void handshake() {
    try {
      DTLSTransport t = new DTLSClientProtocol().connect(client, this);
      ctx.executor().execute(() -> established(t));
    } catch (IOException | RuntimeException e) {
      if (!closed) ctx.executor().execute(() -> fail(e));
    }
  }

  private void established(DTLSTransport t) {
    if (closed || failed) return;
    dtls = t;
    conn.post(Ev.CONNECT_OK, 0); // state 5, ON_LINE,0
    readRecords(ctx);
  }

  /** Decrypts what is queued; each application record goes up as one datagram from the peer. */
  private void readRecords(ChannelHandlerContext ctx) {
    byte[] buf = new byte[UdpConn.MAX_DATAGRAM];
    while (!failed && !closed) {
      int n;
      try {
        n = dtls.receivePending(buf, 0, buf.length);
        if (n < 0) {
          if (inbox.isEmpty()) return;
          n = dtls.receive(buf, 0, buf.length, 1);
        }
      } catch (InterruptedIOException e) {
        return; // nothing more queued
      } catch (IOException | RuntimeException e) {
        fail(e);
        return;
      }
      if (n >= 0) ctx.fireChannelRead(new DatagramPacket(Unpooled.copiedBuffer(buf, 0, n), (InetSocketAddress) ctx.channel().localAddress(), peer));
    }
  }

  private void fail(Throwable e) {
    if (failed || closed) return;
    failed = true;
    conn.post(Ev.ERROR, dtls != null ? 0 : ModuleTlsClient.mbedtlsError(e));
  }

  /** Handshake threads: daemons, made when needed, gone after a minute without a handshake. */
  private static final ExecutorService HANDSHAKES = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 60, TimeUnit.SECONDS,
      new SynchronousQueue<>(), new DefaultThreadFactory("airemu-dtls-handshake", true));
  private static final byte[] WAKE = new byte[0];
  /** Largest IPv4 UDP payload. */
  private static final int MAX_SEND = 65507;

  private final Conn conn;
  private final InetSocketAddress peer;
  private final TlsLog log;
  private final ModuleTlsClient client;
  private final LinkedBlockingQueue<byte[]> inbox = new LinkedBlockingQueue<>(); // datagrams from the peer
  private volatile ChannelHandlerContext ctx;
  private volatile DTLSTransport dtls; // set on the event loop once the handshake is done
  private volatile boolean closed;
  private boolean failed; // event loop only
  private ChannelPromise pending; // the script's write being encrypted, event loop only
}
