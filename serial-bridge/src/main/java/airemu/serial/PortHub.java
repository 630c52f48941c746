package airemu.serial;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The host side of one emulated UART: the transports it is exposed on, the clients attached to them and
 * the backlog a newly attached client is given first.
 *
 * <p>Everything the device sends goes through {@link #toHost}, which appends to the backlog and hands
 * the bytes to every attached client under one lock. {@link #attach} takes the same lock to replay the
 * backlog and join the live clients in one step, so an attaching client sees each byte exactly once and
 * in order. Clients never block (see {@link Client#send}), so the lock is only ever held briefly and
 * the device is never slowed by a client that does not read.
 *
 * <h2>When a client counts as attached</h2>
 * Many clients throw away what is waiting when they open a port: pyserial's {@code Serial} open and its
 * {@code socket://} and {@code rfc2217://} opens all call {@code reset_input_buffer}. A backlog sent the
 * instant a connection appears would be thrown away with it. A pty sees that flush as an event and
 * sends the backlog again ({@link PtyTransport}). A socket client's flush cannot be seen, so where the
 * backlog is replayed ({@link #replaysBacklog()}) a socket transport attaches a new client either when
 * that client first sends something (it has finished opening by then) or after {@link #SETTLE_MILLIS}
 * without Telnet negotiation, whichever comes first. Output in between is not lost: it goes to the
 * backlog, which the replay includes.
 */
final class PortHub {
  /**
   * Quiet time after a socket client connects (or last negotiated) before it is given the backlog; see
   * the class comment. pyserial's open discards its input within microseconds of connecting, or right
   * after its last RFC 2217 option is acknowledged, so this only needs to outlast that on a busy machine.
   */
  static final long SETTLE_MILLIS = 150;

  PortHub(String name, int backlogBytes, FromHost inbound) {
    this.name = name;
    this.backlog = new Backlog(backlogBytes);
    this.inbound = inbound;
  }

  /** Opens a transport for each spec; if one fails, closes those already open and throws. */
  void open(List<PortSpec> specs) throws IOException {
    if (specs.isEmpty()) throw new IllegalArgumentException(name + ": no port spec given");
    try {
      for (PortSpec spec : specs) {
        try {
          transports.add(Transport.open(spec, this));
        } catch (IOException e) {
          throw new IOException(name + ": cannot open " + spec + ": " + e.getMessage(), e);
        }
      }
    } catch (IOException | RuntimeException e) {
      close();
      throw e;
    }
  }

  /** Sends device output to every attached client and keeps it in the backlog. Any thread; never blocks. */
  void toHost(byte[] bytes) {
    if (bytes.length == 0) return;
    synchronized (this) {
      backlog.append(bytes);
      for (Client c : live) c.send(bytes);
    }
  }

  /** Gives {@code client} the backlog, then everything that follows; false if it was attached already. */
  boolean attach(Client client) {
    synchronized (this) {
      for (Client c : live) {
        if (c == client) return false;
      }
      if (backlog.enabled()) {
        byte[] replay = backlog.snapshot();
        if (replay.length > 0) client.send(replay);
      }
      Client[] next = Arrays.copyOf(live, live.length + 1);
      next[live.length] = client;
      live = next; // a fresh array, so a send that re-enters never sees the array change under it
      notifyAll(); // for awaitAttached
      return true;
    }
  }

  /**
   * Gives {@code client}, if attached, the backlog again through {@code restart}, under the lock that
   * orders output, for a client that threw away what it had been sent (see {@link PtyTransport}).
   */
  void replay(Client client, Consumer<byte[]> restart) {
    synchronized (this) {
      for (Client c : live) {
        if (c == client) {
          restart.accept(backlog.snapshot());
          return;
        }
      }
    }
  }

  /** Stops sending to {@code client}. Idempotent. */
  void detach(Client client) {
    detach(client, () -> {});
  }

  /**
   * Runs {@code last}, then stops sending to {@code client} (if attached), under the lock that orders
   * output: no output reaches the client between the two.
   */
  void detach(Client client, Runnable last) {
    synchronized (this) {
      last.run();
      int i = 0;
      while (i < live.length && live[i] != client) i++;
      if (i == live.length) return;
      Client[] next = new Client[live.length - 1];
      System.arraycopy(live, 0, next, 0, i);
      System.arraycopy(live, i + 1, next, i, next.length - i);
      live = next;
      notifyAll();
    }
  }

  /** Delivers bytes a client sent; called on an I/O thread. */
  void fromHost(byte[] bytes) {
    if (bytes.length == 0) return;
    try {
      inbound.fromHost(bytes);
    } catch (RuntimeException e) {
      log().error("{}: inbound handler failed", name, e);
    }
  }

  /** Whether attaching clients get a backlog, and so whether transports should wait for them to settle. */
  boolean replaysBacklog() {
    return backlog.enabled();
  }

  /** The most a replay can be, for transports sizing their buffers. */
  int backlogCapacity() {
    return backlog.capacity();
  }

  /**
   * Waits until exactly {@code clients} clients are attached; false if that did not happen within
   * {@code millis}. For tests, which must know that a transport has seen a client come or go.
   */
  boolean awaitAttached(int clients, long millis) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    synchronized (this) {
      for (long left; live.length != clients; ) {
        if ((left = deadline - System.nanoTime()) <= 0) return false;
        TimeUnit.NANOSECONDS.timedWait(this, left);
      }
      return true;
    }
  }

  List<Endpoint> endpoints() {
    List<Endpoint> out = new ArrayList<>();
    for (Transport t : transports) out.add(t.endpoint());
    return List.copyOf(out);
  }

  List<Transport> transports() {
    return List.copyOf(transports);
  }

  long droppedBytes() {
    long sum = 0;
    for (Transport t : transports) sum += t.droppedBytes();
    return sum;
  }

  void close() {
    for (Transport t : transports) {
      try {
        t.close();
      } catch (RuntimeException e) {
        log().warn("{}: closing {} failed", name, t.endpoint(), e);
      }
    }
    synchronized (this) {
      live = new Client[0];
    }
  }

  String name() {
    return name;
  }

  private static Logger log() {
    return LoggerFactory.getLogger(PortHub.class);
  }

  private final String name; // for messages: "log port", "uart1"
  private final Backlog backlog; // guarded by this
  private final FromHost inbound;
  private final List<Transport> transports = new ArrayList<>(); // written by open only
  private Client[] live = new Client[0]; // guarded by this; replaced, never mutated
}
