package airemu.serial;

import java.util.Arrays;

/**
 * The last {@code capacity} bytes a port sent, replayed to a client when it attaches so that a viewer
 * opened late still sees how the device booted. Not thread-safe: {@link PortHub} guards it.
 */
final class Backlog {

  Backlog(int capacity) {
    if (capacity < 0) throw new IllegalArgumentException("backlog capacity must be >= 0: " + capacity);
    this.capacity = capacity;
    // One byte more than is replayed: the byte before the oldest one tells whether that starts a line.
    this.ring = new byte[capacity == 0 ? 0 : capacity + 1];
  }

  void append(byte[] bytes) {
    int cap = ring.length;
    if (cap == 0) return;
    int from = Math.max(0, bytes.length - cap); // of a chunk longer than the ring only the tail survives
    int len = bytes.length - from;
    int first = Math.min(len, cap - head);
    System.arraycopy(bytes, from, ring, head, first);
    System.arraycopy(bytes, from + first, ring, 0, len - first);
    head = (head + len) % cap;
    size = Math.min(cap, size + len);
  }

  /**
   * The stored bytes, oldest first. Once old output has been overwritten the copy starts at a line
   * start, so a client never sees the torn end of a line.
   */
  byte[] snapshot() {
    int cap = ring.length;
    int n = Math.min(size, capacity);
    byte[] out = new byte[n];
    int start = (head - n + cap) % Math.max(cap, 1);
    int first = Math.min(n, cap - start);
    System.arraycopy(ring, start, out, 0, first);
    System.arraycopy(ring, 0, out, first, n - first);
    boolean olderBytesExist = size > capacity;
    if (!olderBytesExist || ring[(start - 1 + cap) % cap] == '\n') return out;
    for (int i = 0; i < out.length; i++) {
      if (out[i] == '\n') return Arrays.copyOfRange(out, i + 1, out.length);
    }
    return new byte[0]; // all of it is the tail of one line longer than the backlog
  }

  boolean enabled() {
    return capacity > 0;
  }

  int capacity() {
    return capacity;
  }

  private final int capacity; // bytes replayed at most
  private final byte[] ring; // capacity + 1 bytes, or none
  private int head; // next write index
  private int size; // valid bytes ending at head, at most ring.length
}
