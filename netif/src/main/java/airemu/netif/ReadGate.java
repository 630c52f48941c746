package airemu.netif;

import io.netty.channel.Channel;
import io.netty.util.AttributeKey;

/**
 * Who stops a channel reading from its host socket. Two parties do: the ctrl's receive buffer when
 * the script does not read ({@link Conn}), and the adapter's faults when a stalled or slow network
 * holds data back ({@link FaultHandler}). Each holds or releases its own reason; the channel reads
 * only while nobody holds it, so one party's release never undoes the other's hold.
 *
 * <p>Any thread: the reasons and the channel's auto-read flag change together under one lock.
 */
final class ReadGate {
  /** The ctrl's receive buffer is full, or its link is gone. */
  static final int BUFFER = 1;
  /** The adapter's network holds traffic back (blackhole, latency or bandwidth backlog). */
  static final int FAULTS = 2;

  private ReadGate() {}

  static void hold(Channel ch, int reason, boolean hold) {
    Holds h = ch.attr(HOLDS).get();
    if (h == null) {
      Holds fresh = new Holds();
      h = ch.attr(HOLDS).setIfAbsent(fresh);
      if (h == null) h = fresh;
    }
    synchronized (h) {
      h.reasons = hold ? h.reasons | reason : h.reasons & ~reason;
      ch.config().setAutoRead(h.reasons == 0);
    }
  }

  private static final class Holds {
    int reasons; // guarded by this
  }

  private static final AttributeKey<Holds> HOLDS = AttributeKey.valueOf(ReadGate.class, "holds");
}
