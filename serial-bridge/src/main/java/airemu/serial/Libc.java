package airemu.serial;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;

/**
 * The few libc calls a pseudo-terminal needs, with the constants that differ between Linux and macOS.
 *
 * <p>Only calls whose prototypes match on both systems are declared with fixed arguments. {@code fcntl}
 * and {@code ioctl} are variadic in C, and Apple's arm64 ABI passes variadic arguments on the stack,
 * so they are declared with {@code Object...} to let JNA use the variadic calling convention.
 * {@code struct termios} differs in size and field width, so it is handled as an opaque buffer that
 * only libc reads and writes. inotify exists on Linux only.
 */
final class Libc {

  /** True where this class can work: Linux and macOS. */
  static boolean supported() {
    return Platform.isLinux() || Platform.isMac();
  }

  static Api api() {
    return Holder.API;
  }

  /** The text of {@code errno} for messages, e.g. "EIO (5)". */
  static String errnoName(int errno) {
    if (errno == EAGAIN) return "EAGAIN (" + errno + ")";
    if (errno == EIO) return "EIO (" + errno + ")";
    if (errno == EINTR) return "EINTR (" + errno + ")";
    if (errno == EMFILE) return "EMFILE (" + errno + ")";
    if (errno == ENOSPC) return "ENOSPC (" + errno + ")";
    return "errno " + errno;
  }

  /** libc as JNA sees it; sizes are {@code NativeLong} because size_t and ssize_t are as wide as long on LP64. */
  interface Api extends Library {
    int posix_openpt(int flags);

    int grantpt(int fd);

    int unlockpt(int fd);

    /** Not thread-safe (a static buffer); {@link PtyTransport} calls it under a lock. */
    String ptsname(int fd);

    int open(String path, int flags);

    int close(int fd);

    NativeLong read(int fd, Pointer buf, NativeLong count);

    NativeLong write(int fd, byte[] buf, NativeLong count);

    int fcntl(int fd, int cmd, Object... arg);

    /** Variadic in C like fcntl; the request is an unsigned long. */
    int ioctl(int fd, NativeLong request, Object... arg);

    int tcgetattr(int fd, Pointer termios);

    void cfmakeraw(Pointer termios);

    int tcsetattr(int fd, int optionalActions, Pointer termios);

    /** Throws away what waits in a tty's queue; {@link #TCIFLUSH} for its input. */
    int tcflush(int fd, int queueSelector);

    int pipe(int[] fds);

    /** nfds_t is unsigned long on Linux and unsigned int on macOS; a long in the register serves both. */
    int poll(Pointer fds, NativeLong nfds, int timeoutMillis);

    /** Linux only; JNA looks a function up on its first call, so declaring it is harmless on macOS. */
    int inotify_init1(int flags);

    /** Linux only. */
    int inotify_add_watch(int fd, String path, int mask);

    /** Linux only. */
    int inotify_rm_watch(int fd, int wd);
  }

  static final boolean MAC = Platform.isMac();

  static final int O_RDONLY = 0;
  static final int O_RDWR = 2;
  static final int O_NOCTTY = MAC ? 0x20000 : 0x100;
  static final int O_NONBLOCK = MAC ? 0x4 : 0x800;
  static final int F_SETFD = 2;
  static final int F_GETFL = 3;
  static final int F_SETFL = 4;
  static final int FD_CLOEXEC = 1;
  static final int TCSANOW = 0;
  static final int TCIFLUSH = MAC ? 1 : 0;
  /** Packet mode on a pty master: reads then tell when the slave flushed its input (TIOCPKT_FLUSHREAD). */
  static final long TIOCPKT = MAC ? 0x80047470L : 0x5420L;
  static final int TIOCPKT_DATA = 0;
  static final int TIOCPKT_FLUSHREAD = 0x1;

  static final int EINTR = 4;
  static final int EIO = 5;
  static final int EAGAIN = MAC ? 35 : 11;
  static final int EMFILE = 24;
  static final int ENOSPC = 28;

  static final short POLLIN = 0x1;
  static final short POLLPRI = 0x2;
  static final short POLLOUT = 0x4;
  static final short POLLERR = 0x8;
  static final short POLLHUP = 0x10;
  static final short POLLNVAL = 0x20;
  /** {@code struct pollfd} is {int fd; short events; short revents} on both systems. */
  static final int POLLFD_SIZE = 8;
  static final int IN_ACCESS = 0x1;
  static final int IN_CLOSE_WRITE = 0x8;
  static final int IN_CLOSE_NOWRITE = 0x10;
  static final int IN_OPEN = 0x20;
  static final int IN_Q_OVERFLOW = 0x4000;
  static final int IN_NONBLOCK = 0x800;
  static final int IN_CLOEXEC = 0x80000;
  /** {@code struct inotify_event} without its name: {int wd; uint32 mask, cookie, len}. */
  static final int INOTIFY_EVENT_SIZE = 16;

  /** Larger than struct termios on either system (60 bytes on Linux, 72 on macOS). */
  static final int TERMIOS_SIZE = 256;

  private Libc() {}

  private static final class Holder {
    static final Api API = Native.load(Platform.C_LIBRARY_NAME, Api.class);
  }
}
