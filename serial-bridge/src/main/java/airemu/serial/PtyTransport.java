package airemu.serial;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A POSIX pseudo-terminal: the emulator keeps the master, and a client opens the slave
 * ({@code /dev/pts/N}, {@code /dev/ttysNNN}) or a symlink to it as if it were the module's COM port.
 *
 * <p>The slave is put in raw mode once at creation, before any client sees it, so that the line
 * discipline neither echoes the device's output back to it nor turns its {@code \n} into {@code \r\n}.
 *
 * <h2>Clients coming and going</h2>
 * On Linux an inotify watch on the slave reports each open, close and read of it ({@link PtyPoller});
 * the pty counts the slave's open files, so a client is there from its first open to its last close.
 * A client is attached from the moment its open returns: the backlog, then every byte of output,
 * reaches it from then on. While no client holds the slave nothing is written at all ({@code EIO} on
 * the master means the same): the output goes only to the backlog. A data port, which has no backlog,
 * stays attached to its hub and asks the master on each send whether a client holds the slave, so that
 * what is written in the instant between a client's open and the poller reading the open event
 * reaches the client too.
 *
 * <p>What a client leaves unread when it closes the slave stays in the slave's input queue: the master
 * keeps the tty alive, and a pty, unlike a serial port, does not flush on the last close. A viewer that
 * does not flush when it opens ({@code cat}, {@code screen}) would get that first, a torn line and lines
 * it then gets again with the backlog. So when a log port's last client is gone the pty opens the
 * slave itself for a moment and flushes its input ({@code tcflush(TCIFLUSH)}), before the next client
 * is attached; the next client gets every line once. That open and close reach inotify like a
 * client's, so until they are read the pty ignores the slave's events and then counts its clients again
 * from the master ({@link #recount}). A client that opens in the microseconds between the last one's
 * close and that flush may read some of what was left first. A data port keeps what its client left:
 * it was sent to whoever held the slave, and a client that opens in that instant may have been sent
 * bytes of its own by then.
 *
 * <p>macOS resets a slave's termios when it is first opened, so there the setup fd is held open for the
 * life of the pty, and macOS has no inotify. Holding the fd hides the clients' opens and closes (the
 * master never hangs up): the pty counts as attached from the start, output goes into the tty queue
 * for whoever opens the slave, and a viewer that flushes on open (below) gets the backlog then.
 *
 * <h2>Clients that flush when they open</h2>
 * pyserial, among others, flushes its input right after opening ({@code tcflush(TCIFLUSH)}), which
 * throws away a backlog sent at the open. The master runs in packet mode, which makes that flush an
 * event: the master reads {@code TIOCPKT_FLUSHREAD}. Each send looks first: while a flush report waits
 * ({@code POLLPRI} on the master, then until the poller has judged it), output goes to the pending
 * queue instead of to a client that may be flushing it away. A client's read queues its inotify event
 * before the read returns, so every read that came before the flush is known once the poller has read
 * inotify after reading the report; it does that before judging ({@link #judgeFlush}). If the client
 * has read nothing since it was given the backlog (on macOS, without inotify, that is assumed), the
 * flush took the backlog: the pending queue is replaced by the backlog, which holds all of it. Since
 * nothing reached the client after its flush, it gets each line once. The one gap is a flush landing
 * in the microseconds between a send's look and its write: that send's bytes then arrive twice. The
 * pty does not flush a client's slave itself to close that gap: a client between its {@code select}
 * and its {@code read} would find nothing to read, which pyserial takes for a disconnect.
 *
 * <h2>Writes never block</h2>
 * The kernel buffers about 14 KB for a client that is not reading; beyond that, output waits in a
 * bounded queue that the poller drains on {@code POLLOUT}, and what does not fit there is dropped and
 * counted.
 */
final class PtyTransport implements Transport, Client {

  static PtyTransport open(PortSpec spec, PortHub hub) throws IOException {
    if (!Libc.supported()) {
      throw new IOException("pty ports need Linux or macOS; use tcp:, rfc2217: or serial: (a com0com pair) here");
    }
    Libc.Api c = Libc.api();
    int master = c.posix_openpt(Libc.O_RDWR | Libc.O_NOCTTY);
    if (master < 0) throw failed("posix_openpt");
    int held = -1;
    try {
      if (c.grantpt(master) != 0) throw failed("grantpt");
      if (c.unlockpt(master) != 0) throw failed("unlockpt");
      String slave;
      synchronized (PtyTransport.class) { // ptsname returns a static buffer
        slave = c.ptsname(master);
      }
      if (slave == null) throw failed("ptsname");
      held = makeRaw(slave);
      if (Libc.MAC) {
        c.fcntl(held, Libc.F_SETFD, Libc.FD_CLOEXEC);
      } else {
        c.close(held);
        held = -1;
      }
      nonBlockingCloseOnExec(master);
      boolean packet;
      try (Memory on = new Memory(4)) {
        on.setInt(0, 1);
        packet = c.ioctl(master, new NativeLong(Libc.TIOCPKT), on) == 0;
      }
      if (!packet && !Libc.MAC) throw failed("ioctl(TIOCPKT)");
      if (!packet) log().debug("pty {}: no packet mode, so no flush reports: {}", slave, Libc.errnoName(Native.getLastError()));
      Path link = spec.path() == null ? null : link(Path.of(spec.path()), slave);
      PtyTransport pty = new PtyTransport(spec, hub, master, held, slave, link, packet);
      try {
        PtyPoller.get().register(pty);
      } catch (IOException e) {
        if (link != null) pty.removeLink();
        throw e;
      }
      if (!hub.replaysBacklog()) hub.attach(pty); // a data port asks the master on each send: see the class comment
      return pty;
    } catch (IOException | RuntimeException e) {
      if (held >= 0) c.close(held);
      c.close(master);
      throw e;
    }
  }

  @Override
  public Endpoint endpoint() {
    return new Endpoint(spec, link == null ? slave : link.toString(), slave, -1);
  }

  @Override
  public long droppedBytes() {
    return dropped.get();
  }

  @Override
  public void close() {
    synchronized (this) {
      if (closeRequested) return;
      closeRequested = true;
    }
    hub.detach(this);
    PtyPoller.get().unregister(this);
  }

  /** Writes to the master without blocking; see the class comment for what happens to the rest. */
  @Override
  public void send(byte[] bytes) {
    boolean wake = false;
    synchronized (this) {
      if (released) return;
      if (pending.size() > 0 && stalled) flushPendingLocked(); // no POLLOUT is coming: try again now
      if (pending.size() > 0 || flushToJudge) { // behind what waits, or held until a flush is judged
        queue(bytes);
        return;
      }
      short revents = pollMaster();
      if ((revents & Libc.POLLHUP) != 0) {
        // Nobody holds the slave (the close event is on its way to the poller). A log port's backlog
        // has this for the next client; a data port has nobody to give it to, like a UART whose pins
        // lead nowhere.
      } else if ((revents & Libc.POLLPRI) != 0 && hub.replaysBacklog()) { // a flush not handled yet: see the class comment
        queue(bytes);
        wake = true;
      } else {
        int n = writeMaster(bytes);
        if (n < 0) { // EIO: the client is gone
          dropped.addAndGet(bytes.length);
        } else if (n < bytes.length) {
          // The rest of a chunk always waits, even over the limit, so that no line is torn in the middle.
          pending.append(bytes, n, bytes.length - n);
          wake = true; // to add POLLOUT
        }
      }
    }
    if (wake) PtyPoller.get().wake();
  }

  @Override
  public String toString() {
    return "pty " + endpoint();
  }

  // ---- called by PtyPoller on its thread

  int masterFd() {
    return master;
  }

  String slavePath() {
    return slave;
  }

  /** Whether a client holds the slave, so that the master belongs in the poll set. */
  boolean hasClient() {
    return !released && state == LIVE;
  }

  boolean wantsPollOut() {
    synchronized (this) {
      return pending.size() > 0 && !stalled;
    }
  }

  /**
   * The poller took the pty on. On Linux nothing is to be done: the slave's path is known only once
   * {@link #open} returns, by which time the watch reports every open of it.
   */
  void start() {
    if (Libc.MAC) attach(); // the held fd hides every client: see the class comment
  }

  /**
   * inotify saw the slave opened. Opens and closes are counted rather than read off {@code POLLHUP}: a
   * close is reported before the kernel releases the tty, so when the event is read the level may still
   * say "held", or already say it for the next client. inotify merges identical events that follow each
   * other unread, so two opens may count as one; {@link #settle} makes up for that.
   */
  void onSlaveOpened() {
    if (released || Libc.MAC || recounting) return;
    if (closing) { // the last open file was closed and this is a new one: a new client
      closing = false;
      hangUp(); // recount() finds the new client once what the old one left is gone
      return;
    }
    if (openFiles++ == 0) clientArrived();
  }

  /** inotify saw one open file of the slave closed; if it was the last, {@link #settle} decides. */
  void onSlaveClosed() {
    if (released || Libc.MAC || recounting || openFiles == 0) return;
    if (--openFiles == 0) closing = true;
  }

  /**
   * Every event read so far is handled. If the last open file was closed and nothing opened since, the
   * client is gone once the master says so; returns true while the master still says "held", for the
   * poller to read the events again ({@link #settleHeld}).
   */
  boolean settle() {
    if (!closing) return false;
    if (!hungUp()) return true;
    closing = false;
    hangUp();
    return false;
  }

  /**
   * After {@link #settle} said "held" and the events were read again without an open: the same client
   * holds the slave (opens were merged), or the kernel has not released the tty yet, in which case the
   * master's {@code POLLHUP} in the poll set ends the client.
   */
  void settleHeld() {
    if (!closing) return;
    closing = false;
    openFiles = 1;
  }

  /** inotify saw the client read: it has taken (some of) what it was given, and made room. */
  void onSlaveRead() {
    if (recounting) return;
    readSinceReplay = true;
    synchronized (this) {
      stalled = false;
    }
  }

  /** inotify lost events: count again from what the master says. */
  void resync() {
    if (released || Libc.MAC || recounting) return;
    closing = false;
    boolean heldByClient = !hungUp();
    if (heldByClient && openFiles == 0) {
      openFiles = 1;
      clientArrived();
    } else if (!heldByClient && openFiles > 0) {
      openFiles = 0;
      hangUp();
    }
  }

  /**
   * Whether the pty threw away what a departed client left unread and ignores inotify's events of the
   * slave until {@link #recount}: its own open and close of the slave are among them.
   */
  boolean recounting() {
    return recounting;
  }

  /**
   * The events that followed the discard, its own open and close among them, have been read (and
   * ignored): who holds the slave now is what the master says. A client that opened meanwhile is
   * attached now; its open event was ignored with the rest.
   */
  void recount() {
    recounting = false;
    resync();
  }

  /** How many times a client has arrived; the poller compares it to tell stale poll results. */
  int arrivals() {
    return arrivals;
  }

  /**
   * What poll reported for the master, for the client that had arrived {@code arrivalsAtPoll} times:
   * inotify events handled after the poll may have replaced that client already.
   */
  void onEvents(short revents, int arrivalsAtPoll) {
    if (released || state != LIVE || arrivalsAtPoll != arrivals) return;
    boolean hangUp = (revents & (Libc.POLLHUP | Libc.POLLERR | Libc.POLLNVAL)) != 0;
    if ((revents & (Libc.POLLIN | Libc.POLLHUP | Libc.POLLERR)) != 0) {
      if (readMaster(true)) hangUp = true;
    }
    if ((revents & Libc.POLLOUT) != 0 && !hangUp) flushPending();
    if (hangUp) hangUp(); // whatever inotify still has to say about this client, it is gone
  }

  /** Closes the fds and removes the link; idempotent. Poller thread, or the closing thread. */
  void release() {
    Libc.Api c = Libc.api();
    synchronized (this) {
      if (released) return;
      released = true;
      pending.clear();
      c.close(master);
      if (held >= 0) c.close(held);
    }
    if (link != null) removeLink();
  }

  static void nonBlockingCloseOnExec(int fd) throws IllegalStateException {
    Libc.Api c = Libc.api();
    int flags = c.fcntl(fd, Libc.F_GETFL);
    if (flags < 0 || c.fcntl(fd, Libc.F_SETFL, flags | Libc.O_NONBLOCK) < 0) {
      throw new IllegalStateException("fcntl(O_NONBLOCK) failed: " + Libc.errnoName(Native.getLastError()));
    }
    c.fcntl(fd, Libc.F_SETFD, Libc.FD_CLOEXEC); // children of the emulator must not keep the pty alive
  }

  // ---- private

  private PtyTransport(PortSpec spec, PortHub hub, int master, int held, String slave, Path link, boolean packet) {
    this.spec = spec;
    this.packet = packet;
    this.hub = hub;
    this.master = master;
    this.held = held;
    this.slave = slave;
    this.link = link;
    this.pendingLimit = 16 * 1024 + hub.backlogCapacity();
  }

  /** Opens the slave and sets it raw; returns the open fd. */
  private static int makeRaw(String slave) throws IOException {
    Libc.Api c = Libc.api();
    int fd = c.open(slave, Libc.O_RDWR | Libc.O_NOCTTY);
    if (fd < 0) throw failed("open " + slave);
    try (Memory termios = new Memory(Libc.TERMIOS_SIZE)) {
      termios.clear();
      if (c.tcgetattr(fd, termios) != 0) throw failed("tcgetattr " + slave);
      c.cfmakeraw(termios);
      if (c.tcsetattr(fd, Libc.TCSANOW, termios) != 0) throw failed("tcsetattr " + slave);
      return fd;
    } catch (IOException e) {
      c.close(fd);
      throw e;
    }
  }

  private static Path link(Path link, String slave) throws IOException {
    if (Files.exists(link, LinkOption.NOFOLLOW_LINKS)) {
      if (!Files.isSymbolicLink(link)) {
        throw new IOException(link + " exists and is not a symlink; refusing to replace it");
      }
      Files.delete(link); // left behind by an earlier run
    }
    Path parent = link.toAbsolutePath().getParent();
    if (parent != null && !Files.isDirectory(parent)) {
      throw new IOException("cannot create " + link + ": directory " + parent + " does not exist");
    }
    Files.createSymbolicLink(link, Path.of(slave));
    return link;
  }

  private void removeLink() {
    try {
      if (Files.isSymbolicLink(link) && Files.readSymbolicLink(link).toString().equals(slave)) {
        Files.delete(link);
      }
    } catch (IOException e) {
      log().warn("could not remove pty link {}", link, e);
    }
  }

  /** Appends to the pending queue, or drops and counts it when the queue is full. Guarded by this. */
  private void queue(byte[] bytes) {
    if (pending.size() + bytes.length <= pendingLimit) {
      pending.append(bytes, 0, bytes.length);
    } else {
      dropped.addAndGet(bytes.length);
    }
  }

  /** One non-blocking write; returns bytes written (0 on EAGAIN) or -1 when no client holds the slave. */
  private int writeMaster(byte[] bytes) {
    for (;;) {
      long n = Libc.api().write(master, bytes, new NativeLong(bytes.length)).longValue();
      if (n >= 0) return (int) n;
      int errno = Native.getLastError();
      if (errno == Libc.EINTR) continue;
      if (errno == Libc.EAGAIN) return 0;
      if (errno != Libc.EIO) log().warn("{}: write failed: {}", this, Libc.errnoName(errno));
      return -1;
    }
  }

  /**
   * The master's state now, for a send: {@code POLLHUP} when the last process holding the slave closed
   * it (the poller learns that too, but a moment later; output written in between would wait in the
   * kernel for the next client, which would then get it twice), {@code POLLPRI} when a flush of the
   * slave is waiting to be read. Guarded by this.
   */
  private short pollMaster() {
    sendPoll.setInt(0, master);
    sendPoll.setShort(4, (short) (Libc.POLLOUT | Libc.POLLPRI));
    sendPoll.setShort(6, (short) 0);
    int r = Libc.api().poll(sendPoll, ONE, 0);
    return r > 0 ? sendPoll.getShort(6) : 0;
  }

  /** Whether no process holds the slave; poller thread. */
  private boolean hungUp() {
    return (PtyPoller.get().probe(master) & Libc.POLLHUP) != 0;
  }

  /**
   * Reads what the master has: the client's bytes (packet mode puts {@code TIOCPKT_DATA} before them)
   * and flush reports, acted on only when {@code flushes} is set. Returns true if the master reported
   * that the client is gone.
   */
  private boolean readMaster(boolean flushes) {
    Memory buf = PtyPoller.get().readBuffer();
    for (;;) {
      long n = Libc.api().read(master, buf, new NativeLong(buf.size())).longValue();
      if (n > 0) {
        if (!packet) {
          hub.fromHost(buf.getByteArray(0, (int) n));
          continue;
        }
        int status = buf.getByte(0) & 0xff;
        if (status == Libc.TIOCPKT_DATA) {
          if (n > 1) hub.fromHost(buf.getByteArray(1, (int) n - 1));
        } else if ((status & Libc.TIOCPKT_FLUSHREAD) != 0 && flushes) {
          onFlushRead();
        }
        continue;
      }
      if (n == 0) return false;
      int errno = Native.getLastError();
      if (errno == Libc.EINTR) continue;
      return errno != Libc.EAGAIN; // EIO: nobody holds the slave any more
    }
  }

  /**
   * The client flushed its input. Whether it had read since it was given the backlog is known only once
   * inotify's events up to now are read, so output is held until the poller has read them and calls
   * {@link #judgeFlush}; see the class comment.
   */
  private void onFlushRead() {
    if (state != LIVE || !hub.replaysBacklog()) return;
    synchronized (this) {
      flushToJudge = true;
    }
  }

  /** Whether a flush report waits for {@link #judgeFlush}; poller thread, the only one that changes it. */
  boolean flushToJudge() {
    return flushToJudge;
  }

  /**
   * Every inotify event up to the flush report has been handled: if the client read nothing since it
   * was given the backlog, the flush threw away (some of) it, and it is given the backlog again.
   */
  void judgeFlush() {
    if (state == LIVE && (Libc.MAC || !readSinceReplay)) hub.replay(this, this::replay);
    synchronized (this) {
      flushToJudge = false; // output held meanwhile waits in the pending queue, behind any replay
    }
  }

  /**
   * Under the hub's lock: the client lost what it had, so it gets {@code backlog} again and then the
   * rest. Nothing reached it after its flush (sends hold back while a flush report waits), so the
   * backlog is exactly what it lacks.
   */
  private void replay(byte[] backlog) {
    synchronized (this) {
      if (released) return;
      pending.clear(); // all of it is in the backlog
      readSinceReplay = false;
      queue(backlog); // goes out on POLLOUT
    }
  }

  private void flushPending() {
    synchronized (this) {
      flushPendingLocked();
    }
  }

  private void flushPendingLocked() {
    if (released || pending.size() == 0 || flushToJudge) return;
    int n = writeMaster(pending.peek());
    if (n < 0) {
      dropped.addAndGet(pending.size());
      pending.clear();
    } else if (n == 0) {
      // POLLOUT without room: leave POLLOUT out until the client reads or the next send, not to spin
      stalled = true;
    } else {
      stalled = false;
      pending.skip(n);
    }
  }

  /** A first open file of the slave appeared: a client. */
  private void clientArrived() {
    if (hungUp()) return; // opened and closed again already; its close event follows
    readMaster(false); // a flush the client made before now cannot have touched the backlog it gets next
    attach();
  }

  private void attach() {
    state = LIVE;
    arrivals++;
    readSinceReplay = false;
    hub.attach(this);
  }

  /**
   * The client is gone. A log port stops sending to it and throws away what it left unread; its
   * count of open files starts again at {@link #recount}.
   */
  private void hangUp() {
    if (state == DETACHED) return;
    state = DETACHED;
    openFiles = 0;
    closing = false;
    if (!hub.replaysBacklog()) return; // a data port's output is for whoever holds the slave when it goes out
    recounting = !Libc.MAC; // macOS has no inotify events to ignore
    hub.detach(this, this::discardUnread); // under the hub's lock: no output slips in between
  }

  /**
   * Throws away what the departed client left: the pending queue, and the slave's input queue, which
   * outlives the client's close (the master keeps the tty) and would otherwise reach the next client
   * before its backlog. Only a process that has the slave open can flush it, so the pty opens it for a
   * moment; that open and its close reach inotify too, which is why the pty then recounts. Poller
   * thread, under the hub's lock.
   */
  private void discardUnread() {
    Libc.Api c = Libc.api();
    synchronized (this) {
      if (released) return;
      pending.clear();
      stalled = false;
      flushToJudge = false;
      int fd = c.open(slave, Libc.O_RDONLY | Libc.O_NOCTTY | Libc.O_NONBLOCK);
      if (fd < 0) {
        log().warn("{}: cannot open the slave to discard what the last client left unread: {}", this,
            Libc.errnoName(Native.getLastError()));
        return;
      }
      if (c.tcflush(fd, Libc.TCIFLUSH) != 0) {
        log().warn("{}: cannot discard what the last client left unread: {}", this, Libc.errnoName(Native.getLastError()));
      }
      c.close(fd);
    }
  }

  private static IOException failed(String call) {
    return new IOException(call + " failed: " + Libc.errnoName(Native.getLastError()));
  }

  private static Logger log() {
    return LoggerFactory.getLogger(PtyTransport.class);
  }

  /** A growable FIFO of bytes; guarded by its pty. */
  private static final class ByteQueue {
    int size() {
      return end - start;
    }

    void append(byte[] b, int off, int len) {
      if (end + len > buf.length) {
        int size = size();
        byte[] next = size + len <= buf.length ? buf : new byte[Math.max(buf.length * 2, size + len)];
        System.arraycopy(buf, start, next, 0, size);
        buf = next;
        start = 0;
        end = size;
      }
      System.arraycopy(b, off, buf, end, len);
      end += len;
    }

    byte[] peek() {
      return Arrays.copyOfRange(buf, start, end);
    }

    void skip(int n) {
      start += n;
      if (start == end) clear();
    }

    void clear() {
      start = 0;
      end = 0;
      if (buf.length > 64 * 1024) buf = new byte[4096]; // do not keep a flood's worth of memory
    }

    private byte[] buf = new byte[4096];
    private int start;
    private int end;
  }

  private static final int DETACHED = 0, LIVE = 1;
  private static final NativeLong ONE = new NativeLong(1);

  private final PortSpec spec;
  private final PortHub hub;
  private final int master; // non-blocking, close-on-exec, in packet mode if packet
  private final boolean packet; // reads carry a status byte; always on Linux, expected on macOS
  private final int held; // the setup fd of the slave, kept open on macOS only; -1 otherwise
  private final String slave;
  private final Path link; // nullable
  private final int pendingLimit; // room for a full backlog replay plus some live output
  private final AtomicLong dropped = new AtomicLong();

  // guarded by this
  private final Memory sendPoll = new Memory(Libc.POLLFD_SIZE);
  private final ByteQueue pending = new ByteQueue();
  private boolean closeRequested;
  private boolean stalled; // POLLOUT was reported but the write made no progress
  private boolean flushToJudge; // a flush report was read and waits for judgeFlush(); written by the poller
  private volatile boolean released;

  // poller thread only
  private int state = DETACHED;
  private int openFiles; // open files of the slave, counted from inotify's open and close events
  private boolean closing; // the count reached 0 among the events being handled; see settle()
  private int arrivals; // clients that have attached so far
  private boolean readSinceReplay; // the client read something after it was last given the backlog
  private boolean recounting; // inotify's events of the slave are ignored until recount(); see recounting()
}
