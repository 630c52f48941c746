package airemu.netif;

import airemu.core.Device;
import airemu.core.Message;
import airemu.core.TimerService;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * A device's network: its virtual interfaces, the adapter registry of LuatOS
 * ({@code luat_network_adapter.c}: default and last registered adapter) and the factory of socket
 * ctrls. One per boot: the firmware creates it when the VM starts and closes it when the VM ends.
 *
 * <pre>{@code
 * NetStack net = NetStack.create(device, profile, NetOptions.defaults(), firmwareLog);
 * SocketCtrl c = net.create(null);           // socket.create(nil, ...)
 * c.config(0, false, false, 300, 10, 3);     // plain TCP
 * c.connect("netlab.luatos.com", 41506, false);
 * }</pre>
 *
 * <p>Threads: the {@code socket.*} registry methods and {@link #close()} run on the device thread.
 * The link controls ({@link #bringUp}, {@link #bringDown}, {@link #setLink}, {@link #setIp},
 * {@link #setAddresses}) may be called from any thread: they post the change to the device, where
 * it takes effect in posting order. A change of readiness runs the link event through the state
 * machine of every ctrl of the adapter at once, then publishes {@code IP_READY(ip, adapter)} or
 * {@code IP_LOSE(adapter)}, and the ctrls' results follow on the next turns of the bus (spec 6.2;
 * see {@link #applyLink}).
 *
 * <p>Ctrl tables (spec 6.1): the lwIP adapters take their ctrls from one table of
 * {@link NetProfile#lwipSockets()} slots, so a board's cellular, Wi-Fi and Ethernet sockets count
 * together; an adapter with its own TCP/IP stack (the W5500) has its own table
 * ({@link AdapterConfig#ownSockets()}).
 *
 * <p>The network outside the device is an {@link Environment}: the stack starts from its state and
 * follows its changes until {@link #close()}. Its links and addresses combine with the device's own
 * (both must allow them, see {@link Netif}); its faults act on the adapter's sockets, DNS lookups and
 * connects through {@link AdapterFaults}.
 *
 * <p>Return conventions: a {@code null} result means the Lua function returns nothing.
 *
 * <p>SNTP ({@code socket.sntp}, {@code sntp_port}, {@code ntptm}): see {@link #sntp(Integer)} and
 * {@link SntpResult}, which also carries the clock offset for {@code os.time}.
 */
public final class NetStack implements AutoCloseable {

  /**
   * Builds the device's network: registers the {@code atBoot} adapters in order, sets the board's
   * default adapter, and starts the cellular stack, which attaches after the attach delay. Device
   * thread.
   */
  public static NetStack create(Device device, NetProfile profile, NetOptions options, FirmwareLog log) {
    return create(device, profile, options, calm(profile), log);
  }

  /**
   * Builds the device's network in {@code environment}, the network outside it: the stack starts
   * from its current state (a cellular adapter whose link is down there does not attach until it
   * returns) and follows its changes until {@link #close()}. Device thread.
   */
  public static NetStack create(Device device, NetProfile profile, NetOptions options, Environment environment,
      FirmwareLog log) {
    return new NetStack(device, profile, options, environment, log, Transport.shared());
  }

  /** A network outside the profile's adapters with every link present and no faults. */
  static Environment calm(NetProfile profile) {
    return Environment.create(profile.adapters().stream().map(AdapterConfig::name).toList(), 0);
  }

  NetStack(Device device, NetProfile profile, NetOptions options, Environment environment, FirmwareLog log,
      Transport transport) {
    this.device = device;
    this.wallClock = () -> device.clock().currentTimeMillis();
    this.profile = profile;
    this.options = options;
    this.environment = environment;
    this.log = log;
    this.transport = transport;
    this.dns = new Dns(this);
    this.sntpClient = new Sntp(this, device);
    this.rxCache = profile.rxCache();
    CtrlTable lwip = new CtrlTable(profile.lwipSockets());
    for (AdapterConfig a : profile.adapters()) {
      CtrlTable table = a.kind().hasOwnStack() ? new CtrlTable(a.ownSockets()) : lwip;
      netifs.put(a.number(), new Netif(a, options, device.name(), table));
      faults.put(a.number(), new AdapterFaults(a.name(), environment.seed(), options.rxBufferBytes(), transport));
    }
    environment.subscribe(outside, this::startFrom);
    for (AdapterConfig a : profile.adapters()) {
      if (a.atBoot()) register(a.number());
    }
    if (profile.defaultAdapter() != -1) defaultAdapter = profile.defaultAdapter();
    this.cellular = first(AdapterConfig.Kind.CELLULAR) == null ? null : new Cellular(this, first(AdapterConfig.Kind.CELLULAR), device.name());
    this.wlan = new Wlan(this, first(AdapterConfig.Kind.WIFI_STA), first(AdapterConfig.Kind.WIFI_AP), profile.accessPoints(), device.name());
    this.w5500 = first(AdapterConfig.Kind.W5500) == null ? null : new W5500(this, first(AdapterConfig.Kind.W5500));
    this.netdrv = new Netdrv(this);
    if (cellular != null) cellular.start();
  }

  /** {@code socket.dft()}: the default adapter and the last registered one, -1 when there is none. */
  public record Dft(int defaultAdapter, int lastRegistered) {}

  /** {@code socket.adapter(i)}: whether adapter {@code index} is ready. */
  public record AdapterState(boolean ready, int index) {}

  /** {@code socket.localIP()}: 4 values; {@code ipv6} is nil without an IPv6 address. */
  public record LocalIp(String ip, String netmask, String gateway, String ipv6) {}

  // --- socket.* registry functions (device thread) ----------------------------------------------

  /**
   * {@code socket.create(adapter)}: a new ctrl in state 0 on {@code adapter} (null: the default), or
   * null when the index is out of range, the adapter is not registered, or its ctrl table is full
   * (for an lwIP adapter: the table it shares with the board's other lwIP adapters).
   * The binding stores its callback with {@link SocketCtrl#attach}.
   */
  public SocketCtrl create(Integer adapter) {
    int index = adapter == null ? currentDefault() : adapter;
    if (index < 0 || index >= profile.adapterCount()) return null;
    Netif n = netifs.get(index);
    if (n == null || !n.isRegistered()) log.raw("adapter index " + index + " is invalid!");
    SocketCtrl c = n == null || !n.isRegistered() ? null : allocCtrl(n);
    if (c == null) log('D', "socket", "create fail");
    return c;
  }

  /**
   * {@code socket.dft(id)}: sets the default adapter when {@code set} is a valid index
   * ({@code 0 <= set < adapterCount}), printing the firmware's {@code dft adapter change} line when
   * it changes; returns the default and the last registered adapter.
   */
  public Dft dft(Integer set) {
    if (set != null && set >= 0 && set < profile.adapterCount()) {
      int old = currentDefault();
      if (old != -1 && old != set) log.raw("dft adapter change from " + old + " to " + set);
      defaultAdapter = set;
    }
    return new Dft(currentDefault(), lastRegistered);
  }

  /**
   * {@code socket.adapter(index)}: with {@code 0 < index < adapterCount}, whether it is ready; else
   * the first ready adapter from 1 up, or {@code (false, adapterCount - 1)}.
   */
  public AdapterState adapter(Integer index) {
    int qty = profile.adapterCount();
    if (index != null && index > 0 && index < qty) return new AdapterState(ready(index), index);
    for (int i = 1; i < qty; i++) {
      if (ready(i)) return new AdapterState(true, i);
    }
    return new AdapterState(false, qty - 1);
  }

  /**
   * {@code socket.localIP(adapter)} (null: the default): IPv4 address, netmask, gateway and IPv6 (or
   * null), {@code 0.0.0.0} three times before the adapter has an IP; null (nothing) for an index out
   * of range or an adapter that is not registered.
   */
  public LocalIp localIp(Integer adapter) {
    int index = adapter == null ? currentDefault() : adapter;
    Netif n = registered(index);
    if (n == null) return null;
    return new LocalIp(n.ipv4(), n.netmask(), n.gateway(), n.ipv6());
  }

  /**
   * {@code socket.setDNS(adapter, index, ip)}: sets DNS server {@code index} (1-based; outside 1..4
   * nothing is stored) of {@code adapter} (null: the default). An {@code ip} that is not an IP literal
   * empties the slot, as lwIP's failed {@code ipaddr_aton} leaves an invalid address there. Returns
   * false (and logs the firmware's warning) for an invalid or unregistered adapter.
   *
   * <p>A server set before the adapter is ready stays when it comes up: current net_lwip2 marks it
   * static ({@code is_static_dns}) and its network-ready fills only the slots the script left, and
   * the EC618's mobile callback writes only slots 3 and 4, from the network. (An older net_lwip2,
   * with one DNS client for all adapters, overwrote all four at every network-ready; the one read
   * here is the one whose {@code network ready N, setup dns server} line airemu prints.)
   */
  public boolean setDns(Integer adapter, int index, String ip) {
    return storeDns(adapter, index, Addresses.parseLiteral(ip));
  }

  /** {@code socket.setDNS} with an integer: a raw IPv4 address (see {@link SocketCtrl#connect(long, int)}). */
  public boolean setDns(Integer adapter, int index, long rawIpv4) {
    return storeDns(adapter, index, Addresses.fromRawIpv4(rawIpv4));
  }

  /**
   * {@code socket.close_all(adapter)}: {@code discon} on every ctrl of the adapter that has a socket;
   * false for null or an index out of range.
   */
  public boolean closeAll(Integer adapter) {
    if (adapter == null || adapter < 0 || adapter >= profile.adapterCount()) return false;
    Netif n = netifs.get(adapter);
    if (n != null) {
      for (SocketCtrl c : new ArrayList<>(n.ctrls)) {
        if (c.hasSocket()) c.discon();
      }
    }
    return true;
  }

  // --- socket.sntp, socket.sntp_port, socket.ntptm (device thread) ----------------------------

  /**
   * {@code socket.sntp()}, or {@code socket.sntp(x, adapter)} with an {@code x} that is neither a
   * string (a number counts as one) nor a table: starts a sync of the current servers on
   * {@code adapter} (null or -1: the default), unless one is running ({@code I/sntp sntp is running}).
   * The result is an {@link SntpResult} on the bus: {@code NTP_UPDATE()} or {@code NTP_ERROR()},
   * also when the sync cannot start. The Lua function returns nothing.
   */
  public void sntp(Integer adapter) {
    sntpClient.start(adapter == null ? currentDefault() : adapter, currentDefault());
  }

  /**
   * {@code socket.sntp("name", adapter)}: {@code server} replaces server 1 (also while a sync runs),
   * then as {@link #sntp(Integer)}. A name of 31 bytes or more logs
   * {@code E/sntp server_addr too long <name>} and the call does nothing else: no sync, no event.
   */
  public void sntp(String server, Integer adapter) {
    if (sntpClient.replaceFirst(server)) sntp(adapter);
  }

  /**
   * {@code socket.sntp({...}, adapter)}: the first three entries (the binding reads
   * {@code min(#t, 3)} of them as strings) replace servers 1 to 3; an entry of 31 bytes or more logs
   * {@code E/sntp server_addr too long <name>} and leaves its server unchanged. Then as
   * {@link #sntp(Integer)}.
   */
  public void sntp(List<String> servers, Integer adapter) {
    sntpClient.replace(servers);
    sntp(adapter);
  }

  /**
   * {@code socket.sntp_port(p)}: with a number, its low 16 bits become the server port unless they
   * are 0; null (no number) only reads. Returns the port, 123 until one is set.
   */
  public int sntpPort(Long port) {
    return sntpClient.port(port);
  }

  /** {@code socket.ntptm()}: the table, also before a sync (then without {@code vaild}); see {@link Ntptm}. */
  public Ntptm ntptm() {
    return sntpClient.ntptm();
  }

  /**
   * {@code socket.rx_cache(n)}: with {@code n} from 6 to 48 sets the lwIP receive-cache block count
   * (anything else, or null, only reads); returns the count, the board's default until set.
   */
  public int rxCache(Long n) {
    if (n != null && n >= NetProfile.RX_CACHE_MIN && n <= NetProfile.RX_CACHE_MAX) rxCache = n.intValue();
    return rxCache;
  }

  /**
   * {@code socket.sslLog(level)} (the binding passes 1 without an argument): the TLS engine's debug
   * threshold for this device, 0 (the default) printing nothing; see {@link TlsLog}.
   */
  public void sslLog(int level) {
    sslLogLevel = level;
  }

  /**
   * Where the device's wall clock comes from: the firmware's RTC, which network time and
   * {@code socket.sntp} set (the device clock's wall time until this is called). TLS checks
   * certificate dates against it, as mbedtls does against the module's RTC; it is read on I/O threads.
   */
  public void wallClock(LongSupplier epochMillis) {
    wallClock = epochMillis;
  }

  /**
   * Registers an adapter that is not registered at boot ({@code netdrv.setup}, {@code w5500.bind},
   * {@code wlan.createAP}): it becomes the last registered one, and the default unless a default was
   * set. Returns false for an adapter the board does not have. Registering twice is harmless.
   */
  public boolean register(int adapter) {
    Netif n = netifs.get(adapter);
    if (n == null) return false;
    if (!n.registered) {
      n.registered = true;
      lastRegistered = adapter;
      // brought up before it was registered: it is ready now, which is announced like any change
      if (n.isReady()) device.post(new LinkMessage(this, adapter, LinkMessage.Change.CHECK, null));
    }
    return true;
  }

  // --- the adapters' drivers (device thread) ------------------------------------------------------

  /** The cellular stack ({@code mobile.*}), or null on a board without a cellular adapter. */
  public Cellular cellular() {
    return cellular;
  }

  /**
   * Wi-Fi ({@code wlan.*}): the station and access-point adapters, if the board has them, and the
   * scanner, which sees the profile's access points on any board.
   */
  public Wlan wlan() {
    return wlan;
  }

  /** The W5500 on SPI ({@code w5500.*}), or null on a board without a W5500 adapter. */
  public W5500 w5500() {
    return w5500;
  }

  /** The lwIP network devices ({@code netdrv.*}): Ethernet set up by the script, and the others by number. */
  public Netdrv netdrv() {
    return netdrv;
  }

  /** The interface with adapter number {@code adapter}, or null when the board has none. */
  public Netif netif(int adapter) {
    return netifs.get(adapter);
  }

  /** The board's interfaces in registration order. */
  public List<Netif> netifs() {
    return Collections.unmodifiableList(new ArrayList<>(netifs.values()));
  }

  public NetProfile profile() {
    return profile;
  }

  // --- link control (any thread) ----------------------------------------------------------------

  /** Brings the adapter's link up with its IP after {@code delayMillis} (attach, DHCP, Wi-Fi association). */
  public void bringUp(int adapter, long delayMillis) {
    postLater(new LinkMessage(this, adapter, LinkMessage.Change.UP, null), delayMillis);
  }

  /** Takes the adapter's link down and releases its IP (detach, Wi-Fi lost). */
  public void bringDown(int adapter) {
    device.post(new LinkMessage(this, adapter, LinkMessage.Change.DOWN, null));
  }

  /** Sets the link state alone; the adapter is ready only with link and IP. */
  public void setLink(int adapter, boolean up) {
    device.post(new LinkMessage(this, adapter, up ? LinkMessage.Change.LINK_UP : LinkMessage.Change.LINK_DOWN, null));
  }

  /** Assigns or removes the IP alone (a DHCP lease, a PDP context). */
  public void setIp(int adapter, boolean assigned) {
    device.post(new LinkMessage(this, adapter, assigned ? LinkMessage.Change.IP_UP : LinkMessage.Change.IP_DOWN, null));
  }

  /**
   * Replaces the adapter's addresses (null keeps a value, {@code ipv6} "" removes it). They show in
   * {@code socket.localIP} and in IP_READY the next time the adapter comes up.
   */
  public void setAddresses(int adapter, String ip, String netmask, String gateway, String ipv6) {
    for (String s : new String[] {ip, netmask, gateway}) {
      if (s != null && Addresses.parseLiteral(s) == null) throw new IllegalArgumentException("not an IP address: " + s);
    }
    if (ipv6 != null && !ipv6.isEmpty() && Addresses.parseLiteral(ipv6) == null) {
      throw new IllegalArgumentException("not an IP address: " + ipv6);
    }
    device.post(new LinkMessage(this, adapter, LinkMessage.Change.ADDRESSES, new String[] {ip, netmask, gateway, ipv6}));
  }

  /** Releases every ctrl and its socket, and cancels pending link changes. Device thread. */
  @Override
  public void close() {
    if (closed) return;
    closed = true;
    environment.removeListener(outside);
    synchronized (timers) {
      for (TimerService.Timer t : timers) t.cancel();
      timers.clear();
    }
    sntpClient.close();
    for (Netif n : netifs.values()) {
      for (SocketCtrl c : new ArrayList<>(n.ctrls)) c.release();
    }
  }

  public boolean isClosed() {
    return closed;
  }

  // --- internals ------------------------------------------------------------------------------

  NetOptions options() {
    return options;
  }

  Transport transport() {
    return transport;
  }

  Dns dns() {
    return dns;
  }

  /** The faults of the network outside adapter {@code adapter} (one of the board's). */
  AdapterFaults faults(int adapter) {
    return faults.get(adapter);
  }

  Sntp sntpClient() {
    return sntpClient;
  }

  int sslLogLevel() {
    return sslLogLevel;
  }

  /** The device's wall clock in epoch milliseconds (see {@link #wallClock}). Any thread. */
  long wallMillis() {
    return wallClock.getAsLong();
  }

  /** The device's monotonic clock in milliseconds: real or virtual time, as its timers run. Any thread. */
  long clockMillis() {
    return device.clock().nanoTime() / 1_000_000;
  }

  /** Posts a network event from any thread; see {@link #postGate}. */
  void post(Message m) {
    synchronized (postGate) {
      device.post(m);
    }
  }

  void log(char level, String tag, String text) {
    log.line(level, tag, text);
  }

  void logRaw(String text) {
    log.raw(text);
  }

  /** A ctrl in the first free slot of the adapter's ctrl table, or null when it is full. */
  SocketCtrl allocCtrl(Netif n) {
    if (closed) return null;
    int slot = n.table.take();
    if (slot < 0) {
      log.raw("adapter no more ctrl!");
      return null;
    }
    SocketCtrl c = new SocketCtrl(this, n, slot);
    n.ctrls.add(c);
    return c;
  }

  /** Runs {@code action} on the device thread after {@code delayMillis} (0: on the next turn of the bus). */
  void later(long delayMillis, java.util.function.Supplier<NetDelivery> action) {
    postLater(new DriverEvent(this, action), delayMillis);
  }

  /** Announces a change of readiness that a driver made to {@code adapter}'s state, on the next turn. */
  void recheck(int adapter) {
    post(new LinkMessage(this, adapter, LinkMessage.Change.CHECK, null));
  }

  /** Applies a link change now, as its message would; for drivers whose events change the link. */
  NetDelivery applyNow(int adapter, LinkMessage.Change change) {
    return applyLink(new LinkMessage(this, adapter, change, null));
  }

  /**
   * Applies a link change; see {@link LinkMessage}. A link change the adapter's driver reports
   * ({@code W5500_IND}, {@code WLAN_STA_INC}) is delivered first, and the readiness it leads to on
   * the next turn. A change of readiness reaches every ctrl of the adapter before the script can
   * see it: see {@link #announce}. Device thread.
   */
  NetDelivery applyLink(LinkMessage m) {
    Netif n = netifs.get(m.adapter);
    if (closed || n == null) return NetDelivery.NONE;
    boolean hadLink = n.isLinkUp(); // drivers hear the link as it is: the device's side and the network outside
    switch (m.change) {
      case LINK_UP -> n.linkUp = true;
      case LINK_DOWN -> n.linkUp = false;
      case IP_UP -> n.ipAssigned = true;
      case IP_DOWN -> n.ipAssigned = false;
      case UP -> {
        n.linkUp = true;
        n.ipAssigned = true;
      }
      case DOWN -> {
        n.linkUp = false;
        n.ipAssigned = false;
      }
      case ADDRESSES -> n.setAddresses(m.addresses[0], m.addresses[1], m.addresses[2], m.addresses[3]);
      case CHECK -> { }
      case OUTSIDE_LINK_UP -> n.outsideLink = true;
      case OUTSIDE_LINK_DOWN -> n.outsideLink = false;
      case OUTSIDE_IP_UP -> n.outsideIp = true;
      case OUTSIDE_IP_DOWN -> n.outsideIp = false;
      case RENUMBER -> {
        n.setAddresses(m.addresses[0], null, null, null);
        if (n.announced) n.renumbering = true; // the old address goes first, the new one follows
      }
      case RENUMBERED -> n.renumbering = false;
    }
    if (n.isLinkUp() != hadLink) {
      NetDelivery d = n.driver.linkChanged(n, n.isLinkUp());
      if (d != NetDelivery.NONE) {
        post(new LinkMessage(this, m.adapter, LinkMessage.Change.CHECK, null));
        return d;
      }
    }
    return announce(n);
  }

  /**
   * Publishes a change of the adapter's readiness, once, and tells its ctrls (spec 6.2).
   *
   * <p>On a module the link change reaches the ctrls in the lwIP task: {@code net_lwip2_check_network_ready}
   * hands {@code EV_NW_STATE} to {@code network_default_socket_callback}, which runs
   * {@code network_default_statemachine} for every ctrl of the adapter there and then; only their
   * results (LINK, ON_LINE, EVENT ...) are posted to the Lua task. That task runs below the lwIP
   * task, so by the time the script handles {@code IP_READY} or {@code IP_LOSE} every ctrl has
   * already moved: a ctrl created before the network connects at once in an IP_READY handler, and
   * in an IP_LOSE handler {@code tx}/{@code wait} on an online ctrl already fail. So the machines
   * run here, before the publish is returned.
   *
   * <p>Which reaches the bus first, the publish or the results, depends on who reports the change.
   * The netdrv drivers (Ethernet, Air8000/Air8101 Wi-Fi, VPNs) call {@code net_lwip2_set_link_state}
   * and then {@code luat_netdrv_send_ip_event} from the lwIP task itself
   * ({@code luat_netdrv_event.c link_updown}, the DHCP client): the check they queue runs after the
   * current callback, so {@code IP_READY}/{@code IP_LOSE} is on the bus before the results. On
   * the EC618 the mobile callback queues the link state to the lwIP task before
   * {@code luat_mobile_event_cb} posts {@code IP_READY} (soc-2022 {@code luatos_mobile_event_callback}),
   * so there a {@code LINK,0} may reach the script before {@code IP_READY}; the EC718's SDK, which
   * does this part, is not public. Here the publish comes first on every adapter, as the netdrv
   * sources have it; either way the ctrls the script finds in its handler have moved already.
   */
  private NetDelivery announce(Netif n) {
    boolean now = n.isReady();
    if (now == n.announced) return NetDelivery.NONE;
    n.announced = now;
    if (now) {
      // lwIP's netif callback; the W5500 runs its own TCP/IP stack
      if (n.kind() != AdapterConfig.Kind.W5500) log('D', "net", "network ready " + n.number() + ", setup dns server");
    } else {
      for (SocketCtrl c : n.ctrls) c.linkLost();
    }
    n.driver.announcing(n, now);
    // EV_NW_STATE through every ctrl of the adapter now; each result reaches the script on its own turn
    synchronized (postGate) {
      for (SocketCtrl c : new ArrayList<>(n.ctrls)) {
        NetDelivery d = c.onEvent(new SocketMessage(c, null, Ev.STATE, now ? 1 : 0));
        if (d != NetDelivery.NONE) c.queueResult(d);
      }
    }
    // a renumbered adapter comes back once its ctrls have heard of the loss
    if (n.renumbering) post(new LinkMessage(this, n.number(), LinkMessage.Change.RENUMBERED, null));
    sntpClient.linkChanged(n.number(), now);
    return now
        ? new NetDelivery.Publish("IP_READY", List.of(n.ipv4(), (long) n.number()))
        : new NetDelivery.Publish("IP_LOSE", List.of((long) n.number()));
  }

  /** The environment's state at boot: links, addresses and faults as the network outside has them now. */
  private void startFrom(List<Environment.AdapterStatus> state) {
    for (Environment.AdapterStatus s : state) {
      Netif n = byName(s.adapter());
      if (n == null) continue;
      n.outsideLink = s.link();
      n.outsideIp = s.ip();
      if (s.nextIp() != null) n.setAddresses(s.nextIp(), null, null, null);
      for (Fault f : s.faults()) faults.get(n.number()).set(f);
    }
  }

  /**
   * A change outside (environment thread, its lock held, so changes arrive in order): link and
   * address changes go to the device like its own, faults to the adapter's sockets at once.
   */
  private void outsideChanged(Environment.Change c) {
    Netif n = byName(c.adapter());
    if (n == null) return;
    int a = n.number();
    if (c instanceof Environment.LinkChanged l) {
      device.post(new LinkMessage(this, a, l.up() ? LinkMessage.Change.OUTSIDE_LINK_UP : LinkMessage.Change.OUTSIDE_LINK_DOWN, null));
    } else if (c instanceof Environment.IpChanged i) {
      device.post(new LinkMessage(this, a, i.assigned() ? LinkMessage.Change.OUTSIDE_IP_UP : LinkMessage.Change.OUTSIDE_IP_DOWN, null));
    } else if (c instanceof Environment.Renumbered r) {
      device.post(new LinkMessage(this, a, LinkMessage.Change.RENUMBER, new String[] {r.ip(), null, null, null}));
    } else if (c instanceof Environment.Reset) {
      faults.get(a).resetConnections();
    } else if (c instanceof Environment.FaultSet f) {
      faults.get(a).set(f.fault());
    } else if (c instanceof Environment.FaultCleared f) {
      faults.get(a).clear(f.kind());
    }
  }

  private Netif byName(String adapter) {
    for (Netif n : netifs.values()) {
      if (n.name().equals(adapter)) return n;
    }
    return null;
  }

  private boolean storeDns(Integer adapter, int index, InetAddress ip) {
    int a = adapter == null ? currentDefault() : adapter;
    Netif n = registered(a);
    if (n == null) {
      log('W', "socket", "adapter_index is invaild " + a);
      return false;
    }
    if (index >= 1 && index <= Netif.DNS_SLOTS) n.dns[index - 1] = ip;
    return true;
  }

  /** The first adapter of {@code kind} in registration order, or null. */
  private Netif first(AdapterConfig.Kind kind) {
    for (Netif n : netifs.values()) {
      if (n.kind() == kind) return n;
    }
    return null;
  }

  private boolean ready(int index) {
    Netif n = netifs.get(index);
    return n != null && n.isReady();
  }

  private Netif registered(int index) {
    if (index < 0 || index >= profile.adapterCount()) return null;
    Netif n = netifs.get(index);
    return n != null && n.isRegistered() ? n : null;
  }

  /** {@code network_register_get_default}: the explicit default, else the last registered adapter. */
  private int currentDefault() {
    return defaultAdapter != -1 ? defaultAdapter : lastRegistered;
  }

  private void postLater(Message m, long delayMillis) {
    if (delayMillis <= 0) {
      device.post(m);
      return;
    }
    synchronized (timers) {
      if (closed) return;
      TimerService.Timer[] self = new TimerService.Timer[1];
      self[0] = device.scheduler().timers().scheduleAfter(delayMillis, TimeUnit.MILLISECONDS, () -> {
        synchronized (timers) {
          timers.remove(self[0]);
        }
        device.post(m);
      });
      timers.add(self[0]);
    }
  }

  private final Device device;
  private final NetProfile profile;
  private final NetOptions options;
  private final FirmwareLog log;
  private final Transport transport;
  private final Environment environment; // the network outside, followed until close
  private final Environment.Listener outside = this::outsideChanged;
  /**
   * Held while a link change runs through the ctrls: a socket one of them opens (a connect that
   * waited for the link) reports on an I/O thread, whose event must not reach the bus before the
   * results of the change, as on the module, where both come from the one lwIP task. I/O threads
   * post nothing else while holding a lock.
   */
  private final Object postGate = new Object();
  /** The faults outside each adapter, by adapter number. */
  private final Map<Integer, AdapterFaults> faults = new LinkedHashMap<>();
  private final Dns dns;
  private final Sntp sntpClient; // socket.sntp's client and the time it learnt
  private final Cellular cellular; // null without a cellular adapter
  private final Wlan wlan;
  private final W5500 w5500; // null without a W5500 adapter
  private final Netdrv netdrv;
  /** Interfaces by adapter number, in the board's registration order. */
  private final Map<Integer, Netif> netifs = new LinkedHashMap<>();
  /** Pending delayed link changes, cancelled on close; guarded by itself. */
  private final List<TimerService.Timer> timers = new ArrayList<>();
  private int defaultAdapter = -1; // set by the board or socket.dft; -1: use the last registered
  private int lastRegistered = -1;
  private volatile boolean closed;
  private volatile int sslLogLevel; // socket.sslLog, read by I/O threads
  private volatile LongSupplier wallClock; // the RTC, read by I/O threads
  private int rxCache; // socket.rx_cache
}
