package airemu.netif;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The knobs of a device's network: values of the run configuration, not of the board. Change them
 * with the {@code with...} methods, starting from {@link #defaults()}.
 *
 * <table>
 * <caption>Options and defaults</caption>
 * <tr><th>option</th><th>default</th><th>meaning</th></tr>
 * <tr><td>attachDelayMillis</td><td>2000</td><td>boot to IP_READY of a cellular adapter (network
 *     attach plus PDP activation; a module takes one to a few seconds)</td></tr>
 * <tr><td>rxBufferBytes</td><td>65536</td><td>unread bytes a ctrl holds, our lwIP receive window: a
 *     TCP peer is stopped (no more reads from the host socket) until the script reads, UDP datagrams
 *     that do not fit are dropped</td></tr>
 * <tr><td>txBufferBytes</td><td>1 MiB</td><td>bytes a ctrl may have queued for sending; a
 *     {@code socket.tx} beyond it fails as a module's out-of-memory does</td></tr>
 * <tr><td>connectTimeoutMillis</td><td>60000</td><td>when an unanswered TCP SYN gives up (lwIP
 *     retransmits the SYN with a doubling timeout from 3 s; TCP_SYNMAXRTX is 4 to 6 depending on
 *     the port, 45 s to over 3 min; 60 s is a round value below the host's own SYN limit)</td></tr>
 * <tr><td>dnsTimeoutMillis</td><td>5000</td><td>one DNS query to one server</td></tr>
 * <tr><td>dnsPort</td><td>53</td><td>UDP port of every DNS server (tests point it at a local server)</td></tr>
 * <tr><td>defaultDns</td><td>223.5.5.5, 114.114.114.114</td><td>DNS servers each adapter starts with,
 *     as LuatOS demos set them; {@code socket.setDNS} replaces them per adapter</td></tr>
 * <tr><td>hosts</td><td>empty</td><td>names resolved without DNS, checked first (lower-case keys);
 *     {@code netlab.luatos.com} points at the embedded echo peer this way</td></tr>
 * <tr><td>bindAddress</td><td>null (wildcard)</td><td>host address sockets bind to</td></tr>
 * <tr><td>routes</td><td>empty</td><td>virtual addresses served by local peers: every TCP
 *     connection, datagram and SNTP request to a route's address, whatever its port, goes to the
 *     route's target instead, and datagrams from the target read as coming from the virtual address.
 *     {@code netlab.luatos.com} resolves (through {@code hosts}) to its real address, which routes
 *     to the embedded echo peer: the script sees the module's addresses and ports while the peer
 *     listens on any free port</td></tr>
 * </table>
 */
public record NetOptions(
    long attachDelayMillis,
    int rxBufferBytes,
    int txBufferBytes,
    int connectTimeoutMillis,
    long dnsTimeoutMillis,
    int dnsPort,
    List<String> defaultDns,
    Map<String, List<InetAddress>> hosts,
    InetAddress bindAddress,
    Map<InetAddress, InetSocketAddress> routes) {

  public NetOptions {
    if (attachDelayMillis < 0) throw new IllegalArgumentException("attachDelayMillis must be >= 0");
    if (rxBufferBytes < 1) throw new IllegalArgumentException("rxBufferBytes must be >= 1");
    if (txBufferBytes < 1) throw new IllegalArgumentException("txBufferBytes must be >= 1");
    if (connectTimeoutMillis < 1) throw new IllegalArgumentException("connectTimeoutMillis must be >= 1");
    if (dnsTimeoutMillis < 1) throw new IllegalArgumentException("dnsTimeoutMillis must be >= 1");
    if (dnsPort < 1 || dnsPort > 65535) throw new IllegalArgumentException("dnsPort out of range: " + dnsPort);
    defaultDns = List.copyOf(defaultDns);
    if (defaultDns.size() > Netif.DNS_SLOTS) throw new IllegalArgumentException("at most " + Netif.DNS_SLOTS + " DNS servers");
    Map<String, List<InetAddress>> h = new LinkedHashMap<>();
    hosts.forEach((k, v) -> h.put(normalizeHost(k), List.copyOf(v)));
    hosts = Map.copyOf(h);
    routes = Map.copyOf(routes);
  }

  public static NetOptions defaults() {
    return new NetOptions(2000, 64 * 1024, 1024 * 1024, 60_000, 5000, 53,
        List.of("223.5.5.5", "114.114.114.114"), Map.of(), null, Map.of());
  }

  public NetOptions withAttachDelayMillis(long v) {
    return new NetOptions(v, rxBufferBytes, txBufferBytes, connectTimeoutMillis, dnsTimeoutMillis, dnsPort, defaultDns, hosts, bindAddress, routes);
  }

  public NetOptions withRxBufferBytes(int v) {
    return new NetOptions(attachDelayMillis, v, txBufferBytes, connectTimeoutMillis, dnsTimeoutMillis, dnsPort, defaultDns, hosts, bindAddress, routes);
  }

  public NetOptions withTxBufferBytes(int v) {
    return new NetOptions(attachDelayMillis, rxBufferBytes, v, connectTimeoutMillis, dnsTimeoutMillis, dnsPort, defaultDns, hosts, bindAddress, routes);
  }

  public NetOptions withConnectTimeoutMillis(int v) {
    return new NetOptions(attachDelayMillis, rxBufferBytes, txBufferBytes, v, dnsTimeoutMillis, dnsPort, defaultDns, hosts, bindAddress, routes);
  }

  public NetOptions withDnsTimeoutMillis(long v) {
    return new NetOptions(attachDelayMillis, rxBufferBytes, txBufferBytes, connectTimeoutMillis, v, dnsPort, defaultDns, hosts, bindAddress, routes);
  }

  public NetOptions withDnsPort(int v) {
    return new NetOptions(attachDelayMillis, rxBufferBytes, txBufferBytes, connectTimeoutMillis, dnsTimeoutMillis, v, defaultDns, hosts, bindAddress, routes);
  }

  public NetOptions withDefaultDns(List<String> v) {
    return new NetOptions(attachDelayMillis, rxBufferBytes, txBufferBytes, connectTimeoutMillis, dnsTimeoutMillis, dnsPort, v, hosts, bindAddress, routes);
  }

  public NetOptions withHosts(Map<String, List<InetAddress>> v) {
    return new NetOptions(attachDelayMillis, rxBufferBytes, txBufferBytes, connectTimeoutMillis, dnsTimeoutMillis, dnsPort, defaultDns, v, bindAddress, routes);
  }

  /** Adds one hosts-table entry to the existing ones. */
  public NetOptions withHost(String name, InetAddress... addresses) {
    Map<String, List<InetAddress>> h = new LinkedHashMap<>(hosts);
    h.put(normalizeHost(name), List.of(addresses));
    return withHosts(h);
  }

  public NetOptions withBindAddress(InetAddress v) {
    return new NetOptions(attachDelayMillis, rxBufferBytes, txBufferBytes, connectTimeoutMillis, dnsTimeoutMillis, dnsPort, defaultDns, hosts, v, routes);
  }

  /** Adds a route: traffic to {@code virtual} (any port) goes to {@code target}; see the table above. */
  public NetOptions withRoute(InetAddress virtual, InetSocketAddress target) {
    Map<InetAddress, InetSocketAddress> r = new LinkedHashMap<>(routes);
    r.put(virtual, target);
    return new NetOptions(attachDelayMillis, rxBufferBytes, txBufferBytes, connectTimeoutMillis, dnsTimeoutMillis, dnsPort, defaultDns, hosts, bindAddress, r);
  }

  /** Where traffic for {@code to} really goes: the route's target for a routed address, else {@code to}. */
  InetSocketAddress routed(InetSocketAddress to) {
    InetSocketAddress target = to.getAddress() == null ? null : routes.get(to.getAddress());
    return target == null ? to : target;
  }

  /** The hosts-table entry for {@code name} (case and a trailing dot ignored), or null. */
  List<InetAddress> host(String name) {
    return hosts.get(normalizeHost(name));
  }

  static String normalizeHost(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    return n.endsWith(".") ? n.substring(0, n.length() - 1) : n;
  }
}
