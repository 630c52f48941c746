package airemu.netif;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The bandwidth line as arithmetic on given times: no clock, no waiting. */
class PacerTest {
  /** 80 kbps is 10,000 bytes a second: 1,000 bytes take 100 ms. */
  private static final long KBPS = 80, KB_MS = 100_000_000L;

  @Test
  void aChunkTakesItsBitsOverTheLineRate() {
    Pacer line = new Pacer(KBPS);
    assertEquals(KB_MS, line.crossingNanos(1000));
    assertEquals(5 + KB_MS, line.reserve(5, 1000));
  }

  @Test
  void chunksQueueBehindEachOtherWhetherFromOneSocketOrMany() {
    Pacer line = new Pacer(KBPS);
    assertEquals(KB_MS, line.reserve(0, 1000));
    assertEquals(2 * KB_MS, line.reserve(0, 1000)); // ready at once, but the line is busy
    assertEquals(3 * KB_MS, line.reserve(KB_MS, 1000));
  }

  @Test
  void anIdleLineStartsTheNextChunkWhenItIsReady() {
    Pacer line = new Pacer(KBPS);
    line.reserve(0, 1000);
    assertEquals(10 * KB_MS + KB_MS / 2, line.reserve(10 * KB_MS, 500));
  }

  @Test
  void aLineNeedsAtLeastOneKbps() {
    assertThrows(IllegalArgumentException.class, () -> new Pacer(0));
  }
}
