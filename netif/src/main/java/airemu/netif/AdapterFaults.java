package airemu.netif;

import java.net.InetAddress;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;

/**
 * The faults the network outside one adapter has now, as that adapter's sockets, DNS queries and
 * TCP connects meet them. The {@link Environment} changes them (through the device's
 * {@link NetStack}, on the changing thread); the sockets read them on their event loops: each
 * channel's {@link FaultHandler} delays, paces, drops or stalls what passes, {@link Dns} fails or
 * stalls lookups, {@link SocketCtrl} refuses unreachable hosts, and {@link TcpConn} holds new
 * connects while the adapter is a blackhole.
 *
 * <p>Random choices (jitter, loss) come from generators seeded with the environment's seed, the
 * adapter's name and the connection's sequence number on the adapter, so a run repeats.
 *
 * <p>Threads: any. The set of faults is one immutable {@link Now}, replaced whole on each change.
 */
final class AdapterFaults {

  AdapterFaults(String adapter, long seed, int queueLimit, Transport transport) {
    this.adapter = adapter;
    this.seed = seed;
    this.queueLimit = queueLimit;
    this.transport = transport;
    this.dnsRandom = random(-1);
  }

  /** The faults set at one moment. */
  record Now(Fault.Latency latency, Fault.Loss loss, Fault.Bandwidth bandwidth, boolean blackhole, Fault.Dns dns,
      Fault.Unreachable unreachable) {
    static final Now CALM = new Now(null, null, null, false, null, null);

    Now with(Fault f) {
      if (f instanceof Fault.Latency l) return new Now(l, loss, bandwidth, blackhole, dns, unreachable);
      if (f instanceof Fault.Loss l) return new Now(latency, l, bandwidth, blackhole, dns, unreachable);
      if (f instanceof Fault.Bandwidth b) return new Now(latency, loss, b, blackhole, dns, unreachable);
      if (f instanceof Fault.Blackhole) return new Now(latency, loss, bandwidth, true, dns, unreachable);
      if (f instanceof Fault.Dns d) return new Now(latency, loss, bandwidth, blackhole, d, unreachable);
      return new Now(latency, loss, bandwidth, blackhole, dns, (Fault.Unreachable) f);
    }

    Now without(Fault.Kind kind) {
      return switch (kind) {
        case LATENCY -> new Now(null, loss, bandwidth, blackhole, dns, unreachable);
        case LOSS -> new Now(latency, null, bandwidth, blackhole, dns, unreachable);
        case BANDWIDTH -> new Now(latency, loss, null, blackhole, dns, unreachable);
        case BLACKHOLE -> new Now(latency, loss, bandwidth, false, dns, unreachable);
        case DNS -> new Now(latency, loss, bandwidth, blackhole, null, unreachable);
        case UNREACHABLE -> new Now(latency, loss, bandwidth, blackhole, dns, null);
      };
    }

    /** Traffic passes as it comes: nothing delays, paces or stalls it (loss aside, which drops). */
    boolean passes() {
      return latency == null && bandwidth == null && !blackhole;
    }

    /**
     * How late something arrives that takes {@code trips} one-way crossings, for a draw
     * {@code spread} in [-1, 1] that places it within the jitter; never negative.
     */
    long delayNanos(double spread, int trips) {
      if (latency == null) return 0;
      long millis = latency.delayMillis() + Math.round(spread * latency.jitterMillis());
      return TimeUnit.MILLISECONDS.toNanos(Math.max(0, millis) * trips);
    }

    /** Whether a datagram is lost, by a draw from the sender's generator. */
    boolean loses(SplittableRandom random) {
      return loss != null && random.nextInt(100) < loss.percent();
    }
  }

  String adapter() {
    return adapter;
  }

  Now now() {
    return now;
  }

  /** The shared line of a bandwidth fault, downstream (to the device) or upstream; null without one. */
  Pacer pacer(boolean downstream) {
    return downstream ? down : up;
  }

  /** How many bytes one direction of one socket may hold back before it stops reading or drops datagrams. */
  int queueLimit() {
    return queueLimit;
  }

  // --- changes from the environment (its lock held, so in the order they were made) ---------------

  void set(Fault f) {
    Now before = now;
    now = before.with(f);
    if (f instanceof Fault.Bandwidth b) {
      up = new Pacer(b.kbps());
      down = new Pacer(b.kbps());
    }
    changed(before);
  }

  void clear(Fault.Kind kind) {
    Now before = now;
    now = before.without(kind);
    if (kind == Fault.Kind.BANDWIDTH) {
      up = null;
      down = null;
    }
    changed(before);
  }

  /** Resets every open TCP connection of the adapter, as a middlebox's RST would. */
  void resetConnections() {
    for (FaultHandler h : live) h.resetLater();
  }

  // --- what sockets ask -----------------------------------------------------------------------------

