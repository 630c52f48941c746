package airemu.serial;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread that serves every pty of the JVM. It blocks in {@code poll(2)}, without a timeout,
 * over a pipe that other threads write to when they register or close a pty or queue output that
 * must wait for {@code POLLOUT}, the masters that have a client, and on Linux one inotify instance
 * that watches every slave.
 *
 * <h2>Why inotify</h2>
 * A client's open of the slave produces no event on the master. While no process holds the slave the
 * master reports {@code POLLHUP}, and that stops when a client opens it; but {@code POLLHUP} is a
 * level that cannot be masked, so a master without a client cannot stay in the poll set (poll would
 * return at once, forever), and waiting for the level to drop would mean probing it on a timer. An
 * inotify watch on the slave path reports the open itself ({@code IN_OPEN}), each close
 * ({@code IN_CLOSE_*}; the pty counts them against the opens) and each read
 * ({@code IN_ACCESS}, see {@link PtyTransport} for why reads matter). Each iteration reads inotify
 * before the masters and again after them ({@link #afterMasters}): a flush report is judged only once
 * every read that came before it is known, and a pty that discarded what a departed client left
 * counts its clients again once the events of its own open and close of the slave are read.
 */
final class PtyPoller {

  static PtyPoller get() {
    return Holder.INSTANCE;
  }

  /**
   * Starts serving {@code pty}; on Linux its slave is watched first. Any thread.
   *
   * @throws IOException if the slave cannot be watched (the message says which limit to raise)
   */
  void register(PtyTransport pty) throws IOException {
    int wd = -1;
    if (!Libc.MAC) {
      if (inotify < 0) throw new IOException("cannot watch ptys for clients: inotify_init1 failed: " + inotifyError
          + " (raise fs.inotify.max_user_instances)");
      wd = Libc.api().inotify_add_watch(inotify, pty.slavePath(), WATCHED);
      if (wd < 0) {
        int errno = Native.getLastError();
        throw new IOException("cannot watch " + pty.slavePath() + " for clients: inotify_add_watch failed: "
            + Libc.errnoName(errno) + (errno == Libc.ENOSPC ? " (raise fs.inotify.max_user_watches)" : ""));
      }
    }
    if (wd >= 0) byWatch.put(wd, pty); // now: a client may open the slave before the poller takes the pty on
    added.add(new Added(pty, wd));
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

  /** The poller's read buffer; only the poller thread uses it. */
  Memory readBuffer() {
    return readBuffer;
  }

  /** A zero-timeout poll of one fd; poller thread only. */
  short probe(int fd) {
    probeFd.setInt(0, fd);
    probeFd.setShort(4, Libc.POLLIN);
    probeFd.setShort(6, (short) 0);
    int r = Libc.api().poll(probeFd, new NativeLong(1), 0);
    return r <= 0 ? 0 : probeFd.getShort(6);
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
    int fd = -1;
    String error = null;
    if (!Libc.MAC) {
      fd = c.inotify_init1(Libc.IN_NONBLOCK | Libc.IN_CLOEXEC);
      if (fd < 0) error = Libc.errnoName(Native.getLastError()); // reported by each register
    }
    inotify = fd;
    inotifyError = error;
    thread = new Thread(this::loop, "airemu-pty-poller");
    thread.setDaemon(true);
    thread.start();
  }

  private void loop() {
    Libc.Api c = Libc.api();
    for (;;) {
      try {
        applyChanges();
        int n = 0;
        ensureCapacity(ptys.size() + 2);
        putPollFd(n++, wakeRead, Libc.POLLIN);
        if (inotify >= 0) putPollFd(n++, inotify, Libc.POLLIN);
        int firstPty = n;
        polled.clear();
        polledArrivals.clear();
        for (PtyTransport pty : ptys) {
          if (!pty.hasClient()) continue;
          short events = Libc.POLLIN;
          if (pty.wantsPollOut()) events |= Libc.POLLOUT;
          putPollFd(n++, pty.masterFd(), events);
          polled.add(pty);
          polledArrivals.add(pty.arrivals());
        }
        int ready = c.poll(pollFds, new NativeLong(n), -1);
        if (ready < 0) {
          int errno = Native.getLastError();
          if (errno != Libc.EINTR) {
            log().error("pty poll failed: {}", Libc.errnoName(errno));
            LockSupport.parkNanos(BROKEN_POLL_PAUSE_NANOS); // do not spin on a broken poll
          }
          continue;
        }
        if (revents(0) != 0) drainWakePipe();
        // Whether or not poll found inotify ready: a client's read queues its event before the read
        // returns, so a flush it made after reading, reported on its master, follows an event that is
        // queued by now even if it was not when poll looked at inotify.
        if (inotify >= 0) drainInotify();
        for (int i = 0; i < polled.size(); i++) {
          short re = revents(firstPty + i);
          if (re != 0) polled.get(i).onEvents(re, polledArrivals.get(i));
        }
        afterMasters();
      } catch (Throwable t) { // a bug in one pty must not stop the others
        log().error("pty poller: unexpected failure", t);
        LockSupport.parkNanos(BROKEN_POLL_PAUSE_NANOS);
      }
    }
  }

  private void applyChanges() {
    for (Added a; (a = added.poll()) != null; ) {
      ptys.add(a.pty);
      if (a.wd >= 0) watchOf.put(a.pty, a.wd);
      a.pty.start();
    }
    for (Removal r; (r = removed.poll()) != null; ) {
      ptys.remove(r.pty);
      Integer wd = watchOf.remove(r.pty);
      if (wd != null) {
        byWatch.remove(wd);
        Libc.api().inotify_rm_watch(inotify, wd);
      }
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

  /**
   * Hands each inotify event to its pty, in the order they happened. A pty whose last open file was
   * closed but whose master still says "held" may have a new client whose open came after the read:
   * its event is queued by the time the master is asked, so the events are read once more to find it.
   */
  private void drainInotify() {
    readEvents();
    boolean undecided = false;
    for (PtyTransport pty : byWatch.values()) undecided |= pty.settle();
    if (!undecided) return;
    readEvents();
    for (PtyTransport pty : byWatch.values()) pty.settleHeld();
  }

  /**
   * What the masters' reports left to be decided once the inotify events up to now are read: a flush
   * report is judged knowing every read that came before it, and a pty that threw away what a departed
   * client left (by opening and closing its slave) counts its clients again once its own events are
   * among those read. Events read here may make other ptys due: a new round handles them.
   */
  private void afterMasters() {
    for (;;) {
      dueRecount.clear();
      dueJudge.clear();
      for (PtyTransport pty : ptys) {
        if (pty.recounting()) dueRecount.add(pty);
        if (pty.flushToJudge()) dueJudge.add(pty);
      }
      if (dueRecount.isEmpty() && dueJudge.isEmpty()) return;
      if (inotify >= 0) drainInotify();
      for (PtyTransport pty : dueJudge) pty.judgeFlush();
      for (PtyTransport pty : dueRecount) pty.recount();
    }
  }

  private void readEvents() {
    Libc.Api c = Libc.api();
    for (;;) {
      long n = c.read(inotify, eventBuffer, new NativeLong(eventBuffer.size())).longValue();
      if (n <= 0) return; // EAGAIN: all read
      for (long off = 0; off + Libc.INOTIFY_EVENT_SIZE <= n; ) {
        int wd = eventBuffer.getInt(off);
        int mask = eventBuffer.getInt(off + 4);
        int nameLength = eventBuffer.getInt(off + 12);
        off += Libc.INOTIFY_EVENT_SIZE + nameLength;
        if ((mask & Libc.IN_Q_OVERFLOW) != 0) {
          for (PtyTransport pty : byWatch.values()) pty.resync();
          continue;
        }
        PtyTransport pty = byWatch.get(wd);
        if (pty == null) continue; // removed meanwhile (IN_IGNORED follows a removal)
        if ((mask & Libc.IN_ACCESS) != 0) pty.onSlaveRead();
        if ((mask & Libc.IN_OPEN) != 0) pty.onSlaveOpened();
        if ((mask & (Libc.IN_CLOSE_WRITE | Libc.IN_CLOSE_NOWRITE)) != 0) pty.onSlaveClosed();
      }
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

  private static Logger log() {
    return LoggerFactory.getLogger(PtyPoller.class);
  }

  private record Added(PtyTransport pty, int wd) {}

  private record Removal(PtyTransport pty, CompletableFuture<Void> done) {}

  private static final class Holder {
    static final PtyPoller INSTANCE = new PtyPoller();
  }

  private static final int WATCHED = Libc.IN_OPEN | Libc.IN_CLOSE_WRITE | Libc.IN_CLOSE_NOWRITE | Libc.IN_ACCESS;
  /** After poll itself failed (it never should), before trying again. */
  private static final long BROKEN_POLL_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
  private static final byte[] WAKE_BYTE = {1};
  private static final NativeLong ONE = new NativeLong(1);

  private final int wakeRead;
  private final int wakeWrite;
  private final int inotify; // Linux: watches every slave; -1 on macOS or if it could not be made
  private final String inotifyError; // why inotify is -1 on Linux
  private final Thread thread;
  private final AtomicBoolean wakePending = new AtomicBoolean();
  private final ConcurrentLinkedQueue<Added> added = new ConcurrentLinkedQueue<>();
  private final ConcurrentLinkedQueue<Removal> removed = new ConcurrentLinkedQueue<>();
  private final Map<Integer, PtyTransport> byWatch = new ConcurrentHashMap<>(); // filled by register

  // poller thread only
  private final List<PtyTransport> ptys = new ArrayList<>();
  private final List<PtyTransport> polled = new ArrayList<>(); // polled.get(i) is poll slot firstPty + i
  private final List<Integer> polledArrivals = new ArrayList<>(); // its client when the poll set was made
  private final List<PtyTransport> dueRecount = new ArrayList<>(); // see afterMasters()
  private final List<PtyTransport> dueJudge = new ArrayList<>();
  private final Map<PtyTransport, Integer> watchOf = new HashMap<>();
  private Memory pollFds = new Memory(16L * Libc.POLLFD_SIZE);
  private final Memory probeFd = new Memory(Libc.POLLFD_SIZE);
  private final Memory readBuffer = new Memory(16 * 1024);
  private final Memory eventBuffer = new Memory(16 * 1024); // inotify's; readBuffer is in use while events run
}
