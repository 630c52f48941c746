package airemu.serial;

import java.util.Arrays;

/**
 * The last {@code capacity} bytes a port sent, replayed to a client when it attaches so that a viewer
 * opened late still sees how the device booted. Not thread-safe: {@link PortHub} guards it.
 */
final class Backlog {

  Backlog(int capacity) {
    if (capacity < 0) throw new IllegalArgumentException("backlog capacity must be >= 0: " + capacity);
    this.ring = new byte[capacity];
  }

  void append(byte[] bytes) {
    int cap = ring.length;
    if (cap == 0) return;
    int len = bytes.length;
    int from = 0;
    if (len >= cap) { // only the tail survives
      from = len - cap;
      len = cap;
    }
    if (size + len > cap || from > 0) wrapped = true;
    int first = Math.min(len, cap - head);
    System.arraycopy(bytes, from, ring, head, first);
    System.arraycopy(bytes, from + first, ring, 0, len - first);
    head = (head + len) % cap;
    size = Math.min(cap, size + len);
  }

  /**
   * The stored bytes, oldest first. Once old output has been overwritten the copy starts after the first
   * line break, so a client never sees the torn end of a line.
   */
  byte[] snapshot() {
    int cap = ring.length;
    byte[] out = new byte[size];
    int start = (head - size + cap) % Math.max(cap, 1);
    int first = Math.min(size, cap - start);
    System.arraycopy(ring, start, out, 0, first);
    System.arraycopy(ring, 0, out, first, size - first);
    if (!wrapped) return out;
    for (int i = 0; i < out.length; i++) {
      if (out[i] == '\n') return Arrays.copyOfRange(out, i + 1, out.length);
    }
    return out; // one line longer than the backlog: better torn than nothing
  }

  boolean enabled() {
    return ring.length > 0;
  }

  int capacity() {
    return ring.length;
  }

  private final byte[] ring;
  private int head; // next write index
  private int size; // valid bytes ending at head
  private boolean wrapped; // older bytes were overwritten, so the first line may be torn
}
