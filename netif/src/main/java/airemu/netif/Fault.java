package airemu.netif;

/**
 * Something wrong with the network outside one adapter of the module, set on an {@link Environment}.
 * An adapter holds at most one fault of each {@link Kind}; setting one replaces the last of its kind.
 */
public sealed interface Fault {

  enum Kind { LATENCY, LOSS, BANDWIDTH, BLACKHOLE, DNS, UNREACHABLE }

  Kind kind();

  /** How the fault reads in status output and the event stream, e.g. {@code latency 300ms ±50ms}. */
  String describe();

  /**
   * Every byte and datagram, both ways, arrives {@code delayMillis} ± {@code jitterMillis} late (order
   * kept on TCP). The jitter is at most the delay: nothing arrives before it was sent.
   */
  record Latency(long delayMillis, long jitterMillis) implements Fault {
    public Latency {
      if (delayMillis < 0 || jitterMillis < 0) throw new IllegalArgumentException("latency and jitter must be >= 0");
      if (jitterMillis > delayMillis) {
        throw new IllegalArgumentException("the jitter (" + jitterMillis + "ms) must not be larger than the latency ("
            + delayMillis + "ms)");
      }
    }

    @Override
    public Kind kind() {
      return Kind.LATENCY;
    }

    @Override
    public String describe() {
      return "latency " + delayMillis + "ms" + (jitterMillis > 0 ? " ±" + jitterMillis + "ms" : "");
    }
  }

  /** Each UDP datagram, either way, is lost with this probability (TCP retransmits, so it is not affected). */
  record Loss(int percent) implements Fault {
    public Loss {
      if (percent < 0 || percent > 100) throw new IllegalArgumentException("loss percent must be 0..100");
    }

    @Override
    public Kind kind() {
      return Kind.LOSS;
    }

    @Override
    public String describe() {
      return "loss " + percent + "%";
    }
  }

  /** The adapter carries at most this many kilobits per second each way, shared by its sockets. */
  record Bandwidth(long kbps) implements Fault {
    public Bandwidth {
      if (kbps < 1) throw new IllegalArgumentException("bandwidth must be >= 1 kbps");
    }

    @Override
    public Kind kind() {
      return Kind.BANDWIDTH;
    }

    @Override
    public String describe() {
      return "bandwidth " + kbps + "kbps";
    }
  }

  /**
   * Packets vanish without a trace: nothing arrives, nothing sent gets through, new connections and
   * DNS queries go unanswered, yet no connection is reset, as when a carrier's network stalls.
   */
  record Blackhole() implements Fault {
    @Override
    public Kind kind() {
      return Kind.BLACKHOLE;
    }

    @Override
    public String describe() {
      return "blackhole";
    }
  }

  /** Name lookups fail at once ({@code timeout == false}) or get no answer until the DNS timeout. */
  record Dns(boolean timeout) implements Fault {
    @Override
    public Kind kind() {
      return Kind.DNS;
    }

    @Override
    public String describe() {
      return "dns " + (timeout ? "timeout" : "fail");
    }
  }

  /**
   * Connections and datagrams to {@code host} (a name as the script passes it, or an IP literal;
   * {@code "*"}: every host) fail at once, as with no route to it.
   */
  record Unreachable(String host) implements Fault {
    public Unreachable {
      if (host == null || host.isBlank()) throw new IllegalArgumentException("unreachable needs a host or *");
    }

    @Override
    public Kind kind() {
      return Kind.UNREACHABLE;
    }

    @Override
    public String describe() {
      return "unreachable " + host;
    }
  }
}
