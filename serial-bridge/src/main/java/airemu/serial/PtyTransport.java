package airemu.serial;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A POSIX pseudo-terminal: the emulator keeps the master, and a client opens the slave
 * ({@code /dev/pts/N}, {@code /dev/ttysNNN}) or a symlink to it as if it were the module's COM port.
 *
 * <p>The slave is put in raw mode once at creation, before any client sees it, so that the line
 * discipline neither echoes the device's output back to it nor turns its {@code \n} into {@code \r\n}.
 * On Linux the setting outlives the setup fd; macOS resets a slave's termios when it is first opened, so
 * there the setup fd is held open for the life of the pty. Holding it hides the client's open and close
 * (the master never hangs up), so on macOS the pty counts as attached from the start.
 *
 * <p>Writes to the master never block. The kernel buffers about 20 KB for a client that is not reading;
 * beyond that, output waits in a bounded queue that the {@link PtyPoller} drains on {@code POLLOUT}, and
 * what does not fit there is dropped and counted. While no client holds the slave, nothing is written
 * at all ({@code EIO} on the master means the same): the output goes only to the backlog, which is
 * replayed when the next client attaches, so a client gets every line once.
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
      Path link = spec.path() == null ? null : link(Path.of(spec.path()), slave);
      PtyTransport pty = new PtyTransport(spec, hub, master, held, slave, link);
      PtyPoller.get().register(pty);
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
      if (pending.size() > 0) {
        if (pending.size() + bytes.length <= pendingLimit) {
          pending.append(bytes, 0, bytes.length);
        } else {
          dropped.addAndGet(bytes.length);
        }
        return;
      }
      if (clientGone()) { // not dropped: like a detached pty, the backlog has it for the next client
        wake = reportGone();
      } else {
        int n = writeMaster(bytes);
        if (n < 0) { // EIO: the client is gone
          dropped.addAndGet(bytes.length);
          wake = reportGone();
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

  /** Whether the master has a client and so belongs in the poll set. */
  boolean hasClient() {
    return !released && state != DETACHED;
  }

  boolean needsTick() {
    return !released && (state != LIVE || stalled);
  }

  boolean wantsPollOut() {
    synchronized (this) {
      return pending.size() > 0 && !stalled;
    }
  }

  void onEvents(short revents) {
    if (released) return;
    boolean hangUp = (revents & (Libc.POLLHUP | Libc.POLLERR | Libc.POLLNVAL)) != 0;
    if ((revents & (Libc.POLLIN | Libc.POLLHUP | Libc.POLLERR)) != 0) {
      if (readMaster(hangUp)) hangUp = true;
    }
    if ((revents & Libc.POLLOUT) != 0 && !hangUp) flushPending();
    if (hangUp) hangUp();
  }

  /**
   * Detaches the client if a send saw it gone. The poller usually sees the hang-up itself, but not when
   * the next client opens the slave before the poller thread runs: {@code POLLHUP} is a level, and it is
   * gone by then. The generation keeps a late report from detaching the client that came next.
   */
  void checkGone() {
    if (goneGeneration == generation && state == LIVE) {
      goneGeneration = -1;
      hangUp();
    }
  }

  void tick(long nowNanos) {
    if (released) return;
    stalled = false;
    if (state == DETACHED) {
      if ((PtyPoller.get().probe(master) & Libc.POLLHUP) != 0) return;
      if (hub.replaysBacklog()) {
        state = SETTLING;
        settlingSince = nowNanos;
      } else {
        attach();
      }
    } else if (state == SETTLING && nowNanos - settlingSince >= SETTLE_NANOS) {
      attach();
    }
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

  private PtyTransport(PortSpec spec, PortHub hub, int master, int held, String slave, Path link) {
    this.spec = spec;
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
   * Whether the last process holding the slave closed it. The poller learns that too, but a moment
   * later; output written to the master in between would wait in the kernel for the next client, which
   * would then get it twice (once stale, once in the backlog replay). Guarded by this.
   */
  private boolean clientGone() {
    sendPoll.setInt(0, master);
    sendPoll.setShort(4, Libc.POLLOUT);
    sendPoll.setShort(6, (short) 0);
    int r = Libc.api().poll(sendPoll, ONE, 0);
    return r > 0 && (sendPoll.getShort(6) & Libc.POLLHUP) != 0;
  }

  /** Reads what the client sent; returns true if the master reported that the client is gone. */
  private boolean readMaster(boolean hangingUp) {
    Memory buf = PtyPoller.get().readBuffer();
    for (;;) {
      long n = Libc.api().read(master, buf, new NativeLong(buf.size())).longValue();
      if (n > 0) {
        // A client that sends has finished opening: give it the backlog now rather than at the tick.
        if (state != LIVE && !hangingUp) attach();
        hub.fromHost(buf.getByteArray(0, (int) n));
        continue;
      }
      if (n == 0) return false;
      int errno = Native.getLastError();
      if (errno == Libc.EINTR) continue;
      return errno != Libc.EAGAIN; // EIO: nobody holds the slave any more
    }
  }

  private void flushPending() {
    synchronized (this) {
      if (released || pending.size() == 0) return;
      int n = writeMaster(pending.peek());
      if (n < 0) {
        dropped.addAndGet(pending.size());
        pending.clear();
      } else if (n == 0) {
        stalled = true; // POLLOUT without room: wait for the next tick instead of spinning
      } else {
        pending.skip(n);
      }
    }
  }

  private void attach() {
    state = LIVE;
    generation++;
    hub.attach(this);
  }

  /** Called by a send that found no client; returns true: the poller must be woken to act on it. */
  private boolean reportGone() {
    goneGeneration = generation;
    return true;
  }

  private void hangUp() {
    if (state == DETACHED) return;
    state = DETACHED;
    hub.detach(this);
    synchronized (this) {
      pending.clear(); // for the client that left; the next one gets the backlog instead
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

  private static final int DETACHED = 0, SETTLING = 1, LIVE = 2;
  private static final NativeLong ONE = new NativeLong(1);
  private static final long SETTLE_NANOS = TimeUnit.MILLISECONDS.toNanos(PortHub.SETTLE_MILLIS);

  private final PortSpec spec;
  private final PortHub hub;
  private final int master; // non-blocking, close-on-exec
  private final int held; // the setup fd of the slave, kept open on macOS only; -1 otherwise
  private final String slave;
  private final Path link; // nullable
  private final int pendingLimit; // room for a full backlog replay plus some live output
  private final AtomicLong dropped = new AtomicLong();

  // guarded by this
  private final Memory sendPoll = new Memory(Libc.POLLFD_SIZE);
  private final ByteQueue pending = new ByteQueue();
  private boolean closeRequested;
  private volatile boolean released;

  // written by the poller thread only
  private volatile int generation; // counts attaches, to tell one client's hang-up from the next's
  private volatile int goneGeneration = -1; // the generation a send found gone; -1 for none

  // poller thread only (stalled is also read under the lock by wantsPollOut, on the same thread)
  private int state = DETACHED;
  private long settlingSince;
  private boolean stalled; // POLLOUT was reported but the write made no progress
}
