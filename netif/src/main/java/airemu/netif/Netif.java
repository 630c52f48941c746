package airemu.netif;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * One virtual network interface: an adapter of the board with its registration, link and IP state,
 * its addresses and DNS servers, and the ctrls created on it. It is ready (lwIP's {@code check_ready})
 * when it is registered, its link is up and it has an IPv4 address.
 *
 * <p>Link and IP each have two sides that must both allow them: the device's own intent (attach,
 * {@code wlan.connect}, flight mode) and the network outside it ({@link Environment}: coverage, an
 * access point, an address handed out). Neither side overrides the other.
 *
 * <p>Owned by the device thread: the getters are for the binding ({@code wlan.getIP}) and for tools;
 * changes go through {@link NetStack} ({@link NetStack#bringUp}, {@link NetStack#setLink}, ...), which
 * posts them to the device.
 */
public final class Netif {
  /** DNS server slots per adapter ({@code MAX_DNS_SERVER} in LuatOS {@code dns_def.h}). */
  static final int DNS_SLOTS = 4;

  /** {@code table}: the ctrl table this adapter takes its ctrls from, the lwIP one or its own. */
  Netif(AdapterConfig config, NetOptions options, String seed, CtrlTable table) {
    this.config = config;
    this.seed = seed;
    this.table = table;
    this.socketIds = new boolean[table.size()];
    for (int i = 0; i < options.defaultDns().size() && i < DNS_SLOTS; i++) {
      dns[i] = Addresses.parseLiteral(options.defaultDns().get(i));
    }
    defaultAddresses(seed);
  }

  public AdapterConfig config() {
    return config;
  }

  public String name() {
    return config.name();
  }

  public int number() {
    return config.number();
  }

  public AdapterConfig.Kind kind() {
    return config.kind();
  }

  public boolean isRegistered() {
    return registered;
  }

  /** The device brought the link up and the network outside has it (coverage, an access point, a cable). */
  public boolean isLinkUp() {
    return linkUp && outsideLink;
  }

  /**
   * The adapter holds an address: the device asked for one (its link state aside, as before) and the
   * network outside, whose link carries it, handed it out.
   */
  public boolean hasIp() {
    return ipAssigned && outsideLink && outsideIp && !renumbering;
  }

  /** Registered, link up and an IPv4 address: what {@code socket.adapter(n)} reports. */
  public boolean isReady() {
    return registered && isLinkUp() && hasIp();
  }

  /** The IPv4 address as lwIP prints it; {@code 0.0.0.0} while none is assigned. */
  public String ipv4() {
    return hasIp() ? Addresses.text(address) : "0.0.0.0";
  }

  public String netmask() {
    return hasIp() ? Addresses.text(netmask) : "0.0.0.0";
  }

  public String gateway() {
    return hasIp() ? Addresses.text(gateway) : "0.0.0.0";
  }

  /** The IPv6 address, or null when the adapter has none (or no IP yet). */
  public String ipv6() {
    return hasIp() && ipv6 != null ? Addresses.text(ipv6) : null;
  }

  /** The DNS server slots in order ({@code socket.setDNS} index 1 first); null for an empty slot. */
  public List<String> dnsServers() {
    List<String> out = new ArrayList<>(DNS_SLOTS);
    for (InetAddress a : dns) out.add(a == null ? null : Addresses.text(a));
    return Collections.unmodifiableList(out);
  }

  /** The adapter's MAC address: stable per device and adapter (see {@code Addresses.derivedMac}). */
  public byte[] mac() {
    return Addresses.derivedMac(seed + ":" + config.number());
  }

  /** How many ctrls exist on this adapter. */
  public int ctrlCount() {
    return ctrls.size();
  }

  @Override
  public String toString() {
    return "Netif(" + config.name() + "=" + config.number() + (isReady() ? ", ready " + ipv4() : "") + ")";
  }

  /** Replaces the addresses; null arguments keep the current value, "" removes the IPv6 address. */
  void setAddresses(String ip, String mask, String gw, String v6) {
    if (ip != null) address = require(ip);
    if (mask != null) netmask = require(mask);
    if (gw != null) gateway = require(gw);
    if (v6 != null) ipv6 = v6.isEmpty() ? null : require(v6);
  }

  /** Back to the addresses a DHCP server of this kind of link hands this device (after a static IP). */
  void leaseAddresses() {
    defaultAddresses(seed);
  }

  /** A socket number for a new OS socket, round robin as net_lwip2 hands them out; -1 when none is free. */
  int allocSocketId() {
    for (int i = 0; i < socketIds.length; i++) {
      int id = (nextSocketId + i) % socketIds.length;
      if (!socketIds[id]) {
        socketIds[id] = true;
        nextSocketId = (id + 1) % socketIds.length;
        return id;
      }
    }
    return -1;
  }

  void freeSocketId(int id) {
    if (id >= 0 && id < socketIds.length) socketIds[id] = false;
  }

  /**
   * The local port the firmware picks for a client ctrl that set none ({@code network_socket_connect}):
   * a counter per adapter, 1 to 499 and round again, at {@code 50000 + (adapter * 1000 + counter) % 15536}.
   */
  int nextAutoPort() {
    autoPort = autoPort + 1 >= 500 ? 0 : autoPort + 1;
    int seed = config.number() * 1000 + autoPort;
    return 50000 + (seed > 15535 ? seed % 15536 : seed);
  }

  private static InetAddress require(String literal) {
    InetAddress a = Addresses.parseLiteral(literal);
    if (a == null) throw new IllegalArgumentException("not an IP address: " + literal);
    return a;
  }

  /**
   * Addresses as the kind of link hands them out, varied per device so two devices differ: a
   * cellular bearer is a /32 without gateway (LuatOS prints {@code 255.255.255.255 0.0.0.0}), Wi-Fi
   * and Ethernet sit in a /24 behind a router, an AP is the router of its own /24.
   */
  private void defaultAddresses(String seed) {
    int h = seed.hashCode() ^ (config.number() * 0x9E3779B9);
    int a = (h >>> 16) & 0xff, b = (h >>> 8) & 0xff, host = 2 + Math.floorMod(h, 250);
    switch (config.kind()) {
      case CELLULAR -> setAddresses("10." + a + "." + b + "." + host, "255.255.255.255", "0.0.0.0", null);
      case WIFI_STA -> setAddresses("192.168.1." + (100 + host % 100), "255.255.255.0", "192.168.1.1", null);
      case WIFI_AP -> setAddresses("192.168.4.1", "255.255.255.0", "192.168.4.1", null);
      case ETHERNET -> setAddresses("192.168.2." + (100 + host % 100), "255.255.255.0", "192.168.2.1", null);
      case W5500 -> setAddresses("192.168.3." + (100 + host % 100), "255.255.255.0", "192.168.3.1", null);
    }
    if (config.ipv6()) {
      setAddresses(null, null, null, "2408:8456:" + Integer.toHexString((h >>> 16) & 0xffff) + ":"
          + Integer.toHexString(h & 0xffff) + "::" + Integer.toHexString(host));
    }
  }

  final AdapterConfig config;
  private final String seed; // the device's name: addresses and MAC differ between devices
  /** What the adapter's driver adds to its link changes; set by the driver. */
  AdapterDriver driver = AdapterDriver.NONE;
  /** Live ctrls of this adapter in creation order; their slots are in {@link #table}. */
  final List<SocketCtrl> ctrls = new ArrayList<>();
  /** The ctrl table: shared by all lwIP adapters, the adapter's own for one with its own stack. */
  final CtrlTable table;
  /** DNS servers by slot ({@code socket.setDNS(adapter, slot + 1, ip)}); null = empty or invalid. */
  final InetAddress[] dns = new InetAddress[DNS_SLOTS];
  private final boolean[] socketIds; // OS socket numbers in use ({@code socket_id} of a ctrl)
  private int nextSocketId;
  private int autoPort; // prv_adapter_table[].port: the last automatic client port's counter
  volatile boolean registered;
  volatile boolean linkUp; // the device's side: attached, associated, cable driver up
  volatile boolean ipAssigned; // the device's side: PDP context, DHCP client
  volatile boolean outsideLink = true; // the environment's side: coverage, an access point, a cable
  volatile boolean outsideIp = true; // the environment's side: the network hands out an address
  /** Between the loss of the old address and the new one when the network renumbers the adapter. */
  volatile boolean renumbering;
  /** The readiness last published (IP_READY or IP_LOSE); a change of readiness is published once. */
  boolean announced;
  private volatile InetAddress address, netmask, gateway, ipv6; // shown while ipAssigned
}
