package airemu.netif;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPromise;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayDeque;
import java.util.SplittableRandom;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One channel's passage through its adapter's faults: the first stage of the pipeline, next to the
 * host socket and below TLS, so everything the device sends or receives crosses it as the network
 * would carry it.
 *
 * <table>
 * <caption>What each fault does here</caption>
 * <tr><th>fault</th><th>TCP</th><th>UDP</th></tr>
 * <tr><td>latency</td><td>each chunk, both ways, arrives delay ± jitter late, in order; the connection
 *     setup (channelActive of a client) takes a round trip; the peer's FIN or RST waits behind the
 *     data before it; a write completes (TX_OK) when it has crossed</td><td>each datagram arrives
 *     late, in order; a write completes at once, as lwIP reports a datagram sent when IP has it</td></tr>
 * <tr><td>bandwidth</td><td>each chunk waits for the adapter's shared line ({@link Pacer}) each way;
 *     reading stops while a backlog of {@code queueLimit} bytes waits, so the peer is held back by
 *     TCP flow control; the device's writes are bounded by its send buffer</td><td>datagrams beyond
 *     the backlog are dropped, as a router's queue drops them</td></tr>
 * <tr><td>blackhole</td><td>nothing passes, nothing is dropped: writes wait (no TX_OK), reading
 *     stops; both flow again when it clears</td><td>every datagram is lost</td></tr>
 * <tr><td>loss</td><td>none (TCP retransmits)</td><td>each datagram either way is lost with the
 *     percentage, drawn from this channel's generators</td></tr>
 * </table>
 *
 * <p>A change of faults replans what is held: it flows on by the new faults from now on. A reset
 * ({@link AdapterFaults#resetConnections}) drops what is in flight and closes with an RST, and the
 * layers above see the error a peer's RST gives. When the channel closes, data and errors still on
 * their way in are delivered at once (nothing received is lost), and writes still held fail.
 *
 * <p>Confined to the channel's event loop; {@link #changedLater} and {@link #resetLater} may be
 * called from any thread. With no fault set, everything passes straight through.
 */
final class FaultHandler extends ChannelDuplexHandler {

  FaultHandler(AdapterFaults faults, boolean datagram, boolean dialled, SplittableRandom in, SplittableRandom out) {
    this.faults = faults;
    this.datagram = datagram;
    this.dialled = dialled;
    this.inbound = new Lane(true, in);
    this.outbound = new Lane(false, out);
  }

  /** The adapter's faults changed: replan what is held. Any thread. */
  void changedLater() {
    ChannelHandlerContext c = ctx;
    if (c != null) AdapterFaults.execute(c.executor(), this::replan);
  }

  /** The network resets the connection. Any thread. */
  void resetLater() {
    ChannelHandlerContext c = ctx;
    if (c != null && !datagram) AdapterFaults.execute(c.executor(), this::reset);
  }

  /** The most bytes this channel's inbound side has held at once; for tests. */
  long mostHeldInbound() {
    return mostHeldIn;
  }

  // --- Netty ----------------------------------------------------------------------------------------

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    faults.attach(this);
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    faults.detach(this);
    removed = true;
    inbound.discard();
    outbound.discard();
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    if (dialled && !datagram) {
      inbound.offer(Kind.ACTIVE, null, null, 0, 2); // SYN out, SYN-ACK back: a round trip
    } else {
      ctx.fireChannelActive();
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    inbound.offer(Kind.DATA, msg, null, size(msg), 1);
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    if (inbound.isEmpty()) ctx.fireChannelReadComplete(); // else fired after the held data is delivered
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (datagram) {
      ctx.fireExceptionCaught(cause);
    } else {
      inbound.offer(Kind.ERROR, cause, null, 0, 1); // a peer's RST comes behind the data it followed
    }
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    // the peer's FIN (the channel allows half closure so that it can be held): the stages above
    // expect the channel to close, so it closes once the FIN has crossed
    if (evt == ChannelInputShutdownEvent.INSTANCE && !datagram) {
      inbound.offer(Kind.END, null, null, 0, 1);
    } else {
      ctx.fireUserEventTriggered(evt);
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    inbound.deliverAll();
    outbound.discard();
    ctx.fireChannelInactive();
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    outbound.offer(Kind.DATA, msg, promise, size(msg), 1);
  }

  // --- private --------------------------------------------------------------------------------------

  private enum Kind { DATA, ACTIVE, ERROR, END }

  /** Something on its way through: a chunk or datagram, or an event that keeps its place among them. */
  private static final class Held {
    final Kind kind;
    final Object msg; // ByteBuf, DatagramPacket, or the Throwable of an ERROR
    final ChannelPromise promise; // outbound data only
    final int size;
    final long arrival; // ticker time it reached this stage
    final double spread; // where in the jitter it falls, in [-1, 1]
    final int trips; // one-way crossings it takes
    Pacer pacer; // the bandwidth line it has reserved, or null
    long paced; // when it has crossed that line
    long due; // when it is delivered; NEVER while stalled

    Held(Kind kind, Object msg, ChannelPromise promise, int size, long arrival, double spread, int trips) {
      this.kind = kind;
      this.msg = msg;
      this.promise = promise;
      this.size = size;
      this.arrival = arrival;
      this.spread = spread;
      this.trips = trips;
    }
  }

  /** One direction: what is held, in order, and the timer for the first of it. */
  private final class Lane {
    Lane(boolean in, SplittableRandom random) {
      this.in = in;
      this.random = random;
    }

    boolean isEmpty() {
      return held.isEmpty();
    }

    void offer(Kind kind, Object msg, ChannelPromise promise, int size, int trips) {
      AdapterFaults.Now f = faults.now();
      if (datagram && kind == Kind.DATA && (f.blackhole() || f.loses(random))) {
        drop(msg, promise);
        return;
      }
      if (held.isEmpty() && f.passes()) {
        deliver(kind, msg, promise); // the caller's own flush or read-complete follows
        return;
      }
      if (datagram && bytes + size > faults.queueLimit()) {
        drop(msg, promise);
        return;
      }
      if (datagram && promise != null) {
        promise.trySuccess(); // handed to IP: lwIP reports a datagram sent at once, whatever the network does
        promise = ctx.newPromise();
      }
      long now = now();
      Held h = new Held(kind, msg, promise, size, now, random.nextDouble() * 2 - 1, trips);
      Held last = held.peekLast();
      held.add(h);
      bytes += size;
      if (in) mostHeldIn = Math.max(mostHeldIn, bytes);
      plan(h, f, now, last != null ? last.due : lastDue);
      pressure(f);
      arm();
    }

    /** Plans everything held again under the faults set now. */
    void replan() {
      AdapterFaults.Now f = faults.now();
      if (datagram && f.blackhole()) {
        for (Held h; (h = held.poll()) != null; ) drop(h.msg, h.promise);
        bytes = 0;
      }
      long now = now();
      long prev = lastDue;
      for (Held h : held) {
        plan(h, f, now, prev);
        prev = h.due;
      }
      pressure(f);
      arm();
    }

    /** When {@code h} arrives: after its crossing of the bandwidth line and its delay, never before {@code prev}. */
    private void plan(Held h, AdapterFaults.Now f, long now, long prev) {
      if (f.blackhole()) {
        h.due = NEVER;
        return;
      }
      long start = h.arrival;
      Pacer line = faults.pacer(in);
      if (line != null && h.size > 0) {
        if (h.pacer != line) {
          h.pacer = line;
          h.paced = line.reserve(Math.max(h.arrival, now), h.size);
        }
        start = h.paced;
      }
      h.due = Math.max(prev, start + f.delayNanos(h.spread, h.trips));
    }

    /** Reading stops while the network holds data back, and resumes when it drains. */
    private void pressure(AdapterFaults.Now f) {
      if (!in || datagram || removed) return;
      boolean hold = f.blackhole() || bytes >= faults.queueLimit();
      boolean resume = !f.blackhole() && bytes <= faults.queueLimit() / 2;
      if (hold && !gated) {
        gated = true;
        ReadGate.hold(ctx.channel(), ReadGate.FAULTS, true);
      } else if (resume && gated) {
        gated = false;
        ReadGate.hold(ctx.channel(), ReadGate.FAULTS, false);
      }
    }

    private void arm() {
      Held head = held.peek();
      if (head == null || head.due == NEVER) {
        cancelTimer();
        return;
      }
      if (timer != null && timerAt == head.due) return;
      cancelTimer();
      timerAt = head.due;
      timer = ctx.executor().schedule(this::drain, Math.max(0, head.due - now()), TimeUnit.NANOSECONDS);
    }

    private void drain() {
      timer = null;
      long now = now();
      boolean data = false, any = false;
      for (Held h; !removed && (h = held.peek()) != null && h.due <= now; ) {
        held.poll();
        bytes -= h.size;
        lastDue = h.due;
        data |= h.kind == Kind.DATA;
        any = true;
        deliver(h.kind, h.msg, h.promise);
      }
      if (removed) return;
      if (any) finish(data);
      pressure(faults.now());
      arm();
    }

    /** The channel closed: what was on its way in arrives now; what was going out is gone. */
    void deliverAll() {
      cancelTimer();
      boolean data = false;
      for (Held h; (h = held.poll()) != null; ) {
        bytes -= h.size;
        if (h.kind == Kind.END) continue;
        data |= h.kind == Kind.DATA;
        deliver(h.kind, h.msg, h.promise);
      }
      if (data) ctx.fireChannelReadComplete();
    }

    /** Drops everything held: buffers released, writes failed. */
    void discard() {
      cancelTimer();
      for (Held h; (h = held.poll()) != null; ) {
        if (h.kind == Kind.DATA) ReferenceCountUtil.release(h.msg);
        if (h.promise != null) h.promise.tryFailure(new ClosedChannelException());
      }
      bytes = 0;
    }

    private void deliver(Kind kind, Object msg, ChannelPromise promise) {
      if (!in) {
        ctx.write(msg, promise);
        return;
      }
      switch (kind) {
        case DATA -> ctx.fireChannelRead(msg);
        case ACTIVE -> ctx.fireChannelActive();
        case ERROR -> ctx.fireExceptionCaught((Throwable) msg);
        case END -> ctx.channel().close();
      }
    }

    /** Ends a batch: inbound data is followed by a read-complete, outbound writes by a flush. */
    private void finish(boolean data) {
      if (!in) {
        ctx.flush();
      } else if (data) {
        ctx.fireChannelReadComplete();
      }
    }

    private void drop(Object msg, ChannelPromise promise) {
      ReferenceCountUtil.release(msg);
      if (promise != null) promise.trySuccess(); // handed to IP, lost on the way: lwIP reports it sent
    }

    private void cancelTimer() {
      if (timer != null) {
        timer.cancel(false);
        timer = null;
      }
    }

    private final boolean in;
    private final SplittableRandom random; // this direction's jitter and loss draws
    private final ArrayDeque<Held> held = new ArrayDeque<>();
    private long bytes; // size of what is held
    private long lastDue = Long.MIN_VALUE; // due time of the last delivered: later ones never overtake it
    private ScheduledFuture<?> timer; // delivers the head when due
    private long timerAt;
    private boolean gated; // this lane holds the channel's reading (inbound TCP only)
  }

  private void replan() {
    if (removed) return;
    inbound.replan();
    outbound.replan();
  }

  private void reset() {
    if (removed || !ctx.channel().isActive()) return;
    inbound.discard();
    outbound.discard();
    ctx.channel().config().setOption(ChannelOption.SO_LINGER, 0); // the close sends an RST to the peer
    ctx.fireExceptionCaught(new IOException("Connection reset by peer")); // what a peer's RST gives
    ctx.channel().close();
  }

  private long now() {
    return ctx.executor().ticker().nanoTime();
  }

  private static int size(Object msg) {
    if (msg instanceof ByteBuf b) return b.readableBytes();
    if (msg instanceof DatagramPacket p) return p.content().readableBytes();
    return 0;
  }

  private static final long NEVER = Long.MAX_VALUE;

  private final AdapterFaults faults;
  private final boolean datagram;
  private final boolean dialled; // a TCP client: channelActive is the end of the connection setup
  private final Lane inbound, outbound;
  private volatile ChannelHandlerContext ctx; // set when added; read by the any-thread methods
  private boolean removed;
  private volatile long mostHeldIn;
}
