package airemu.netif;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import java.util.List;

/**
 * What a leak test checks of netif from outside: the host channels devices hold open, and the
 * ByteBufs nobody released, as {@link LeakRecorder} collects them. Public for the tests of the
 * modules above netif (its test jar), whose JVM installs the recorder too.
 */
public final class Leaks {
  private Leaks() {}

  /** Channels opened for devices, every device of the JVM, and not closed yet. */
  public static int openChannels() {
    return Transport.shared().openChannels();
  }

  /**
   * Tracks every ByteBuf (PARANOID) until the returned tracking is closed, which restores the JVM's
   * level, and forgets the leaks reported so far, so that what {@link #assertNoByteBufLeaks} finds
   * meanwhile is the test's own. For a JVM that otherwise samples (the default level).
   */
  public static Tracking trackEveryBuffer() {
    assertEquals(LeakRecorder.class.getName(), System.getProperty("io.netty.customResourceLeakDetector"),
        "the test JVM must install the leak recorder (surefire systemPropertyVariables)");
    ResourceLeakDetector.Level before = ResourceLeakDetector.getLevel();
    collect();
    ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
    LeakRecorder.LEAKS.clear();
    return () -> ResourceLeakDetector.setLevel(before);
  }

  /** {@link #trackEveryBuffer} in force; closing it restores the level it found. */
  public interface Tracking extends AutoCloseable {
    @Override
    void close();
  }

  /** Collects garbage until the detector has seen every dropped buffer, then asserts none leaked. */
  public static void assertNoByteBufLeaks() {
    collect();
    List<String> leaks = LeakRecorder.LEAKS.stream().filter(l -> !l.contains("Canary")).toList();
    assertEquals(List.of(), leaks, "leaked ByteBufs");
  }

  private static void collect() {
    for (int round = 0; round < 5; round++) {
      System.gc();
      System.runFinalization();
      for (int i = 0; i < 1000; i++) { // the detector reports leaks when it tracks the next buffers
        ByteBuf b = ByteBufAllocator.DEFAULT.buffer(16);
        b.release();
      }
    }
  }
}
