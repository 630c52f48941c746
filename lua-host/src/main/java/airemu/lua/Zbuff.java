package airemu.lua;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * A zbuff: the firmware's block of C memory ({@code luat_zbuff_t}) that scripts fill and read through
 * the {@code zbuff} library and that other libraries (socket, uart, crypto ...) read and fill directly.
 *
 * <p>Two numbers describe it. {@link #len()} bytes are allocated. {@link #used()} counts the bytes
 * the buffer holds <em>and</em> is the read/write cursor: the firmware keeps both in one field (a C
 * union), so {@code seek} moves {@code used} and every {@code write} or {@code read} advances it.
 * Always {@code 0 <= used <= len}. Memory comes from the device's {@link Heap}, so growing can fail,
 * as {@code realloc} does on the module; a failed resize leaves the buffer as it was.
 *
 * <p>How the network bindings use it:
 * <pre>{@code
 * // socket.tx(ctrl, buff): send the used bytes from offset 0; the buffer and its cursor stay as they are
 * byte[] payload = buff.copyUsed();
 * // socket.rx(ctrl, buff): append at used, growing to used + n first when the free space is short
 * if (!buff.ensureRemaining(n)) { ... the firmware logs and reads only buff.remaining() bytes ... }
 * int appended = buff.append(data, 0, n);
 * }</pre>
 *
 * <p>Only the device thread touches a zbuff. Offsets and lengths here are Java ints that callers
 * have already checked; the firmware's C integer conversions are the bindings' business.
 */
final class Zbuff {
  /** The C allocator's limit: sizes are {@code size_t}, 32 bits on the module. */
  static final long MAX_SIZE = 0xFFFF_FFFFL;

  /** Allocates {@code len} bytes (zeroed) from {@code heap}; null when the heap cannot hold them. */
  static Zbuff allocate(Heap heap, long len) {
    if (len < 0 || !heap.reserve(len)) return null;
    return new Zbuff(heap, new byte[(int) len]);
  }

  private Zbuff(Heap heap, byte[] data) {
    this.heap = heap;
    this.data = data;
  }

  // --- the struct ---------------------------------------------------------------------------------

  /** Bytes allocated. */
  int len() {
    return data.length;
  }

  /** Bytes held, which is also the cursor of read, write, pack and seek. */
  int used() {
    return used;
  }

  /** Moves the cursor (and so the count of bytes held) to {@code n}, {@code 0 <= n <= len}. */
  void used(int n) {
    if (n < 0 || n > data.length) throw new IndexOutOfBoundsException("used " + n + " of zbuff len " + data.length);
    used = n;
  }

  /** Bytes between the cursor and the end of the allocation. */
  int remaining() {
    return data.length - used;
  }

  /**
   * The live backing array, exactly {@link #len()} bytes long. Valid until the next resize or
   * {@link #release()}; for bindings that read or write in place.
   */
  byte[] array() {
    return data;
  }

  /** Where this buffer's memory comes from; a binding that creates zbuffs for scripts allocates there too. */
  Heap heap() {
    return heap;
  }

  // --- what other bindings need -------------------------------------------------------------------

  /** A copy of the bytes held, {@code [0, used)}: what {@code socket.tx(ctrl, buff)} sends. */
  byte[] copyUsed() {
    return Arrays.copyOf(data, used);
  }

  /** A read-only view of {@code [0, used)}; valid until the buffer next changes. */
  ByteBuffer usedView() {
    return ByteBuffer.wrap(data, 0, used).asReadOnlyBuffer();
  }

  /**
   * Writes at the cursor what fits before the end of the allocation and advances the cursor; returns
   * how many bytes were written. Never grows (the firmware's {@code add_bytes}).
   */
  int write(byte[] src, int off, int n) {
    int k = Math.min(n, data.length - used);
    System.arraycopy(src, off, data, used, k);
    used += k;
    return k;
  }

  /**
   * Makes room for {@code n} more bytes after {@code used}: when fewer are free, the allocation grows
   * to exactly {@code used + n} (as {@code socket.rx} grows a zbuff). False when the heap refused.
   */
  boolean ensureRemaining(int n) {
    return data.length - used >= n || resize((long) used + n);
  }

  /**
   * Appends at {@code used}, growing first if needed ({@link #ensureRemaining}); returns the bytes
   * appended, fewer than {@code n} only when growing failed and the free space was short.
   */
  int append(byte[] src, int off, int n) {
    ensureRemaining(n);
    return write(src, off, n);
  }

  /**
   * The firmware's {@code __zbuff_resize}: reallocates to {@code newLen} bytes (0 to 2^32-1), keeping
   * the content, zeroing new bytes and clipping {@code used}. When the heap cannot grow by the
   * difference it logs {@code zbuff realloc failed <len> -> <newLen>} and changes nothing.
   */
  boolean resize(long newLen) {
    if (newLen < 0 || newLen > MAX_SIZE) throw new IllegalArgumentException("zbuff size " + newLen);
    long grow = newLen - data.length;
    if (grow > 0 && !heap.reserve(grow)) {
      heap.error("zbuff realloc failed " + data.length + " -> " + (int) newLen); // both printed with %d
      return false;
    }
    if (grow < 0) heap.release(-grow);
    data = Arrays.copyOf(data, (int) newLen);
    used = Math.min(used, data.length);
    return true;
  }

  /**
   * Gives the memory back ({@code buff:free()} and garbage collection): the buffer stays usable with
   * length 0, and a later resize allocates again.
   */
  void release() {
    heap.release(data.length);
    data = EMPTY;
    used = 0;
  }

  /**
   * The allocator zbuffs draw from: the module's free heap, one per device. A binding that grows a
   * zbuff goes through {@link Zbuff#resize}, which accounts here and reports failures the firmware's way.
   */
  static final class Heap {
    /**
     * @param capacity bytes all live zbuffs may hold together
     * @param errorLog receives the firmware's error lines (without the {@code E/zbuff } prefix)
     */
    Heap(long capacity, Consumer<String> errorLog) {
      this.capacity = Math.min(capacity, MAX_ARRAY);
      this.errorLog = errorLog;
    }

    long capacity() {
      return capacity;
    }

    /** Bytes held by live zbuffs. */
    long allocated() {
      return allocated;
    }

    boolean reserve(long n) {
      if (n > capacity - allocated) return false;
      allocated += n;
      return true;
    }

    void release(long n) {
      allocated -= n;
    }

    void error(String line) {
      errorLog.accept(line);
    }

    private static final long MAX_ARRAY = Integer.MAX_VALUE - 8; // the largest Java array
    private final long capacity;
    private final Consumer<String> errorLog;
    private long allocated;
  }

  private static final byte[] EMPTY = new byte[0];

  private final Heap heap;
  private byte[] data; // exactly len bytes
  private int used; // bytes held and the cursor: one field on the module

  // framebuffer geometry (zbuff.create({w, h, bit}), setFrameBuffer): pixels as unsigned 32-bit
  // values and bits per pixel; all 0 when the buffer is not a framebuffer. See ZbuffFrame.
  long width, height;
  int bit;
}
