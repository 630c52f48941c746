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
   * Tracks every ByteBuf from now on (PARANOID) and forgets the leaks reported so far, so that what
   * a test finds afterwards is its own. A JVM that samples (the default level) elsewhere calls this
   * first; {@link #assertNoByteBufLeaks} then checks what the test did.
   */
  public static void trackEveryBuffer() {
    assertEquals(LeakRecorder.class.getName(), System.getProperty("io.netty.customResourceLeakDetector"),
        "the test JVM must install the leak recorder (surefire systemPropertyVariables)");
    collect();
    ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
    LeakRecorder.LEAKS.clear();
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
