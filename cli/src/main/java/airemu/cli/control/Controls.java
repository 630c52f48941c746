package airemu.cli.control;

import airemu.config.ConfigException;
import airemu.config.Durations;
import airemu.core.Device;
import airemu.netif.Environment;
import airemu.netif.Fault;
import airemu.netif.NetStack;
import airemu.netif.Netif;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.function.Supplier;

/**
 * The levers a user pulls on a running device, in one small command language shared by the console
 * and the HTTP API: the network outside each adapter (links, addresses, faults) and the reset button.
 * Commands read as sentences, e.g. {@code link down LWIP_GP} or {@code fault latency LWIP_GP 300ms 50ms}.
 */
public final class Controls {
  public static final String HELP = String.join("\n",
      "status                                   the device and each adapter's network",
      "link down|up ADAPTER                     the link disappears (no coverage, AP gone, cable out) or returns",
      "ip lose|ready ADAPTER                    the network takes the address away or hands it out again",
      "ip change ADAPTER [IP]                   the network renumbers the adapter (default: a new address)",
      "reset ADAPTER                            reset every open TCP connection of the adapter",
      "fault latency ADAPTER DELAY [JITTER]     e.g. fault latency LWIP_GP 300ms 50ms",
      "fault loss ADAPTER PERCENT               lose that share of UDP datagrams, e.g. fault loss LWIP_GP 20",
      "fault bandwidth ADAPTER KBPS             e.g. fault bandwidth LWIP_GP 64",
      "fault blackhole ADAPTER                  packets vanish, nothing is reset",
      "fault dns ADAPTER fail|timeout           name lookups fail at once or time out",
      "fault unreachable ADAPTER HOST|*         connections to HOST fail at once",
      "clear ADAPTER [KIND]                     end one kind of fault, or every fault, link and address problem",
      "reboot                                   press the module's reset button",
      "help                                     this list");

  /** @param network the device's network of the current boot, or null before the first */
  public Controls(Device device, Environment environment, Supplier<NetStack> network) {
    this.device = device;
    this.environment = environment;
    this.network = network;
    this.random = new SplittableRandom(environment.seed());
  }

  /**
   * The device's uptime in milliseconds, 0 before its first boot: commands piped on stdin can come
   * before it, and the device's clock only starts with the boot.
   */
  public static long uptimeMillis(Device device) {
    return device.bootCount() == 0 ? 0 : device.uptimeMillis();
  }

  /** What the device itself has made of an adapter: registered, ready and its address; null before a boot. */
  public record DeviceView(boolean registered, boolean ready, String ip) {
    public String describe() {
      return !registered ? "not registered" : ready ? "ready " + ip : "not ready";
    }
  }

  /** The device's view of {@code adapter} in its current boot, or null (not booted, or no such adapter). */
  public DeviceView deviceView(String adapter) {
    NetStack net = network.get();
    if (net == null) return null;
    for (Netif n : net.netifs()) {
      if (n.name().equals(adapter)) return new DeviceView(n.isRegistered(), n.isReady(), n.ipv4());
    }
    return null;
  }

  public Environment environment() {
    return environment;
  }

  public Device device() {
    return device;
  }

  /**
   * Runs one command line; returns what to show the user.
   *
   * @throws IllegalArgumentException with a one-line explanation for a line that is not a command
   */
  public String execute(String line) {
    List<String> w = List.of(line.trim().split("\\s+"));
    String verb = w.get(0).toLowerCase(Locale.ROOT);
    switch (verb) {
      case "", "help", "?" -> {
        return HELP;
      }
      case "status" -> {
        return status();
      }
      case "reboot" -> {
        device.requestReboot();
        return "rebooting " + device.name();
      }
      case "link" -> {
        need(w, 3, "link down|up ADAPTER");
        String a = adapter(w.get(2));
        environment.link(a, onOff(w.get(1), "up", "down", "link down|up ADAPTER"));
        return a + " link " + w.get(1).toLowerCase(Locale.ROOT);
      }
      case "ip" -> {
        need(w, 3, "ip lose|ready|change ADAPTER");
        String how = w.get(1).toLowerCase(Locale.ROOT);
        String a = adapter(w.get(2));
        if (how.equals("change")) {
          String ip = w.size() > 3 ? ipv4(w.get(3)) : freshAddress();
          environment.changeIp(a, ip);
          return a + " ip change " + ip;
        }
        environment.ip(a, !onOff(how, "lose", "ready", "ip lose|ready|change ADAPTER"));
        return a + " ip " + how;
      }
      case "reset" -> {
        need(w, 2, "reset ADAPTER");
        String a = adapter(w.get(1));
        environment.reset(a);
        return a + " reset";
      }
      case "fault" -> {
        need(w, 3, "fault KIND ADAPTER ...");
        String a = adapter(w.get(2));
        Fault f = fault(w);
        environment.fault(a, f);
        return a + " " + f.describe();
      }
      case "clear" -> {
        need(w, 2, "clear ADAPTER [KIND]");
        String a = adapter(w.get(1));
        if (w.size() > 2) {
          Fault.Kind k = kind(w.get(2));
          environment.clear(a, k);
          return a + " clear " + k.name().toLowerCase(Locale.ROOT);
        }
        environment.clearAll(a);
        return a + " clear";
      }
      default -> throw new IllegalArgumentException("unknown command '" + w.get(0) + "'; type 'help' for the list");
    }
  }

