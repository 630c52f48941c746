package airemu.netif;

import io.netty.resolver.dns.DnsNameResolver;
import io.netty.util.concurrent.Future;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Name resolution for {@code socket.connect}: the run's hosts table first, then the adapter's DNS
 * servers in slot order, asking for A records (AAAA when the script passed {@code ipv6_dns}). The
 * answer keeps at most {@link #MAX_DNS_IP} addresses, as the firmware's {@code MAX_DNS_IP}; an empty
 * answer means failure. Answers always arrive on another thread, never inside the call.
 */
final class Dns {
  /** Addresses kept from one answer ({@code MAX_DNS_IP}). */
  static final int MAX_DNS_IP = 4;

  Dns(NetStack stack) {
    this.stack = stack;
  }

  void resolve(Netif netif, String name, boolean ipv6, Consumer<List<InetAddress>> done) {
    Transport t = stack.transport();
    List<InetAddress> hosted = stack.options().host(name);
    if (hosted != null) {
      List<InetAddress> answer = keep(hosted, ipv6);
      t.group().next().execute(() -> done.accept(answer));
      return;
    }
    List<InetSocketAddress> servers = new ArrayList<>();
    for (InetAddress a : netif.dns) if (a != null) servers.add(new InetSocketAddress(a, stack.options().dnsPort()));
    if (servers.isEmpty()) {
      t.group().next().execute(() -> done.accept(List.of()));
      return;
    }
    // what net_lwip2 logs when it sends the query (the typo is the firmware's)
    String server = Addresses.text(servers.get(0).getAddress());
    stack.log('D', "net", "adatper " + netif.number() + " dns server " + server);
    stack.log('D', "net", "dns udp sendto " + server + ":" + DNS_PORT + " from " + netif.ipv4());
    Future<List<InetAddress>> f;
    try {
      DnsNameResolver r = t.resolver(servers, ipv6, stack.options().dnsTimeoutMillis());
      f = r.resolveAll(name);
    } catch (RuntimeException e) { // a name the resolver cannot even encode
      t.group().next().execute(() -> done.accept(List.of()));
      return;
    }
    f.addListener(r -> done.accept(r.isSuccess() ? keep(f.getNow(), ipv6) : List.of()));
  }

  private static List<InetAddress> keep(List<InetAddress> all, boolean ipv6) {
    List<InetAddress> out = new ArrayList<>(MAX_DNS_IP);
    for (InetAddress a : all) {
      if ((a instanceof Inet6Address) == ipv6 && out.size() < MAX_DNS_IP) out.add(a);
    }
    return List.copyOf(out);
  }

  private static final int DNS_PORT = 53; // what the firmware prints; queries go to options().dnsPort()
  private final NetStack stack;
}
