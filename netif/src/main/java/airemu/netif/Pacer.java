package airemu.netif;

/**
 * One direction of a bandwidth-limited adapter: a single line of {@code kbps} that every socket of
 * the adapter shares, first come first served. Each chunk reserves the line for as long as its
 * bytes take to cross it; {@link #reserve} says when the chunk has passed. Pure arithmetic on the
 * times it is given, so it is tested without a clock; the fault handlers wait around it.
 *
 * <p>Thread-safe: channels on different event loops reserve the same line.
 */
final class Pacer {

  Pacer(long kbps) {
    if (kbps < 1) throw new IllegalArgumentException("kbps must be >= 1");
    this.kbps = kbps;
  }

  /**
   * Reserves the line for {@code bytes} that are ready to go at {@code readyNanos}; returns when
   * their last byte has crossed it: they start when the line is free, no earlier than ready.
   */
  synchronized long reserve(long readyNanos, long bytes) {
    long start = Math.max(readyNanos, freeAt);
    freeAt = start + crossingNanos(bytes);
    return freeAt;
  }

  /** How long {@code bytes} take to cross the line: 8 bits each at {@code kbps} thousand bits a second. */
  long crossingNanos(long bytes) {
    return bytes * 8_000_000L / kbps;
  }

  private final long kbps;
  /** When the last reservation has crossed; the line is free from then on. Guarded by this. */
  private long freeAt = Long.MIN_VALUE;
}
