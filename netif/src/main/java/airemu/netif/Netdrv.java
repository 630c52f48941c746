package airemu.netif;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The lwIP network devices behind {@code netdrv.*} ({@code components/network/netdrv/binding/luat_lib_netdrv.c}):
 * every registered lwIP adapter is one (the cellular bearer, Wi-Fi, and Ethernet once set up); the
 * W5500, with its own stack, is not.
 *
 * <p>Ethernet ({@code LWIP_ETH}: Air8101's RMII MAC, a CH390H on the cellular boards) has a cable
 * plugged in: {@code netdrv.setup} registers it (the last registered adapter) and its link comes up
 * 1 s later; the address then comes from {@code netdrv.dhcp(id, true)}, a lease 1 s after the link
 * is up (the firmware prints {@code DHCP ready adapter=4 IP=... gw=...}, as in a 2026 Air8101 log,
 * where link and lease took about 2 s together), or from {@code netdrv.ipv4(id, ip, mask, gw)}.
 * Either way {@code IP_READY(ip, LWIP_ETH)} follows; a cable pulled from outside
 * ({@link NetStack#setLink}) loses the lease and publishes {@code IP_LOSE(LWIP_ETH)}.
 *
 * <p>{@code netdrv.ping} sends one echo request from the host ({@link Pinger}) and publishes
 * {@code PING_RESULT(id, ms, ip)} on a reply, nothing otherwise, as {@code luat_lib_icmp.c} does.
 *
 * <p>Device thread.
 */
public final class Netdrv implements AdapterDriver {
  /** {@code netdrv.CH390}, the only external Ethernet controller the emulated boards carry. */
  public static final int CH390 = 1;
  private static final long LINK_MS = 1000, DHCP_MS = 1000;

  /** {@code netdrv.ipv4(id)}: the address, netmask and gateway, {@code 0.0.0.0} before an address. */
  public record Ipv4(String ip, String netmask, String gateway) {}

  Netdrv(NetStack stack) {
    this.stack = stack;
    for (Netif n : stack.netifs()) {
      if (n.kind() == AdapterConfig.Kind.ETHERNET) {
        n.driver = this;
        ethernet.put(n.number(), new Ethernet());
      }
    }
  }

  /**
   * {@code netdrv.setup(id, impl)}: registers the board's Ethernet adapter {@code id} (built in, or a
   * CH390H: {@code impl} 0 or {@link #CH390}) and starts its link; true for an lwIP adapter that is
   * already there. False, with the firmware's warning, for anything else.
   */
  public boolean setup(int id, int impl) {
    Ethernet e = ethernet.get(id);
    if (e != null && (impl == 0 || impl == CH390)) {
      if (!e.setUp) {
        e.setUp = true;
        stack.register(id);
        stack.later(LINK_MS, () -> stack.applyNow(id, LinkMessage.Change.LINK_UP));
      }
      return true;
    }
    if (e == null && device(id) != null) return true;
    stack.log('W', "netdrv", "无效的注册id或类型 id=" + id + ", impl=" + impl);
    return false;
  }

  /**
   * {@code netdrv.dhcp(id, enable)}: Ethernet leases an address once its link is up, or releases a
   * leased one; other devices cannot switch DHCP (the cellular bearer says so). False without a device.
   */
  public boolean dhcp(int id, boolean enable) {
    Netif n = device(id);
    if (n == null) return false;
    Ethernet e = ethernet.get(id);
    if (e == null) {
      if (n.kind() != AdapterConfig.Kind.CELLULAR) return true;
      stack.log('W', "netdrv", "该netdrv不支持设置dhcp开关");
      return false;
    }
    if (enable == e.dhcp) return true;
    e.dhcp = enable;
    e.epoch++;
    if (enable) {
      if (e.staticIp) { // the static address goes; the lease brings the network's
        e.staticIp = false;
        n.ipAssigned = false;
        n.leaseAddresses();
        stack.recheck(id);
      }
      if (n.isLinkUp()) lease(n, e);
    } else if (n.ipAssigned) {
      stack.setIp(id, false);
    }
    return true;
  }

  /** Whether {@code id} is a network device: a registered lwIP adapter. */
  public boolean has(int id) {
    return device(id) != null;
  }

  /** {@code netdrv.ipv4(id)}: null (nothing) without a device. */
  public Ipv4 ipv4(int id) {
    Netif n = device(id);
    return n == null ? null : new Ipv4(n.ipv4(), n.netmask(), n.gateway());
  }

  /**
   * {@code netdrv.ipv4(id, ip, mask, gw)}: a static address for Ethernet (DHCP off), ready as soon as
   * the link is; then as {@link #ipv4(int)}, which shows it once applied. An argument that is not an
   * IP address logs the firmware's warning and gives null (nothing).
   */
  public Ipv4 ipv4(int id, String ip, String mask, String gateway) {
    Netif n = device(id);
    if (n == null) return null;
    Ethernet e = ethernet.get(id);
    if (e != null) {
      e.dhcp = false;
      e.epoch++;
    }
    String[][] checks = {{"非法IP", ip}, {"非法MARK", mask}, {"非法GW", gateway}};
    for (String[] c : checks) {
      if (Addresses.parseLiteral(c[1]) == null) {
        stack.log('W', "netdrv", c[0] + "[" + id + "] " + c[1] + " 0");
        return null;
      }
    }
    if (e != null) { // lwIP sets a static address on the netif at once; it is usable once the link is up
      e.staticIp = true;
      n.setAddresses(ip, mask, gateway, null);
      n.ipAssigned = true;
      stack.recheck(id);
    }
    return new Ipv4(n.ipv4(), n.netmask(), n.gateway());
  }

  /** {@code netdrv.link(id)}: the physical link; null (nothing) without a device. */
  public Boolean link(int id) {
    Netif n = device(id);
    return n == null ? null : n.isLinkUp();
  }

  /** {@code netdrv.ready(id)}: link up and an address; null (nothing) without a device. */
  public Boolean ready(int id) {
    Netif n = device(id);
    return n == null ? null : n.isLinkUp() && n.hasIp();
  }

  /** {@code netdrv.mac(id)}: the 6 bytes of the device's MAC, or null without a device. */
  public byte[] mac(int id) {
    Netif n = device(id);
    return n == null ? null : n.mac();
  }

  /**
   * {@code netdrv.ping(id, ip, len)}: null (nothing) with the firmware's warning when {@code id} is no
   * device or {@code ip} no IP address; else 1, and {@code PING_RESULT(id, ms, ip)} follows a reply
   * (none while the adapter has no address, as the request is not sent).
   */
  public Integer ping(int id, String ip) {
    Netif n = device(id);
    if (n == null) {
      stack.log('W', "icmp", "icmp初始化失败");
      return null;
    }
    InetAddress target = Addresses.parseLiteral(ip);
    if (target == null) {
      stack.log('W', "icmp", "目标地址非法 " + ip);
      return null;
    }
    if (n.isReady()) {
      String text = Addresses.text(target);
      Pinger.ping(target, ms -> stack.post(new DriverEvent(stack,
          () -> new NetDelivery.Publish("PING_RESULT", List.of((long) id, ms, text)))));
    }
    return 1;
  }

  // --- AdapterDriver (Ethernet) ------------------------------------------------------------------

  @Override
  public NetDelivery linkChanged(Netif n, boolean up) {
    Ethernet e = ethernet.get(n.number());
    e.epoch++;
    if (!up) {
      if (e.dhcp) n.ipAssigned = false; // the lease goes with the cable
    } else if (e.staticIp) {
      n.ipAssigned = true;
    } else if (e.dhcp) {
      lease(n, e);
    }
    return NetDelivery.NONE;
  }

  @Override
  public void announcing(Netif n, boolean ready) {
    Ethernet e = ethernet.get(n.number());
    if (ready && e.dhcp) stack.logRaw("DHCP ready adapter=" + n.number() + " IP=" + n.ipv4() + " gw=" + n.gateway());
  }

  // --- internals ---------------------------------------------------------------------------------

  /** The lwIP network device {@code id}: a registered adapter other than the W5500; else null. */
  private Netif device(int id) {
    Netif n = stack.netif(id);
    return n != null && n.isRegistered() && n.kind() != AdapterConfig.Kind.W5500 ? n : null;
  }

  private void lease(Netif n, Ethernet e) {
    int attempt = e.epoch;
    stack.later(DHCP_MS, () -> attempt == e.epoch && n.isLinkUp() ? stack.applyNow(n.number(), LinkMessage.Change.IP_UP) : NetDelivery.NONE);
  }

  /** What the script chose for one Ethernet adapter. */
  private static final class Ethernet {
    boolean setUp; // netdrv.setup was called
    boolean dhcp; // netdrv.dhcp(id, true)
    boolean staticIp; // netdrv.ipv4(id, ip, mask, gw)
    int epoch; // bumped by each change of link or address: a pending lease of an older one is void
  }

  private final NetStack stack;
  private final Map<Integer, Ethernet> ethernet = new HashMap<>();
}
