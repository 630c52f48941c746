package airemu.netif;

import airemu.core.Device;
import airemu.core.TimerService;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The firmware's SNTP client behind {@code socket.sntp}, {@code socket.sntp_port} and
 * {@code socket.ntptm} ({@code luat_lib_sntp.c}, {@code luat_sntp.c}): one sync at a time, over one
 * UDP ctrl that takes a slot of the adapter's socket table, trying up to three servers in turn.
 *
 * <p>How a sync runs, read from the sources (nothing copied):
 * <ol>
 * <li>{@code socket.sntp(...)} first stores the server names it was given, even when a sync is
 *     running; then a running sync logs {@code I/sntp sntp is running} and the call ends.
 * <li>The adapter (the default one when nil or -1) must be a valid index with a free ctrl, else
 *     {@code NTP_ERROR} follows at once ({@code E/sntp network_alloc_ctrl fail} when the table is
 *     full or the adapter is missing; the firmware would dereference a missing adapter).
 * <li>Server {@code i} is tried with {@code network_connect(name, sntp_port)}: DNS through the
 *     adapter (hosts table first), a UDP socket, and on its {@code ON_LINE} the 48-byte request. Each
 *     server gets one request and one {@link #TIMEOUT_MILLIS} timer; no retries.
 * <li>A server fails when its timer fires ({@code W/sntp timeout send ntp_error}), or at once when
 *     the connect fails (DNS found nothing, the link went down while resolving or binding): the
 *     request cannot be sent ({@code I/sntp 请求包传输失败!!}). Then the next server is tried; after the
 *     third, {@code NTP_ERROR}.
 * <li>An adapter that is registered but not ready does not fail the connect: the ctrl waits for the
 *     link, and the timer runs meanwhile. If the adapter comes up in time the sync goes on; if not,
 *     each server times out in turn (6 s in all) and {@code NTP_ERROR} follows.
 * <li>Any datagram of at least 44 bytes from the server is taken as the reply (no check of mode,
 *     stratum or originate): the RTC is set, the time state updated ({@link SntpTime}) and
 *     {@code NTP_UPDATE} follows. A shorter one is logged ({@code I/sntp 响应包不合法 ...}) and the
 *     timer keeps running.
 * </ol>
 * The result is posted to the device as an {@link SntpResult}; handling it ends the run and gives
 * the publish. Server names and the port last until the VM ends, as the firmware's statics do.
 *
 * <p>Threads: everything here runs on the device thread; the socket, DNS and the timer only post
 * {@link Event}s.
 */
final class Sntp {
  /** How many servers a sync tries ({@code SNTP_SERVER_COUNT}). */
  static final int SERVER_COUNT = 3;
  /** A name must be shorter than this many bytes ({@code SNTP_SERVER_LEN_MAX - 1}, so 30 at most). */
  static final int MAX_NAME_BYTES = 31;
  /** How long one server may take to answer ({@code NTP_TIMEOUT_MS}: "2 s, one chance per server"). */
  static final long TIMEOUT_MILLIS = 2000;
  /** The server port until {@code socket.sntp_port} sets another. */
  static final int DEFAULT_PORT = 123;
  /** The servers a module starts with. */
  static final List<String> DEFAULT_SERVERS = List.of("ntp.aliyun.com", "ntp.ntsc.ac.cn", "time1.cloud.tencent.com");

  Sntp(NetStack stack, Device device) {
    this.stack = stack;
    this.device = device;
  }

  // --- socket.sntp / sntp_port / ntptm ---------------------------------------------------------

  /**
   * {@code socket.sntp("name")}: replaces server 1. A name of {@link #MAX_NAME_BYTES} bytes or more is
   * refused with {@code E/sntp server_addr too long <name>}, and then the whole call ends there.
   * Returns whether the call goes on.
   */
  boolean replaceFirst(String server) {
    if (!fits(server)) {
      log('E', "server_addr too long " + server);
      return false;
    }
    servers[0] = cString(server);
    return true;
  }

  /**
   * {@code socket.sntp({...})}: replaces servers 1 to 3 with the first three entries; a name too long
   * is logged and leaves its server as it was, the others still apply.
   */
  void replace(List<String> names) {
    for (int i = 0; i < names.size() && i < SERVER_COUNT; i++) {
      String s = names.get(i);
      if (fits(s)) {
        servers[i] = cString(s);
      } else {
        log('E', "server_addr too long " + s);
      }
    }
  }

  /**
   * Starts a sync on {@code adapter} (-1 or out of range fails), unless one is running. An immediate
   * failure posts {@code NTP_ERROR}.
   */
  void start(int adapter, int defaultAdapter) {
    if (running) {
      log('I', "sntp is running");
      return;
    }
    if (begin(adapter == -1 ? defaultAdapter : adapter) != 0) post(new SntpResult(this, false, 0, 0));
  }

  /** {@code socket.sntp_port(p)}: the low 16 bits of {@code port} replace the port unless they are 0. */
  int port(Long port) {
    if (port != null) {
      int p = (int) (port & 0xFFFF);
      if (p > 0) this.port = p;
    }
    return currentPort();
  }

  Ntptm ntptm() {
    return time.ntptm(uptimeMicros());
  }

  /** The adapter's readiness changed (after its ctrls were told). Device thread. */
  void linkChanged(int adapter, boolean ready) {
    if (!running || netif == null || netif.number() != adapter) return;
    if (!ready && socket != null) socket.sever(); // as lwIP: the socket gets nothing more from now
    stack.post(Event.link(this, adapter, ready));
  }

  /** The VM ends: no more events, timer and socket gone. */
  void close() {
    running = false;
    stopTimer();
    closeSocket();
    netif = null;
  }

  /** For tests and tools: the result posted last, or null. */
  SntpResult lastResult() {
    return lastResult;
  }

  // --- events (device thread) ----------------------------------------------------------------

  /** A network event or timeout of the SNTP ctrl. */
  static final class Event implements NetMessage {
    enum Kind { DNS, BOUND, ERROR, DATAGRAM, LINK, TIMEOUT }

    final Sntp sntp;
    final Kind kind;
    final Object source; // the DNS query, socket or timer it comes from: events of older ones are dropped
    final List<InetAddress> addresses; // DNS
    final byte[] data; // DATAGRAM: SntpTime.PACKET bytes, zero-filled past length
    final int length; // DATAGRAM: bytes received, at most SntpTime.PACKET
    final int adapter; // LINK
    final boolean up; // LINK

    /** BOUND, ERROR or DATAGRAM from {@code socket}. */
    static Event socket(Sntp sntp, Kind kind, SntpSocket socket, byte[] data, int length) {
      return new Event(sntp, kind, socket, null, data, length, -1, false);
    }

    static Event dns(Sntp sntp, Object query, List<InetAddress> answer) {
      return new Event(sntp, Kind.DNS, query, answer, null, 0, -1, false);
    }

    static Event link(Sntp sntp, int adapter, boolean up) {
      return new Event(sntp, Kind.LINK, null, null, null, 0, adapter, up);
    }

    static Event timeout(Sntp sntp, Object timer) {
      return new Event(sntp, Kind.TIMEOUT, timer, null, null, 0, -1, false);
    }

    private Event(Sntp sntp, Kind kind, Object source, List<InetAddress> addresses, byte[] data, int length,
        int adapter, boolean up) {
      this.sntp = sntp;
      this.kind = kind;
      this.source = source;
      this.addresses = addresses;
      this.data = data;
      this.length = length;
      this.adapter = adapter;
      this.up = up;
    }

    @Override
    public NetDelivery handle() {
      sntp.onEvent(this);
      return NetDelivery.NONE;
    }

    @Override
    public String toString() {
      return "Sntp.Event(" + kind + ")";
    }
  }

  /** Runs one event through the ctrl and the firmware's callback ({@code luat_sntp_callback}). */
  void onEvent(Event e) {
    if (stack.isClosed() || !running || netif == null) return; // the query is over
    switch (e.kind) {
      case TIMEOUT -> {
        if (e.source != timerToken) return; // stopped or restarted since
        timer = null;
        timerToken = null;
        log('W', "timeout send ntp_error");
        failed();
      }
      case LINK -> {
        if (e.adapter == netif.number()) link(e.up);
      }
      case DNS -> {
        if (e.source == dnsQuery && state == WAIT_DNS) dnsAnswer(e.addresses);
      }
      case BOUND -> {
        if (e.source == socket && state == CONNECTING) {
          state = ONLINE;
          connected(true);
        }
      }
      case ERROR -> {
        if (e.source == socket) socketError();
      }
      case DATAGRAM -> {
        if (e.source == socket && state == ONLINE) received(!needClose, e.data, e.length);
      }
    }
  }

  /** Handles a posted result: ends the run ({@code ntp_cleanup}) and says what to publish. */
  NetDelivery finish(SntpResult r) {
    if (stack.isClosed()) return NetDelivery.NONE;
    cleanup();
    return r.publish();
  }

  // --- the ctrl: a UDP network_ctrl in callback mode ---------------------------------------------

  /** {@code network_connect} to {@code host}: 1 when started (or waiting for the link), -1 on failure. */
  private int networkConnect(String host) {
    if (socket != null) return -1;
    this.host = host;
    remotePort = currentPort();
    needClose = false;
    dnsIps = null;
    dnsIndex = 0;
    dnsQuery = null;
    literal = null;
    if (!netif.isReady()) {
      state = LINK_OFF;
      return 1;
    }
    if (prepareConnect() < 0) {
      state = OFF_LINE;
      return -1;
    }
    return 1;
  }

  /** {@code network_prepare_connect}: an IP literal is connected at once, a name goes to DNS. */
  private int prepareConnect() {
    InetAddress ip = Addresses.parseLiteral(host);
    if (ip == null) {
      Object query = new Object();
      dnsQuery = query;
      stack.dns().resolve(netif, host, false, answer -> stack.post(Event.dns(this, query, answer)));
      state = WAIT_DNS;
      return 0;
    }
    literal = ip;
    if (baseConnect(ip) < 0) {
      forceCloseSocket();
      return -1;
    }
    state = CONNECTING;
    return 0;
  }

  /** {@code network_base_connect}: a fresh socket towards {@code ip}. */
  private int baseConnect(InetAddress ip) {
    closeSocket();
    int id = netif.allocSocketId();
    if (id < 0) return -1;
    socketId = id;
    stack.log('D', "net", "adapter " + netif.number() + " connect " + Addresses.text(ip) + ":" + remotePort + " UDP");
    InetSocketAddress target = target(ip);
    AdapterFaults faults = stack.faults(netif.number());
    socket = Addresses.isIpv6(ip) && !netif.config().ipv6()
        ? SntpSocket.unreachable(stack, this, target)
        : SntpSocket.open(stack, this, target, faults, faults.unreachable(host, ip));
    return 0;
  }

  /** Where a request to {@code ip} goes: the server port, or a local peer that {@code ip} routes to. */
  private InetSocketAddress target(InetAddress ip) {
    return stack.options().routed(new InetSocketAddress(ip, remotePort));
  }

  private void link(boolean up) {
    switch (state) {
      case LINK_OFF -> {
        if (!up) return;
        state = OFF_LINE;
        if (prepareConnect() < 0) connected(false);
      }
      case WAIT_DNS, CONNECTING -> connected(false); // any link change fails a connect in progress
      case ONLINE -> {
        if (up) return;
        needClose = true;
        received(false, null, 0);
      }
      default -> { }
    }
  }

  private void dnsAnswer(List<InetAddress> answer) {
    if (answer.isEmpty()) {
      connected(false);
      return;
    }
    dnsIps = answer;
    dnsIndex = 0;
    if (baseConnect(answer.get(0)) < 0) {
      forceCloseSocket();
      connected(false);
      return;
    }
    state = CONNECTING;
  }

  private void socketError() {
    if (state == CONNECTING) {
      // an IP literal has one chance; a name tries the next address of the DNS answer
      if (literal != null || dnsIps == null || ++dnsIndex >= dnsIps.size()) {
        connected(false);
      } else if (baseConnect(dnsIps.get(dnsIndex)) < 0) {
        forceCloseSocket();
        connected(false);
      }
    } else if (state == ONLINE) {
      needClose = true;
      received(false, null, 0);
    }
  }

  // --- the firmware's callback ---------------------------------------------------------------

  /** {@code EV_NW_RESULT_CONNECT}: send the request; a failed connect cannot send it either. */
  private void connected(boolean ok) {
    byte[] request = time.request(uptimeMicros());
    if (!ok || state != ONLINE || needClose || socket == null || !socket.send(request)) {
      log('I', "请求包传输失败!!");
      failed();
    }
  }

  /** {@code EV_NW_RESULT_EVENT}: read the reply; {@code ok} false when the socket failed. */
  private void received(boolean ok, byte[] reply, int length) {
    long arrival = uptimeMicros(); // taken before the read, as the firmware does
    if (!ok || length < SntpTime.MIN_REPLY) {
      log('I', "响应包不合法 result " + (ok ? 0 : -1) + " rx_len " + (ok ? length : 0));
      return; // no new wait: the timer decides
    }
    long unix = time.onReply(reply, arrival, text -> log('D', text));
    long host = device.clock().currentTimeMillis();
    log('D', "Unix timestamp: " + (int) unix);
    post(new SntpResult(this, true, unix, host));
  }

  /** {@code luat_ntp_on_result} for a failure: the next server, or NTP_ERROR after the last. */
  private void failed() {
    if (nextServer < SERVER_COUNT) {
      if (nextServer != 0) forceCloseSocket();
      if (timer != null) {
        log('D', "timer在运行, 关闭之");
        stopTimer();
      }
      log('D', "前一个ntp服务器未响应,尝试下一个");
      int ret = connect();
      if (ret == 0) return;
      log('D', "luat_sntp_connect " + ret);
    }
    post(new SntpResult(this, false, 0, 0));
  }

  // --- the run ---------------------------------------------------------------------------------

  /** {@code ntp_get}: the ctrl on {@code adapter}, then the first server. 0 when started. */
  private int begin(int adapter) {
    if (adapter < 0 || adapter >= stack.profile().adapterCount()) return -1;
    Netif n = stack.netif(adapter);
    SocketCtrl s = n != null && n.isRegistered() ? stack.allocCtrl(n) : null;
    if (s == null) {
      log('E', "network_alloc_ctrl fail");
      return -1;
    }
    s.discon(); // armed and idle: link events to the slot itself deliver nothing; this class takes them
    netif = n;
    slot = s;
    state = OFF_LINE;
    running = true;
    return connect();
  }

  /** {@code luat_sntp_connect}: the next server with its timer; 0 when started, -1 when none is left or it failed. */
  private int connect() {
    if (nextServer >= SERVER_COUNT) return -1;
    String name = servers[nextServer++];
    log('D', "query " + name);
    if (networkConnect(name) < 0) {
      log('D', "network_connect ret -1");
      return -1;
    }
    startTimer();
    return 0;
  }

  /** {@code ntp_cleanup}: not running, no timer, ctrl released, back to the first server. */
  private void cleanup() {
    running = false;
    stopTimer();
    if (netif != null) {
      forceCloseSocket();
      slot.release();
      slot = null;
      netif = null;
    }
    state = OFF_LINE;
    nextServer = 0;
  }

  private void startTimer() {
    Object token = new Object();
    timerToken = token;
    timer = device.scheduler().timers().scheduleAfter(TIMEOUT_MILLIS, TimeUnit.MILLISECONDS,
        () -> stack.post(Event.timeout(this, token)));
  }

  private void stopTimer() {
    if (timer != null) timer.cancel();
    timer = null;
    timerToken = null;
  }

  /** {@code network_force_close_socket}: no socket, no DNS answer; the state stays. */
  private void forceCloseSocket() {
    closeSocket();
    needClose = false;
    dnsIps = null;
    dnsIndex = 0;
    dnsQuery = null;
  }

  private void closeSocket() {
    if (socket != null) {
      socket.close();
      socket = null;
    }
    if (socketId >= 0 && netif != null) netif.freeSocketId(socketId);
    socketId = -1;
  }

  private void post(SntpResult r) {
    lastResult = r;
    stack.post(r);
  }

  private int currentPort() {
    return port != 0 ? port : DEFAULT_PORT;
  }

  private long uptimeMicros() {
    return device.uptimeNanos() / 1000;
  }

  private void log(char level, String text) {
    stack.log(level, "sntp", text);
  }

  /** Lua strings are bytes; a name is counted in its UTF-8 bytes. */
  private static boolean fits(String name) {
    return name.getBytes(StandardCharsets.UTF_8).length < MAX_NAME_BYTES;
  }

  /** The name as C sees it: up to the first NUL. */
  private static String cString(String s) {
    int nul = s.indexOf('\0');
    return nul < 0 ? s : s.substring(0, nul);
  }

  // ctrl states, as socket.state numbers them
  private static final int LINK_OFF = 0, OFF_LINE = 1, WAIT_DNS = 2, CONNECTING = 3, ONLINE = 5;

  private final NetStack stack;
  private final Device device;
  private final SntpTime time = new SntpTime();
  /** The servers in the order they are tried; replaced by socket.sntp's arguments. */
  private final String[] servers = DEFAULT_SERVERS.toArray(new String[0]);
  private int port; // socket.sntp_port; 0: DEFAULT_PORT

  // the run (g_sntp_ctx)
  private boolean running; // is_running: from a successful start until the result is handled
  private int nextServer; // next_server_index: servers tried so far in this run
  private TimerService.Timer timer; // the running server's timeout; null when stopped or fired
  private Object timerToken; // identifies the live timer's event
  private SntpResult lastResult;

  // the ctrl (network_ctrl_t), present while running
  private Netif netif; // its adapter; null: no ctrl
  private SocketCtrl slot; // the socket-table entry it occupies
  private int state = OFF_LINE;
  private boolean needClose; // the socket failed while online
  private String host; // the server being tried
  private int remotePort; // the port it is tried on (sntp_port when the connect started)
  private InetAddress literal; // host as an IP literal, or null
  private Object dnsQuery; // the DNS query whose answer is awaited
  private List<InetAddress> dnsIps; // its answer
  private int dnsIndex; // which address of it is being tried
  private SntpSocket socket; // the UDP socket, or null
  private int socketId = -1;
}
