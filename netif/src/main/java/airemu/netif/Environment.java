package airemu.netif;

import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The network outside one device, per adapter of its board: whether the link is there (coverage,
 * an access point, a cable), whether the network hands out an address, and the faults it has. It
 * is the user's to change, from a scenario or live, from any thread; it outlives the device's boots
 * (a module that reboots into a dead cell stays offline), and the device's network stack follows it.
 *
 * <p>Adapters are named as the socket constants name them ({@code LWIP_GP}, {@code LWIP_STA},
 * {@code ETH0}, ...), so a scenario reads the same in every firmware era. Random choices of faults
 * (jitter, loss) are drawn from generators seeded with {@link #seed()}, so a run can be repeated.
 */
public final class Environment {

  /** What changed; delivered to listeners on the thread that made the change. */
  public sealed interface Change {
    String adapter();

    /** One line for logs and the event stream, e.g. {@code LWIP_GP link down}. */
    String describe();
  }

  public record LinkChanged(String adapter, boolean up) implements Change {
    @Override
    public String describe() {
      return adapter + " link " + (up ? "up" : "down");
    }
  }

  public record IpChanged(String adapter, boolean assigned) implements Change {
    @Override
    public String describe() {
      return adapter + " ip " + (assigned ? "ready" : "lost");
    }
  }

  /** The network gives the adapter a new IPv4 address: a ready adapter loses its IP and gets {@code ip}. */
  public record Renumbered(String adapter, String ip) implements Change {
    @Override
    public String describe() {
      return adapter + " ip change " + ip;
    }
  }

  /** Every open TCP connection of the adapter is reset, as by a carrier's middlebox. */
  public record Reset(String adapter) implements Change {
    @Override
    public String describe() {
      return adapter + " reset";
    }
  }

  public record FaultSet(String adapter, Fault fault) implements Change {
    @Override
    public String describe() {
      return adapter + " fault " + fault.describe();
    }
  }

  public record FaultCleared(String adapter, Fault.Kind kind) implements Change {
    @Override
    public String describe() {
      return adapter + " clear " + kind.name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  public interface Listener {
    void changed(Change change);
  }

  /** One adapter's outside state, as {@code status} shows it. */
  public record AdapterStatus(String adapter, boolean link, boolean ip, String nextIp, List<Fault> faults) {}

  /** A calm network for the board's {@code adapters}: links present, addresses handed out, no faults. */
  public static Environment create(Collection<String> adapters, long seed) {
    return new Environment(adapters, seed);
  }

  public long seed() {
    return seed;
  }

  /** The adapter names this environment knows, in the board's order. */
  public List<String> adapters() {
    return List.copyOf(states.keySet());
  }

  /** Throws {@link IllegalArgumentException} naming the board's adapters if {@code adapter} is not one of them. */
  public String requireAdapter(String adapter) {
    if (!states.containsKey(adapter)) {
      throw new IllegalArgumentException("unknown adapter '" + adapter + "'; this board has " + String.join(", ", states.keySet()));
    }
    return adapter;
  }

  // Changes fire under the lock, so listeners hear them in the order they happened.

  public synchronized void link(String adapter, boolean up) {
    State s = state(adapter);
    if (s.link == up) return;
    s.link = up;
    fire(new LinkChanged(adapter, up));
  }

  public synchronized void ip(String adapter, boolean assigned) {
    State s = state(adapter);
    if (s.ip == assigned) return;
    s.ip = assigned;
    fire(new IpChanged(adapter, assigned));
  }

  /** The network renumbers the adapter: it gets {@code ip} now if it is ready, else when it next is. */
  public synchronized void changeIp(String adapter, String ip) {
    State s = state(adapter);
    if (!(Addresses.parseLiteral(ip) instanceof java.net.Inet4Address)) {
      throw new IllegalArgumentException("not an IPv4 address: '" + ip + "'");
    }
    s.nextIp = ip;
    fire(new Renumbered(adapter, ip));
  }

  public synchronized void reset(String adapter) {
    state(adapter);
    fire(new Reset(adapter));
  }

  public synchronized void fault(String adapter, Fault fault) {
    state(adapter).faults.put(fault.kind(), fault);
    fire(new FaultSet(adapter, fault));
  }

  public synchronized void clear(String adapter, Fault.Kind kind) {
    if (state(adapter).faults.remove(kind) == null) return;
    fire(new FaultCleared(adapter, kind));
  }

  /** Clears every fault of the adapter and brings its link and address back. */
  public synchronized void clearAll(String adapter) {
    for (Fault.Kind k : new ArrayList<>(state(adapter).faults.keySet())) clear(adapter, k);
    link(adapter, true);
    ip(adapter, true);
  }

  public synchronized boolean link(String adapter) {
    return state(adapter).link;
  }

  public synchronized boolean ip(String adapter) {
    return state(adapter).ip;
  }

  /** The address the network hands out next (set by {@link #changeIp}), or null for the adapter's own. */
  public synchronized String nextIp(String adapter) {
    return state(adapter).nextIp;
  }

  /** The fault of this kind on the adapter, or null. */
  public synchronized Fault fault(String adapter, Fault.Kind kind) {
    return state(adapter).faults.get(kind);
  }

  public synchronized List<AdapterStatus> status() {
    List<AdapterStatus> out = new ArrayList<>();
    states.forEach((name, s) -> out.add(new AdapterStatus(name, s.link, s.ip, s.nextIp, List.copyOf(s.faults.values()))));
    return out;
  }

  /** Listeners hear every change from now on, on the changing thread and under its lock: they must not block. */
  public void addListener(Listener l) {
    listeners.add(l);
  }

  /**
   * Hands {@code start} the current state and adds {@code l}, both under the lock, so {@code l}
   * hears exactly the changes made after that state: a device's network starts from it at boot.
   */
  public synchronized void subscribe(Listener l, Consumer<List<AdapterStatus>> start) {
    start.accept(status());
    listeners.add(l);
  }

  public void removeListener(Listener l) {
    listeners.remove(l);
  }

  // --- private --------------------------------------------------------------------------------------

  private static final class State {
    boolean link = true;
    boolean ip = true;
    String nextIp;
    final Map<Fault.Kind, Fault> faults = new EnumMap<>(Fault.Kind.class);
  }

  private Environment(Collection<String> adapters, long seed) {
    for (String a : adapters) states.put(a, new State());
    this.seed = seed;
  }

  private State state(String adapter) {
    State s = states.get(adapter);
    if (s == null) requireAdapter(adapter);
    return s;
  }

  private void fire(Change c) {
    for (Listener l : listeners) l.changed(c);
  }

  private final Map<String, State> states = new LinkedHashMap<>();
  private final long seed;
  private final List<Listener> listeners = new CopyOnWriteArrayList<>();
}