  /**
   * A handler for a new channel of the adapter, with generators of its own; {@code dialled} for a
   * TCP client, whose connection setup takes a round trip.
   */
  FaultHandler handler(boolean datagram, boolean dialled) {
    long n = connections.getAndIncrement();
    return new FaultHandler(this, datagram, dialled, random(2 * n), random(2 * n + 1));
  }

  void attach(FaultHandler h) {
    live.add(h);
  }

  void detach(FaultHandler h) {
    live.remove(h);
  }

  /**
   * Whether {@code name} (the host as the script passed it; null or "" for none) or {@code ip} is
   * unreachable: an Unreachable fault names it, its address, or {@code *}.
   */
  boolean unreachable(String name, InetAddress ip) {
    Fault.Unreachable u = now.unreachable();
    if (u == null) return false;
    if (u.host().equals("*") || name != null && u.host().equalsIgnoreCase(name)) return true;
    InetAddress literal = Addresses.parseLiteral(u.host());
    return literal != null && ip != null && literal.equals(ip);
  }

  /** A DNS answer's extra wait: a round trip through the latency fault, drawn from the adapter's DNS generator. */
  long dnsRoundTripNanos() {
    Now f = now;
    if (f.latency() == null) return 0;
    synchronized (dnsRandom) {
      return f.delayNanos(dnsRandom.nextDouble() * 2 - 1, 2);
    }
  }

  /**
   * Runs {@code dial} with the connect timeout left, now or, while the adapter is a blackhole, when
   * it clears; if the timeout passes first, {@code timedOut} runs instead (on an event loop).
   * Returns what cancels the wait (the socket closed), or null when it dialled at once.
   */
  Stall dialWhenOpen(long timeoutMillis, LongConsumer dial, Runnable timedOut) {
    synchronized (this) {
      if (now.blackhole()) {
        Stall s = new Stall(timeoutMillis, dial, timedOut);
        stalled.add(s);
        return s;
      }
    }
    dial.accept(timeoutMillis);
    return null;
  }

  /** A TCP connect held by a blackhole: its SYNs go unanswered until the blackhole clears or it times out. */
  final class Stall {
    private Stall(long timeoutMillis, LongConsumer dial, Runnable timedOut) {
      this.dial = dial;
      this.timedOut = timedOut;
      this.deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
      this.timer = transport.group().next().schedule(this::expire, timeoutMillis, TimeUnit.MILLISECONDS);
    }

    /** The socket closed while its connect waited. */
    void cancel() {
      if (done.compareAndSet(false, true)) end();
    }

    private void expire() {
      if (done.compareAndSet(false, true)) {
        end();
        timedOut.run();
      }
    }

    private void open() {
      if (!done.compareAndSet(false, true)) return;
      end();
      long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
      transport.group().next().execute(() -> {
        if (left > 0) {
          dial.accept(left);
        } else {
          timedOut.run();
        }
      });
    }

    private void end() {
      timer.cancel(false);
      stalled.remove(this);
    }

    private final LongConsumer dial;
    private final Runnable timedOut;
    private final long deadline; // System.nanoTime() when the connect times out
    private final ScheduledFuture<?> timer;
    private final AtomicBoolean done = new AtomicBoolean(); // dialled, timed out or cancelled
  }

  // observability for tests and tools
  java.util.List<FaultHandler> liveHandlers() {
    return java.util.List.copyOf(live);
  }

  int stalledConnects() {
    return stalled.size();
  }

  // --- private --------------------------------------------------------------------------------------

  private void changed(Now before) {
    for (FaultHandler h : live) h.changedLater();
    if (before.blackhole() && !now.blackhole()) {
      synchronized (this) {
        for (Stall s : stalled.toArray(new Stall[0])) s.open();
      }
    }
  }

  private SplittableRandom random(long stream) {
    long h = seed;
    h = h * 0x9E3779B97F4A7C15L + adapter.hashCode();
    h = h * 0x9E3779B97F4A7C15L + stream;
    return new SplittableRandom(h);
  }

  /** Runs {@code r} on an event loop unless the transport is shutting down (test transports). */
  static void execute(io.netty.util.concurrent.EventExecutor loop, Runnable r) {
    try {
      loop.execute(r);
    } catch (RejectedExecutionException e) {
      // the loop is gone, and with it every channel the task was for
    }
  }

  private final String adapter;
  private final long seed;
  private final int queueLimit;
  private final Transport transport;
  private volatile Now now = Now.CALM;
  private volatile Pacer up, down; // bandwidth lines, replaced with each Bandwidth fault
  /** Handlers of the adapter's open channels, told about every change. */
  private final Set<FaultHandler> live = ConcurrentHashMap.newKeySet();
  /** Connects held by the blackhole; guarded by this together with the check of {@code now}. */
  private final Set<Stall> stalled = ConcurrentHashMap.newKeySet();
  private final AtomicLong connections = new AtomicLong(); // sequence numbers of the adapter's channels
  private final SplittableRandom dnsRandom; // guarded by itself
}
