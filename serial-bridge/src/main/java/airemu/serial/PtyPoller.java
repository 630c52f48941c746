package airemu.serial;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread that serves every pty master of the JVM: it blocks in {@code poll(2)} over the masters
 * with a client, plus a pipe that other threads write to when they register or close a pty or queue
 * output that must wait for {@code POLLOUT}.
 *
 * <h2>Why it also ticks</h2>
 * A client's open of the slave produces no event on the master. What can be seen is the end of the
 * hang-up: while no process holds the slave open, {@code poll} reports {@code POLLHUP} on the master,
 * and that stops when a client opens it. {@code POLLHUP} is level-triggered and cannot be masked, so a
 * master without a client cannot stay in the poll set (poll would return at once, forever). Such masters
 * are left out and probed with a zero-timeout poll every {@link #TICK_MILLIS}; the poll blocks with that
 * timeout only while some pty is waiting for a client or settling, and without a timeout otherwise. The
 * same tick gives a new client time to finish opening before it gets the backlog (see {@link PortHub}).
 */
final class PtyPoller {
  /** How often masters without a client are probed for one. */
  static final long TICK_MILLIS = 100;

  static PtyPoller get() {
    return Holder.INSTANCE;
  }

  /** Starts serving {@code pty}; any thread. */
  void register(PtyTransport pty) {
    added.add(pty);
    wake();
  }

  /**
   * Stops serving {@code pty} and releases it (closes its fds, removes its link); returns once that is
   * done, so a caller may reuse the link path. Any thread, including the poller's own.
   */
  void unregister(PtyTransport pty) {
    if (Thread.currentThread() == thread) {
      pty.release(); // the loop skips released ptys and drops them below
      removed.add(new Removal(pty, null));
      return;
    }
    CompletableFuture<Void> done = new CompletableFuture<>();
    removed.add(new Removal(pty, done));
    wake();
    try {
      done.get(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      log().warn("pty {} was not released in time", pty.endpoint(), e);
    }
  }

  /** Makes the poller rebuild its poll set, for example to add {@code POLLOUT}; any thread. */
  void wake() {
    if (wakePending.compareAndSet(false, true)) {
      Libc.api().write(wakeWrite, WAKE_BYTE, ONE); // EAGAIN: the pipe is full, so a wake is pending anyway
    }
  }

  private PtyPoller() {
    Libc.Api c = Libc.api();
    int[] fds = new int[2];
    if (c.pipe(fds) != 0) throw new IllegalStateException("pipe failed: " + Libc.errnoName(Native.getLastError()));
    for (int fd : fds) {
      PtyTransport.nonBlockingCloseOnExec(fd);
    }
    wakeRead = fds[0];
    wakeWrite = fds[1];
    thread = new Thread(this::loop, "airemu-pty-poller");
    thread.setDaemon(true);
    thread.start();
  }

  private void loop() {
    Libc.Api c = Libc.api();
    long nextTick = System.nanoTime();
    for (;;) {
      try {
        applyChanges();
        boolean ticking = false;
        int n = 0;
        ensureCapacity(ptys.size() + 1);
        putPollFd(n++, wakeRead, Libc.POLLIN);
        polled.clear();
        for (PtyTransport pty : ptys) {
          pty.checkGone();
          if (pty.needsTick()) ticking = true;
          if (!pty.hasClient()) continue;
          short events = Libc.POLLIN;
          if (pty.wantsPollOut()) events |= Libc.POLLOUT;
          putPollFd(n++, pty.masterFd(), events);
          polled.add(pty);
        }
        int timeout = -1;
        if (ticking) {
          timeout = (int) Math.max(0, TimeUnit.NANOSECONDS.toMillis(nextTick - System.nanoTime()));
        }
        int ready = c.poll(pollFds, new NativeLong(n), timeout);
        if (ready < 0) {
          int errno = Native.getLastError();
          if (errno != Libc.EINTR) {
            log().error("pty poll failed: {}", Libc.errnoName(errno));
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(TICK_MILLIS)); // do not spin on a broken poll
          }
          continue;
        }
        if (revents(0) != 0) drainWakePipe();
        for (int i = 0; i < polled.size(); i++) {
          short re = revents(i + 1);
          if (re != 0) polled.get(i).onEvents(re);
        }
        long now = System.nanoTime();
        if (ticking && now - nextTick >= 0) {
          for (PtyTransport pty : ptys) pty.tick(now);
          nextTick = now + TimeUnit.MILLISECONDS.toNanos(TICK_MILLIS);
        }
      } catch (Throwable t) { // a bug in one pty must not stop the others
        log().error("pty poller: unexpected failure", t);
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(TICK_MILLIS));
      }
    }
  }

  private void applyChanges() {
    for (PtyTransport p; (p = added.poll()) != null; ) ptys.add(p);
    for (Removal r; (r = removed.poll()) != null; ) {
      ptys.remove(r.pty);
      try {
        r.pty.release();
      } finally {
        if (r.done != null) r.done.complete(null);
      }
    }
  }

  private void drainWakePipe() {
    wakePending.set(false); // before draining: a wake after this point writes again
    Libc.Api c = Libc.api();
    while (c.read(wakeRead, readBuffer, new NativeLong(readBuffer.size())).longValue() > 0) {
      // empty the pipe
    }
  }

  private void ensureCapacity(int fds) {
    if (pollFds.size() < (long) fds * Libc.POLLFD_SIZE) {
      pollFds = new Memory((long) Math.max(fds, 16) * 2 * Libc.POLLFD_SIZE);
    }
  }

  private void putPollFd(int i, int fd, short events) {
    long off = (long) i * Libc.POLLFD_SIZE;
    pollFds.setInt(off, fd);
    pollFds.setShort(off + 4, events);
    pollFds.setShort(off + 6, (short) 0);
  }

  private short revents(int i) {
    return pollFds.getShort((long) i * Libc.POLLFD_SIZE + 6);
  }

  /** The poller's read buffer; only the poller thread uses it. */
  Memory readBuffer() {
    return readBuffer;
  }

  /** A zero-timeout poll of one fd, for the tick's probes; poller thread only. */
  short probe(int fd) {
    probeFd.setInt(0, fd);
    probeFd.setShort(4, Libc.POLLIN);
    probeFd.setShort(6, (short) 0);
    int r = Libc.api().poll(probeFd, new NativeLong(1), 0);
    return r <= 0 ? 0 : probeFd.getShort(6);
  }

  private static Logger log() {
    return LoggerFactory.getLogger(PtyPoller.class);
  }

  private record Removal(PtyTransport pty, CompletableFuture<Void> done) {}

  private static final class Holder {
    static final PtyPoller INSTANCE = new PtyPoller();
  }

  private static final byte[] WAKE_BYTE = {1};
  private static final NativeLong ONE = new NativeLong(1);

  private final int wakeRead;
  private final int wakeWrite;
  private final Thread thread;
  private final AtomicBoolean wakePending = new AtomicBoolean();
  private final ConcurrentLinkedQueue<PtyTransport> added = new ConcurrentLinkedQueue<>();
  private final ConcurrentLinkedQueue<Removal> removed = new ConcurrentLinkedQueue<>();

  // poller thread only
  private final List<PtyTransport> ptys = new ArrayList<>();
  private final List<PtyTransport> polled = new ArrayList<>(); // polled.get(i) is poll slot i + 1
  private Memory pollFds = new Memory(16L * Libc.POLLFD_SIZE);
  private final Memory probeFd = new Memory(Libc.POLLFD_SIZE);
  private final Memory readBuffer = new Memory(16 * 1024);
}
