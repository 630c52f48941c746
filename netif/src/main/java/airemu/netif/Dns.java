package airemu.netif;

import io.netty.handler.codec.dns.DnsResponseCode;
import io.netty.resolver.dns.DnsErrorCauseException;
import io.netty.resolver.dns.DnsNameResolver;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Name resolution for {@code socket.connect}: the run's hosts table first, then the adapter's DNS
 * servers in slot order, asking for A records (AAAA when the script passed {@code ipv6_dns}). The
 * answer keeps at most {@link #MAX_DNS_IP} addresses, as the firmware's {@code MAX_DNS_IP}; an empty
 * answer means failure. Answers always arrive on another thread, never inside the call.
 *
 * <p>The adapter's faults ({@link AdapterFaults}) apply to every lookup, hosts-table names
 * included: a DNS failure answers NXDOMAIN after a round trip ({@code I/DNS <name> NXDOMAIN}); a
 * DNS timeout, a blackhole or an unreachable DNS server leave the queries unanswered until the DNS
 * timeout ({@code E/DNS no ipv6, no ipv4}); latency delays every answer by a round trip. A failed
 * lookup of a real server logs the same lines as the firmware's DNS client ({@code dns_client.c}).
 */
final class Dns {
  /** Addresses kept from one answer ({@code MAX_DNS_IP}). */
  static final int MAX_DNS_IP = 4;

  Dns(NetStack stack) {
    this.stack = stack;
  }

  void resolve(Netif netif, String name, boolean ipv6, Consumer<List<InetAddress>> done) {
    Transport t = stack.transport();
    AdapterFaults faults = stack.faults(netif.number());
    List<InetSocketAddress> servers = new ArrayList<>();
    for (InetAddress a : netif.dns) if (a != null) servers.add(new InetSocketAddress(a, stack.options().dnsPort()));
    List<InetAddress> hosted = stack.options().host(name);
    // to the script, names of the hosts table are DNS names too: a faulty network fails them alike
    if (faulted(netif, faults, name, servers, done)) return;
    if (hosted != null) {
      List<InetAddress> answer = keep(hosted, ipv6);
      after(faults.dnsRoundTripNanos(), () -> done.accept(answer));
      return;
    }
    if (servers.isEmpty()) {
      t.group().next().execute(() -> done.accept(List.of()));
      return;
    }
    logQuery(netif, servers);
    Future<List<InetAddress>> q;
    try {
      DnsNameResolver r = t.resolver(servers, ipv6, stack.options().dnsTimeoutMillis());
      q = r.resolveAll(name);
    } catch (RuntimeException e) { // a name the resolver cannot even encode
      t.group().next().execute(() -> done.accept(List.of()));
      return;
    }
    long roundTrip = faults.dnsRoundTripNanos();
    q.addListener(r -> {
      if (r.isSuccess()) {
        List<InetAddress> answer = keep(q.getNow(), ipv6);
        after(roundTrip, () -> done.accept(answer));
        return;
      }
      logLater(nxdomain(r.cause()) ? 'I' : 'E', nxdomain(r.cause()) ? name + " NXDOMAIN" : NO_ANSWER);
      done.accept(List.of());
    });
  }

  /**
   * A lookup the adapter's faults decide, as the firmware's DNS client experiences it; false when
   * they leave it alone (an unreachable host that is not the DNS server).
   */
  private boolean faulted(Netif netif, AdapterFaults faults, String name, List<InetSocketAddress> servers,
      Consumer<List<InetAddress>> done) {
    AdapterFaults.Now f = faults.now();
    InetAddress server = servers.isEmpty() ? null : servers.get(0).getAddress();
    boolean unroutable = server != null && faults.unreachable(null, server);
    if (!unroutable && f.dns() == null && !f.blackhole()) return false;
    if (server != null) logQuery(netif, servers);
    long timeout = TimeUnit.MILLISECONDS.toNanos(stack.options().dnsTimeoutMillis());
    if (unroutable) {
      stack.log('E', "net", "dns udp sendto ret -4"); // lwIP's ERR_RTE: no route to the server
    }
    if (unroutable || f.blackhole() || f.dns().timeout()) {
      after(timeout, () -> { // every query goes unanswered until the client gives up
        logLater('E', NO_ANSWER);
        done.accept(List.of());
      });
    } else {
      after(faults.dnsRoundTripNanos(), () -> { // the network answers: no such name
        logLater('I', name + " NXDOMAIN");
        done.accept(List.of());
      });
    }
    return true;
  }

  /** What net_lwip2 logs when it sends the query (the typo is the firmware's). */
  private void logQuery(Netif netif, List<InetSocketAddress> servers) {
    String server = Addresses.text(servers.get(0).getAddress());
    stack.log('D', "net", "adatper " + netif.number() + " dns server " + server);
    stack.log('D', "net", "dns udp sendto " + server + ":" + DNS_PORT + " from " + netif.ipv4());
  }

  /** A line of the firmware's DNS client, logged on the device thread before the result it explains. */
  private void logLater(char level, String text) {
    stack.post((NetMessage) () -> {
      if (!stack.isClosed()) stack.log(level, "DNS", text);
      return NetDelivery.NONE;
    });
  }

  private void after(long nanos, Runnable r) {
    EventExecutor loop = stack.transport().group().next();
    if (nanos <= 0) {
      loop.execute(r);
    } else {
      loop.schedule(r, nanos, TimeUnit.NANOSECONDS);
    }
  }

  private static boolean nxdomain(Throwable cause) {
    for (Throwable c = cause; c != null; c = c.getCause()) {
      if (c instanceof DnsErrorCauseException e && DnsResponseCode.NXDOMAIN.equals(e.getCode())) return true;
    }
    return false;
  }

  private static List<InetAddress> keep(List<InetAddress> all, boolean ipv6) {
    List<InetAddress> out = new ArrayList<>(MAX_DNS_IP);
    for (InetAddress a : all) {
      if ((a instanceof Inet6Address) == ipv6 && out.size() < MAX_DNS_IP) out.add(a);
    }
    return List.copyOf(out);
  }

  /** What the firmware's DNS client logs when no server answered ({@code dns_client.c}). */
  private static final String NO_ANSWER = "no ipv6, no ipv4";
  private static final int DNS_PORT = 53; // what the firmware prints; queries go to options().dnsPort()
  private final NetStack stack;
}
