package airemu.netif;

import java.io.IOException;
import java.net.InetAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;

/**
 * One echo request from the host, for {@code netdrv.ping}. The JVM sends an ICMP echo where it may
 * (root, or {@code CAP_NET_RAW}); elsewhere {@link InetAddress#isReachable} tries the target's TCP
 * echo port instead, which a host answers by accepting or refusing the connection. A target that
 * drops both counts as not answering, which is what a module sees of a host that ignores pings.
 * The wait blocks a thread of a small shared pool, never a device's.
 */
final class Pinger {
  /** {@code luat_icmp.c} ignores a reply that comes 16 s or more after its request. */
  private static final int TIMEOUT_MS = 16_000;
  private static final ExecutorService POOL = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "airemu-ping");
    t.setDaemon(true);
    return t;
  });

  private Pinger() {}

  /**
   * Sends the request; on a reply calls {@code onReply} with the round trip in whole milliseconds,
   * rounded up, from the pool's thread. A host on this machine answers in microseconds, which would
   * read as 0 ms, a time no module's radio gives, and {@code libnet.ping} takes 0 ms as no answer.
   */
  static void ping(InetAddress target, LongConsumer onReply) {
    POOL.execute(() -> {
      long start = System.nanoTime();
      try {
        if (target.isReachable(TIMEOUT_MS)) onReply.accept(roundTripMillis(System.nanoTime() - start));
      } catch (IOException e) {
        // no route from the host: no reply, as on the module
      }
    });
  }

  /** {@code nanos} in milliseconds, rounded up: at least 1. */
  static long roundTripMillis(long nanos) {
    return Math.max(1, (nanos + TimeUnit.MILLISECONDS.toNanos(1) - 1) / TimeUnit.MILLISECONDS.toNanos(1));
  }
}
