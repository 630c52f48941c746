package airemu.netif;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * One OS socket of a ctrl (lwIP's socket behind {@code socket_id}): the Netty channel, the bytes
 * received and not yet read by the script, and the rules for which network events still reach the
 * ctrl.
 *
 * <p>Received data is queued here by the I/O thread as it arrives, so {@code socket.rx} sees it at
 * once, as it sees lwIP's queue; the ctrl learns about it from the {@link Ev#RX_NEW} message that
 * follows. The queue is bounded like a TCP window: when it holds {@code rxBufferBytes}, reading from
 * the host socket stops (autoRead off) until the script reads, so a flooding peer is held back by
 * TCP flow control instead of growing memory. Datagrams that do not fit are dropped. The host
 * socket's own receive buffer is set to the same size, so the window the peer sees is about a
 * module's, and what the kernel holds on top of the queue stays small: once the peer has closed its
 * side, epoll drains the socket to find the end of the stream whatever autoRead says.
 *
 * <p>Threads: the I/O thread calls {@link #offer} and {@link #post}; the device thread reads and
 * closes. Everything below is guarded by {@code this}.
 */
abstract class Conn {

  Conn(NetStack stack, SocketCtrl owner, AdapterFaults faults) {
    this.stack = stack;
    this.owner = owner;
    this.faults = faults;
    this.rxLimit = stack.options().rxBufferBytes();
  }

  /** One received TCP chunk or UDP datagram, with its sender for UDP. */
  record Segment(ByteBuf data, InetSocketAddress sender) {}

  /** What one read took: byte count and, for UDP, the datagram's sender. */
  record Taken(int length, InetSocketAddress sender) {}

  /**
   * Posts a network event for the owning ctrl. Nothing is posted once the ctrl closed the socket or
   * its link went down; at most one ERROR or REMOTE_CLOSE is, and none while a {@code discon} closes
   * the socket. Events of a socket without owner yet (a client waiting for {@code accept}) are kept
   * and posted when it is bound. Any thread.
   */
  final void post(Ev ev, int param) {
    SocketCtrl o;
    synchronized (this) {
      if (closed || severed) return;
      boolean end = ev == Ev.ERROR || ev == Ev.REMOTE_CLOSE;
      if (end) {
        if (ended || disconnecting) return;
        ended = true;
      }
      o = owner;
      if (o == null) {
        if (ev == Ev.RX_NEW) deferredRx = true;
        if (end) deferredEnd = ev;
        return;
      }
    }
    stack.post(new SocketMessage(o, this, ev, param));
  }

  /** Posts the CLOSE_OK that ends a {@code discon}, also after the link went down. */
  final void postCloseOk() {
    SocketCtrl o;
    synchronized (this) {
      if (closed) return;
      o = owner;
    }
    if (o != null) stack.post(new SocketMessage(o, this, Ev.CLOSE_OK, 0));
  }

  /** Gives an accepted client its ctrl and replays what happened before. Device thread. */
  final void bind(SocketCtrl ctrl) {
    boolean rx;
    Ev end;
    synchronized (this) {
      owner = ctrl;
      rx = deferredRx;
      end = deferredEnd;
      deferredRx = false;
      deferredEnd = null;
    }
    if (rx) stack.post(new SocketMessage(ctrl, this, Ev.RX_NEW, 0));
    if (end != null) stack.post(new SocketMessage(ctrl, this, end, 0));
  }

  /**
   * Queues received bytes; the queue owns {@code data} from now on. Returns false when they were
   * dropped (socket closed or cut off, or a datagram that does not fit). I/O thread.
   */
  final boolean offer(Channel ch, ByteBuf data, InetSocketAddress sender, boolean datagram) {
    synchronized (this) {
      int n = data.readableBytes();
      if (closed || severed || (datagram && queued + n > rxLimit)) {
        if (datagram && !closed && !severed) drops++;
        data.release();
        return false;
      }
      arrivedSinceRead = true;
      if (n == 0) {
        data.release(); // an empty datagram raises the event but leaves nothing to read
        return true;
      }
      queue.add(new Segment(data, sender));
      queued += n;
      maxQueued = Math.max(maxQueued, queued);
      if (!datagram && queued >= rxLimit && !paused) {
        paused = true;
        pauses++;
        ReadGate.hold(ch, ReadGate.BUFFER, true);
      }
      return true;
    }
  }

  /**
   * Whether data arrived after the script's last read. The firmware flags new data
   * ({@code new_rx_flag}) the moment lwIP hands it over and a read with a buffer clears it, so a
   * read that comes between the arrival and the ctrl's {@link Ev#RX_NEW} message has already
   * cleared the flag that message raises. Device thread.
   */
  final synchronized boolean arrivedSinceRead() {
    return arrivedSinceRead;
  }

  /** Bytes waiting: all of them for TCP, the first datagram's for UDP. Device thread. */
  final synchronized int pending(boolean datagram) {
    if (datagram) {
      Segment s = queue.peek();
      return s == null ? 0 : s.data().readableBytes();
    }
    return queued;
  }

  /**
   * Moves up to {@code max} bytes into {@code sink}: TCP drains chunks and keeps the rest, UDP takes
   * one datagram and drops what does not fit. Resumes reading from the host once there is room.
   * Device thread.
   */
  final Taken take(int max, SocketCtrl.RxSink sink, boolean datagram) {
    Taken taken;
    synchronized (this) {
      arrivedSinceRead = false;
      if (datagram) {
        Segment s = queue.poll();
        if (s == null) return new Taken(0, null);
        int len = s.data().readableBytes();
        int n = Math.min(max, len);
        queued -= len; // the rest of the datagram is dropped
        try {
          sink.write(s.data(), n);
        } finally {
          s.data().release();
        }
        taken = new Taken(n, s.sender());
      } else {
        int n = 0;
        Segment s;
        while (n < max && (s = queue.peek()) != null) {
          int k = Math.min(max - n, s.data().readableBytes());
          sink.write(s.data(), k);
          n += k;
          queued -= k;
          if (!s.data().isReadable()) {
            queue.poll();
            s.data().release();
          }
        }
        taken = new Taken(n, null);
      }
      if (paused && queued < rxLimit && !closed && !severed) {
        // under the lock, so it cannot overtake the I/O thread's next pause (setAutoRead only
        // flips a flag and schedules a read on the event loop)
        paused = false;
        ReadGate.hold(channel, ReadGate.BUFFER, false);
      }
    }
    return taken;
  }

  /** Stops all traffic after the link was lost; what was received stays readable. Device thread. */
  void sever() {
    synchronized (this) {
      if (closed || severed) return;
      severed = true;
      paused = false;
      if (channel != null) ReadGate.hold(channel, ReadGate.BUFFER, true);
    }
  }

  /** Closes the socket at once and frees what it holds; posts nothing more. Device thread. */
  void close() {
    List<Segment> drop;
    Channel ch;
    synchronized (this) {
      if (closed) return;
      closed = true;
      drop = new ArrayList<>(queue);
      queue.clear();
      queued = 0;
      ch = channel;
    }
    for (Segment s : drop) s.data().release();
    if (ch != null) ch.close();
  }

  /** Starts a graceful close; false when the socket is already gone. Device thread. */
  boolean disconnect() {
    return false;
  }

  /** Whether {@code len} more bytes may be queued for sending. */
  boolean canQueue(int len) {
    return true;
  }

  synchronized boolean isClosed() {
    return closed;
  }

  // observability for tests and tools
  synchronized int queuedBytes() {
    return queued;
  }

  synchronized int maxQueuedBytes() {
    return maxQueued;
  }

  synchronized int pauseCount() {
    return pauses;
  }

  synchronized boolean isPaused() {
    return paused;
  }

  /** Datagrams dropped because the receive buffer was full. */
  synchronized int droppedDatagrams() {
    return drops;
  }

  final NetStack stack;
  /** The faults of the network outside this socket's adapter. */
  final AdapterFaults faults;
  final int rxLimit;
  /** The host channel; set right after it is created, before any of its events can be posted. */
  volatile Channel channel;
  private SocketCtrl owner; // null for an accepted client not yet given to a ctrl
  private final ArrayDeque<Segment> queue = new ArrayDeque<>();
  private int queued; // bytes in queue
  private boolean arrivedSinceRead; // the firmware's new_rx_flag as the adapter sets it, see arrivedSinceRead()
  private boolean paused; // reading held (ReadGate.BUFFER) because the queue is full
  boolean closed; // closed by the ctrl: nothing more is posted or queued
  boolean severed; // the adapter's link went down: no traffic, no events
  boolean disconnecting; // a discon is closing the socket: only its CLOSE_OK is posted
  private boolean ended; // ERROR or REMOTE_CLOSE posted
  private boolean deferredRx; // data arrived before an owner was bound
  private Ev deferredEnd; // the connection ended before an owner was bound
  private int maxQueued, pauses, drops;
}