  /** The device and, per adapter, the network outside it, one line each. */
  public String status() {
    List<String> lines = new ArrayList<>();
    lines.add(device.name() + (device.isStopped() ? " stopped" : " running") + ", uptime " + uptimeMillis(device)
        + " ms, boot " + device.bootCount());
    for (Environment.AdapterStatus s : environment.status()) {
      StringBuilder b = new StringBuilder(String.format("%-9s link %-4s ip %-5s", s.adapter(), s.link() ? "up" : "down",
          s.ip() ? "ready" : "lost"));
      if (s.nextIp() != null) b.append(" next ip ").append(s.nextIp());
      for (Fault f : s.faults()) b.append(", ").append(f.describe());
      DeviceView v = deviceView(s.adapter());
      if (v != null) b.append("; device: ").append(v.describe());
      lines.add(b.toString().stripTrailing());
    }
    return String.join("\n", lines);
  }

  /** A new private address for {@code ip change} without one, drawn from the run's seed. */
  String freshAddress() {
    synchronized (random) {
      return "10." + random.nextInt(1, 255) + "." + random.nextInt(0, 256) + "." + random.nextInt(1, 255);
    }
  }

  /** The board's adapter spelled {@code name}, in any case. */
  String adapter(String name) {
    return environment.requireAdapter(name.toUpperCase(Locale.ROOT));
  }

  /** Checks an IPv4 literal, the only kind a module's adapter is renumbered with. */
  static String ipv4(String ip) {
    String[] parts = ip.split("\\.", -1);
    boolean ok = parts.length == 4;
    for (int i = 0; ok && i < 4; i++) ok = parts[i].matches("\\d{1,3}") && Integer.parseInt(parts[i]) <= 255;
    if (!ok) throw new IllegalArgumentException("'" + ip + "' is not an IPv4 address, e.g. 10.1.2.3");
    return ip;
  }

  static Fault.Kind kind(String word) {
    try {
      return Fault.Kind.valueOf(word.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("unknown fault '" + word + "'; the kinds are latency, loss, bandwidth, blackhole, dns, unreachable");
    }
  }

  // --- private --------------------------------------------------------------------------------------

  private Fault fault(List<String> w) {
    Fault.Kind kind = kind(w.get(1));
    return switch (kind) {
      case LATENCY -> {
        need(w, 4, "fault latency ADAPTER DELAY [JITTER]");
        yield new Fault.Latency(millis(w.get(3)), w.size() > 4 ? millis(w.get(4)) : 0);
      }
      case LOSS -> {
        need(w, 4, "fault loss ADAPTER PERCENT");
        yield new Fault.Loss((int) number(w.get(3).replace("%", ""), 0, 100, "a percentage 0..100"));
      }
      case BANDWIDTH -> {
        need(w, 4, "fault bandwidth ADAPTER KBPS");
        yield new Fault.Bandwidth(number(w.get(3).replaceFirst("(?i)kbps$", ""), 1, Integer.MAX_VALUE, "kilobits per second, at least 1"));
      }
      case BLACKHOLE -> new Fault.Blackhole();
      case DNS -> {
        need(w, 4, "fault dns ADAPTER fail|timeout");
        yield new Fault.Dns(onOff(w.get(3), "timeout", "fail", "fault dns ADAPTER fail|timeout"));
      }
      case UNREACHABLE -> {
        need(w, 4, "fault unreachable ADAPTER HOST|*");
        yield new Fault.Unreachable(w.get(3));
      }
    };
  }

  private static void need(List<String> words, int n, String usage) {
    if (words.size() < n) throw new IllegalArgumentException("usage: " + usage);
  }

  /** True for {@code yes}, false for {@code no}, in any case; anything else is a usage error. */
  private static boolean onOff(String word, String yes, String no, String usage) {
    if (word.equalsIgnoreCase(yes)) return true;
    if (word.equalsIgnoreCase(no)) return false;
    throw new IllegalArgumentException("usage: " + usage);
  }

  private static long millis(String text) {
    try {
      return Durations.parseMillis(text);
    } catch (ConfigException e) {
      throw new IllegalArgumentException(e.getMessage());
    }
  }

  private static long number(String text, long min, long max, String what) {
    try {
      long v = Long.parseLong(text);
      if (v >= min && v <= max) return v;
    } catch (NumberFormatException ignored) {
      // worded below
    }
    throw new IllegalArgumentException("'" + text + "' is not " + what);
  }

  private final Device device;
  private final Environment environment;
  private final Supplier<NetStack> network;
  private final SplittableRandom random;
}
