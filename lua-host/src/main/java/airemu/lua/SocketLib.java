package airemu.lua;

import airemu.boards.AdapterSpec;
import airemu.boards.BoardProfile;
import airemu.netif.AccessPoint;
import airemu.netif.AdapterConfig;
import airemu.netif.FirmwareLog;
import airemu.netif.NetDelivery;
import airemu.netif.NetMessage;
import airemu.netif.NetProfile;
import airemu.netif.NetStack;
import airemu.netif.NetworkTime;
import airemu.netif.SocketCtrl;
import airemu.netif.SocketEvents;
import airemu.netif.SntpResult;
import airemu.netif.TlsArgs;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import party.iroiro.luajava.Lua;

/**
 * {@code socket}: the binding of the firmware's socket library onto {@code netif}. It translates
 * arguments and results and routes events; the state machine, buffers and transports live in
 * {@link NetStack} and {@link SocketCtrl}.
 *
 * <p>Error contract, as {@code luat_lib_socket.c}: a wrong argument type raises a Lua error; a nil,
 * unknown or released ctrl makes the call return nothing; everything else answers with the tuples of
 * the socket API. Events reach the script inside {@code rtos.receive}: the ctrl's callback gets a
 * light userdata with the ctrl's address (so it is not {@code ==} to the ctrl), a task name gets
 * {@code sys_send(name, event, param)}, and a ctrl with neither goes to {@code sys_pub("NWCTRL*", ...)}.
 */
final class SocketLib {
  static final String CTRL = "NWCTRL*";

  /** What a ctrl's events go to: a Lua function (registry reference) or a task name. */
  private record Callback(int functionRef, String taskName) {}

  /*
   * The days functions joined luat_lib_socket.c and luat_lib_sntp.c (spec 2.8, 2.22-2.24; the API
   * page for ntptm). A board whose firmware was built before one lacks it, and a script calling it
   * fails there with "attempt to call a nil value (field ...)", so it does here.
   */
  private static final LocalDate NTPTM_ADDED = LocalDate.of(2023, 11, 15);
  private static final LocalDate READ_ADDED = LocalDate.of(2024, 4, 8);
  private static final LocalDate DFT_ADDED = LocalDate.of(2025, 1, 6);
  private static final LocalDate DFT_LAST_REGISTERED_ADDED = LocalDate.of(2025, 7, 25);
  private static final LocalDate CLOSE_ALL_ADDED = LocalDate.of(2025, 9, 24);
  private static final LocalDate RX_CACHE_ADDED = LocalDate.of(2026, 8, 3);

  SocketLib(LuaFirmware fw) {
    this.fw = fw;
  }

  /**
   * The board's adapters as the network stack numbers them in the board's firmware era, and the
   * access points in range: the run's ({@code accessPoints}), else the board's.
   */
  static NetProfile profileOf(BoardProfile board, List<AccessPoint> accessPoints) {
    List<AdapterConfig> adapters = new ArrayList<>();
    for (AdapterSpec a : board.adapters()) {
      AdapterConfig.Kind kind = switch (a.kind()) {
        case CELLULAR -> AdapterConfig.Kind.CELLULAR;
        case WIFI_STA -> AdapterConfig.Kind.WIFI_STA;
        case WIFI_AP -> AdapterConfig.Kind.WIFI_AP;
        case ETHERNET -> AdapterConfig.Kind.ETHERNET;
        case W5500 -> AdapterConfig.Kind.W5500;
      };
      adapters.add(new AdapterConfig(a.name(), board.era().number(a.name()).orElseThrow(), kind, a.sockets(), a.ipv6(), a.atBoot()));
    }
    int dft = board.defaultAdapter().flatMap(name -> board.era().number(name)).orElse(-1);
    List<AccessPoint> inRange = accessPoints;
    if (inRange == null) {
      inRange = new ArrayList<>();
      for (BoardProfile.AccessPoint a : board.wifi().accessPoints()) {
        String bssid = a.bssid() != null ? a.bssid() : AccessPoint.derivedBssid(a.ssid());
        inRange.add(new AccessPoint(a.ssid(), a.password(), bssid, a.rssi(), a.channel()));
      }
    }
    return new NetProfile(board.era().adapterCount(), dft, board.lwip().sockets(), board.lwip().rxCache(), adapters, inRange);
  }

  /**
   * Starts the device's network (a cellular adapter attaches by itself after its delay) in the network
   * outside it as the setup's environment has it now, and sets the board's adapter constants. At
   * boot, once the firmware knows its device and board.
   */
  void start(Lua L) {
    DeviceSetup setup = fw.setup();
    net = NetStack.create(fw.device(), profileOf(fw.board(), setup.accessPoints()), setup.network(), setup.environment(),
        new FirmwareLog() {
          @Override
          public void line(char level, String tag, String text) {
            fw.clog(level, tag, text);
          }

          @Override
          public void raw(String text) {
            fw.device().log((text + "\n").getBytes(StandardCharsets.UTF_8));
          }
        });
    net.wallClock(fw::wallMillis); // certificates are checked against the RTC that network time sets
    L.getGlobal("socket");
    for (Map.Entry<String, Integer> e : fw.board().era().adapterNumbers().entrySet()) {
      L.push((long) e.getValue());
      L.setField(-2, e.getKey());
    }
    L.pop(1);
  }

  /** Registers {@code socket}; the functions reach the network started by {@link #start}. */
  void install(Lua L) {
    Vm vm = fw.vm();
    BoardProfile.Firmware build = fw.board().firmware();
    L.newTable(); // a ctrl has no methods: scripts call socket.xxx(ctrl, ...)
    vm.newMetatable(L, CTRL, o -> {
      SocketCtrl c = (SocketCtrl) o;
      release(c);
      addresses.remove(c);
    });
    L.newTable();
    constants(L);
    vm.setFunction(L, -1, "create", this::create);
    vm.setFunction(L, -1, "debug", l -> ctrlCall(l, c -> {
      if (l.getTop() >= 2 && l.isBoolean(2)) c.debug(l.toBoolean(2));
      return 0;
    }));
    vm.setFunction(L, -1, "config", this::config);
    vm.setFunction(L, -1, "linkup", l -> ctrlCall(l, c -> status(l, c.linkup())));
    vm.setFunction(L, -1, "connect", this::connect);
    vm.setFunction(L, -1, "discon", l -> ctrlCall(l, c -> status(l, c.discon())));
    vm.setFunction(L, -1, "close", l -> ctrlCall(l, c -> {
      c.close();
      return 0;
    }));
    vm.setFunction(L, -1, "tx", this::tx);
    vm.setFunction(L, -1, "rx", this::rx);
    if (build.has(READ_ADDED)) vm.setFunction(L, -1, "read", this::read);
    vm.setFunction(L, -1, "wait", l -> ctrlCall(l, c -> status(l, c.waitEvent())));
    // multi_client is read only when it is an integer (lua_isinteger)
    vm.setFunction(L, -1, "listen", l -> ctrlCall(l, c -> status(l, c.listen(Args.isInteger(l, 2) ? (int) l.toInteger(2) : 0))));
    vm.setFunction(L, -1, "accept", this::accept);
    vm.setFunction(L, -1, "release", l -> {
      SocketCtrl c = vm.userdata(l, 1, SocketCtrl.class);
      if (c != null) release(c);
      return 0;
    });
    vm.setFunction(L, -1, "state", l -> ctrlCall(l, c -> {
      SocketCtrl.State s = c.state();
      if (s == null) return 0;
      l.push(s.code());
      vm.pushString(l, s.name());
      return 2;
    }));
    vm.setFunction(L, -1, "remoteIP", l -> {
      SocketCtrl c = vm.userdata(l, 1, SocketCtrl.class);
      List<String> ips = c == null ? List.of() : c.remoteIp();
      for (int i = 0; i < 4; i++) {
        if (i < ips.size() && ips.get(i) != null) vm.pushString(l, ips.get(i));
        else l.pushNil();
      }
      return 4;
    });
    vm.setFunction(L, -1, "localIP", l -> {
      NetStack.LocalIp ip = net.localIp(adapterArg(l, 1, "localIP"));
      if (ip == null) return 0;
      for (String s : new String[] {ip.ip(), ip.netmask(), ip.gateway(), ip.ipv6()}) {
        if (s == null) l.pushNil();
        else vm.pushString(l, s);
      }
      return 4;
    });
    vm.setFunction(L, -1, "setDNS", l -> {
      Integer adapter = adapterArg(l, 1, "setDNS");
      int index = (int) Args.optInteger(l, 2, 1);
      if (l.getTop() >= 3 && l.isInteger(3)) l.push(net.setDns(adapter, index, l.toInteger(3)));
      else l.push(net.setDns(adapter, index, Args.checkString(vm, l, 3)));
      return 1;
    });
    vm.setFunction(L, -1, "adapter", l -> { // luaL_optinteger(L, 1, -1): -1 and nil scan alike
      NetStack.AdapterState s = net.adapter(Args.isNoneOrNil(l, 1) ? null : (int) Args.checkInteger(l, 1));
      l.push(s.ready());
      l.push(s.index());
      return 2;
    });
    boolean lastRegistered = build.has(DFT_LAST_REGISTERED_ADDED);
    if (build.has(DFT_ADDED)) vm.setFunction(L, -1, "dft", l -> { // only a number sets it, as the firmware's uint8_t
      NetStack.Dft d = net.dft(isNumber(l, 1) ? (int) (Args.checkInteger(l, 1) & 0xff) : null);
      l.push(d.defaultAdapter());
      if (!lastRegistered) return 1;
      l.push(d.lastRegistered());
      return 2;
    });
    if (build.has(CLOSE_ALL_ADDED)) vm.setFunction(L, -1, "close_all", l -> { // false for a non-number; the id is an uint8_t
      l.push(net.closeAll(isNumber(l, 1) ? (int) (Args.checkInteger(l, 1) & 0xff) : null));
      return 1;
    });
    vm.setFunction(L, -1, "sslLog", l -> {
      net.sslLog((int) Args.optInteger(l, 1, 1));
      return 0;
    });
    if (build.has(RX_CACHE_ADDED)) vm.setFunction(L, -1, "rx_cache", l -> {
      l.push(net.rxCache(l.getTop() >= 1 && l.isInteger(1) ? l.toInteger(1) : null));
      return 1;
    });
    vm.setFunction(L, -1, "sntp", this::sntp);
    if (build.has(NTPTM_ADDED)) vm.setFunction(L, -1, "ntptm", l -> {
      Map<String, Object> t = net.ntptm().luaTable();
      l.createTable(0, t.size());
      for (Map.Entry<String, Object> e : t.entrySet()) {
        LuaValues.push(vm, l, e.getValue());
        l.setField(-2, e.getKey());
      }
      return 1;
    });
    vm.setFunction(L, -1, "sntp_port", l -> {
      l.push((long) net.sntpPort(isNumber(l, 1) ? Args.checkInteger(l, 1) : null)); // luat_lib_sntp.c: lua_type == LUA_TNUMBER
      return 1;
    });
    L.setGlobal("socket");
  }

  /**
   * {@code socket.sntp([server_or_list], [adapter])}. A table entry that is not a string raises
   * {@code bad argument #-1} as {@code luaL_checklstring(L, -1)} does; the firmware has stored the
   * entries before it by then, here nothing is stored.
   */
  private int sntp(Lua L) {
    Vm vm = fw.vm();
    Integer adapter = Args.isNoneOrNil(L, 2) ? null : (int) Args.checkInteger(L, 2);
    if (L.getTop() >= 1 && (L.type(1) == Lua.LuaType.STRING || L.type(1) == Lua.LuaType.NUMBER)) {
      net.sntp(new String(StringLib.toLString(vm, L, 1), StandardCharsets.UTF_8), adapter);
    } else if (L.getTop() >= 1 && L.type(1) == Lua.LuaType.TABLE) {
      int count = (int) Math.min(L.rawLength(1), 3);
      List<String> servers = new ArrayList<>(count);
      for (int i = 1; i <= count; i++) {
        L.rawGetI(1, i);
        if (L.type(-1) != Lua.LuaType.STRING && L.type(-1) != Lua.LuaType.NUMBER) throw Args.typeError(L, -1, "string");
        servers.add(new String(StringLib.toLString(vm, L, -1), StandardCharsets.UTF_8));
        L.pop(1);
      }
      net.sntp(servers, adapter);
    } else {
      net.sntp(adapter);
    }
    return 0;
  }

  /** Handles a network message taken from the bus: pushes what {@code take} answers (see LuaFirmware). */
  int deliver(NetMessage m, Lua L) {
    NetDelivery d = m.handle();
    if (m instanceof SntpResult r && r.synced() && d != NetDelivery.NONE) fw.setRtc(r.rtcOffsetMillis());
    if (m instanceof NetworkTime t && d != NetDelivery.NONE) fw.setRtc(t.rtcOffsetMillis());
    Vm vm = fw.vm();
    if (d instanceof NetDelivery.SocketEvent e) {
      Object att = e.ctrl().attachment();
      if (att instanceof Callback cb && cb.functionRef != 0) {
        Long address = addresses.get(e.ctrl());
        L.push(2);
        L.refGet(cb.functionRef);
        if (address == null) L.pushNil();
        else vm.pushLightUserdata(L, address);
        L.push(e.event());
        L.push(e.param());
        return 5;
      }
      if (att instanceof Callback cb && cb.taskName != null) {
        return callGlobal(L, "sys_send", cb.taskName, (long) e.event(), (long) e.param());
      }
      return callGlobal(L, "sys_pub", CTRL, (long) e.ctrl().adapterNumber(), (long) e.ctrl().socketId(),
          (long) e.event(), (long) e.param());
    }
    if (d instanceof NetDelivery.Publish p) {
      return callGlobal(L, "sys_pub", publishArgs(p));
    }
    L.push(1);
    return 1;
  }

  NetStack net() {
    return net;
  }

  /** Ctrls whose userdata Lua has not collected yet; for leak checks. */
  int liveCtrls() {
    return addresses.size();
  }

  void close() {
    if (net != null) net.close();
    net = null;
  }

  // --- functions -----------------------------------------------------------------------------------

  private interface CtrlCall {
    int call(SocketCtrl c);
  }

  /** L_CTRL_CHECK: no ctrl, or a released one, and the function returns nothing. */
  private int ctrlCall(Lua L, CtrlCall call) {
    SocketCtrl c = fw.vm().userdata(L, 1, SocketCtrl.class);
    if (c == null || c.isReleased()) return 0;
    return call.call(c);
  }

  private int create(Lua L) {
    Integer adapter = Args.isNoneOrNil(L, 1) ? null : (int) Args.checkInteger(L, 1);
    SocketCtrl c = net.create(adapter);
    if (c == null) {
      L.pushNil(); // one nil, as l_socket_create
      return 1;
    }
    c.attach(callbackArg(L, 2));
    pushCtrl(L, c);
    return 1;
  }

  private int config(Lua L) {
    return ctrlCall(L, c -> {
      int localPort = (int) Args.optInteger(L, 2, 0);
      boolean udp = Args.isTrue(L, 3);
      boolean tls = Args.isTrue(L, 4);
      long idle = Args.optInteger(L, 5, 0);
      long interval = Args.optInteger(L, 6, 0);
      long count = Args.optInteger(L, 7, 0);
      TlsArgs certs = tls ? new TlsArgs(tlsArg(L, 8), tlsArg(L, 9), tlsArg(L, 10), tlsArg(L, 11)) : null;
      Boolean ok = c.config(localPort, udp, certs, idle, interval, count);
      if (ok == null) return 0;
      L.push(ok);
      return 1;
    });
  }

  /** A certificate, key, password or PSK argument: read only when {@code lua_isstring}, else absent. */
  private byte[] tlsArg(Lua L, int arg) {
    if (L.getTop() < arg || (L.type(arg) != Lua.LuaType.STRING && L.type(arg) != Lua.LuaType.NUMBER)) return null;
    return StringLib.toLString(fw.vm(), L, arg);
  }

  private int connect(Lua L) {
    return ctrlCall(L, c -> {
      SocketCtrl.Status s;
      if (L.getTop() >= 2 && L.isInteger(2)) {
        long raw = L.toInteger(2);
        s = c.connect(raw, (int) Args.checkInteger(L, 3));
      } else {
        String host = Args.checkString(fw.vm(), L, 2);
        int port = (int) Args.checkInteger(L, 3);
        s = c.connect(host, port, Args.toBoolean(L, 4));
      }
      return status(L, s);
    });
  }

  /**
   * {@code socket.tx(ctrl, data, ip, port, flag)}: {@code ip} is a raw IPv4 when an integer, text when
   * {@code lua_isstring} (a float is its text, which is no IP literal), absent otherwise; port and
   * flag are {@code luaL_optinteger} whether or not an ip is given.
   */
  private int tx(Lua L) {
    return ctrlCall(L, c -> {
      byte[] data = dataArg(L, 2);
      Long rawIp = Args.isInteger(L, 3) ? L.toInteger(3) : null;
      String ip = rawIp == null && isString(L, 3) ? Args.checkString(fw.vm(), L, 3) : null;
      int port = (int) Args.optInteger(L, 4, 0);
      Args.optInteger(L, 5, 0); // the reserved flag
      ByteBuf buf = Unpooled.wrappedBuffer(data);
      SocketCtrl.Tx t = rawIp != null ? c.tx(buf, rawIp, port) : ip != null ? c.tx(buf, ip, port) : c.tx(buf);
      if (t == null) return 0;
      L.push(t.succ());
      L.push(t.full());
      L.push(t.acked());
      return 3;
    });
  }

  /** socket.tx data: a string (a number is its text: lua_isstring), or a zbuff's used bytes (its cursor untouched). */
  private byte[] dataArg(Lua L, int arg) {
    if (isString(L, arg)) return Args.checkBytes(fw.vm(), L, arg);
    return ZbuffLib.check(fw.vm(), L, arg).copyUsed();
  }

  /**
   * {@code socket.rx(ctrl, buff, flag, limit)} in the firmware's order: what is pending first (a
   * failure or nothing pending answers before the buffer is looked at), then the buffer, which only
   * a userdata is (anything else asks for the length), then the limit, read only when an integer and
   * held as an {@code uint32_t}: a limit below what is pending is logged, and 0 reads nothing.
   */
  private int rx(Lua L) {
    return ctrlCall(L, c -> {
      SocketCtrl.Rx r = c.rx(null, 0);
      if (r.succ() && r.length() > 0 && isUserdata(L, 2)) {
        SocketCtrl.RxSink sink = sinkOf(ZbuffLib.check(fw.vm(), L, 2));
        long limit = Args.isInteger(L, 4) ? L.toInteger(4) & 0xffffffffL : -1;
        if (limit >= 0 && r.length() > limit) logLimit(r.length(), limit);
        if (limit == 0) { // the firmware asks lwIP for 0 bytes and answers that nothing came
          L.push(true);
          L.push(0L);
          return 2;
        }
        r = c.rx(sink, Math.max(limit, 0));
      }
      L.push(r.succ());
      L.push(r.length());
      if (r.count() <= 2) return 2;
      if (r.remoteIp() == null) L.pushNil();
      else fw.vm().pushBytes(L, r.remoteIp());
      pushPort(L, r.remotePort());
      return 4;
    });
  }

  /** The firmware's debug line when a read takes less than what is pending. */
  private void logLimit(int pending, long limit) {
    fw.clog('D', "socket", "待数据数据长度 " + pending + " 限制读取长度 " + limit);
  }

  /** The zbuff as the receive side of rx: grows to used + n when it can (the firmware's auto-grow). */
  private SocketCtrl.RxSink sinkOf(Zbuff z) {
    return new SocketCtrl.RxSink() {
      @Override
      public int reserve(int n) {
        if (z.ensureRemaining(n)) return n;
        fw.clog('W', "socket", "zbuff自动扩容失败, 只能读取" + z.remaining() + "字节");
        return Math.min(n, z.remaining());
      }

      @Override
      public void write(ByteBuf src, int length) {
        byte[] bytes = new byte[length];
        src.readBytes(bytes);
        z.append(bytes, 0, length);
      }
    };
  }

  private int read(Lua L) {
    return ctrlCall(L, c -> {
      long limit = 0; // len is read only when an integer, as an uint32_t, and 0 is no limit
      if (Args.isInteger(L, 2)) {
        limit = L.toInteger(2) & 0xffffffffL;
        SocketCtrl.Rx pending = c.rx(null, 0);
        if (limit > 0 && pending.succ() && pending.length() > limit) logLimit(pending.length(), limit);
      }
      SocketCtrl.Read r = c.read(limit);
      if (r == null) return 0;
      L.push(r.succ());
      if (r.count() == 1) return 1;
      fw.vm().pushBytes(L, r.data() == null ? new byte[0] : r.data());
      if (r.count() == 2) return 2;
      if (r.remoteIp() == null) L.pushNil();
      else fw.vm().pushBytes(L, r.remoteIp());
      pushPort(L, r.remotePort());
      return 4;
    });
  }

  private int accept(Lua L) {
    return ctrlCall(L, c -> {
      Callback cb = callbackArg(L, 2);
      SocketCtrl.Accept a = c.accept(cb != null);
      if (a == null) return 0;
      L.push(a.succ());
      if (a.count() == 1) return 1;
      if (a.ctrl() == null) {
        L.pushNil();
      } else {
        a.ctrl().attach(cb);
        pushCtrl(L, a.ctrl());
      }
      if (a.count() == 2) return 2;
      if (a.clientIp() == null) L.pushNil();
      else fw.vm().pushString(L, a.clientIp());
      pushPort(L, a.clientPort());
      return 4;
    });
  }

  // --- helpers -------------------------------------------------------------------------------------

  /** A callback argument: a function, a task name (numbers count: lua_isstring), or nothing. */
  private Callback callbackArg(Lua L, int arg) {
    if (L.getTop() < arg) return null;
    switch (L.type(arg)) {
      case FUNCTION:
        L.pushValue(arg);
        return new Callback(L.ref(), null);
      case STRING:
      case NUMBER:
        return new Callback(0, new String(StringLib.toLString(fw.vm(), L, arg), StandardCharsets.UTF_8));
      default:
        return null;
    }
  }

  private void pushCtrl(Lua L, SocketCtrl c) {
    long address = fw.vm().pushUserdata(L, CTRL, c);
    addresses.put(c, address);
  }

  /** socket.release and __gc: frees the ctrl and its callback; later calls on it return nothing. */
  private void release(SocketCtrl c) {
    if (!c.isReleased()) c.release();
    if (c.attachment() instanceof Callback cb && cb.functionRef != 0 && fw.vm() != null) fw.vm().main().unref(cb.functionRef);
    c.attach(null);
  }

  private Integer adapterArg(Lua L, int arg, String fn) {
    return Args.isNoneOrNil(L, arg) ? null : (int) Args.checkInteger(L, arg);
  }

  /** A port as lua_pushinteger pushes it (a boxed Integer would be pushed as a float). */
  private static void pushPort(Lua L, Integer port) {
    if (port == null) L.pushNil();
    else L.push((long) port);
  }

  /** {@code lua_type(L, i) == LUA_TNUMBER}: a number, not a numeric string. */
  private static boolean isNumber(Lua L, int arg) {
    return !Args.isNone(L, arg) && L.type(arg) == Lua.LuaType.NUMBER;
  }

  /** {@code lua_isstring}: a string or a number. */
  private static boolean isString(Lua L, int arg) {
    return !Args.isNone(L, arg) && (L.type(arg) == Lua.LuaType.STRING || L.type(arg) == Lua.LuaType.NUMBER);
  }

  /** {@code lua_isuserdata}: a full or a light userdata. */
  private static boolean isUserdata(Lua L, int arg) {
    return !Args.isNone(L, arg) && (L.type(arg) == Lua.LuaType.USERDATA || L.type(arg) == Lua.LuaType.LIGHTUSERDATA);
  }

  private static int status(Lua L, SocketCtrl.Status s) {
    if (s == null) return 0;
    L.push(s.succ());
    L.push(s.result());
    return 2;
  }

  private static Object[] publishArgs(NetDelivery.Publish p) {
    Object[] args = new Object[p.args().size() + 1];
    args[0] = p.topic();
    for (int i = 0; i < p.args().size(); i++) args[i + 1] = p.args().get(i);
    return args;
  }

  /** Kind 2: call the global {@code name} (looked up now, as the firmware does) with {@code args}. */
  private int callGlobal(Lua L, String name, Object... args) {
    L.getGlobal(name);
    if (!L.isFunction(-1)) {
      L.pop(1);
      L.push(1);
      return 1;
    }
    L.push(2);
    L.insert(-2);
    for (Object a : args) LuaValues.push(fw.vm(), L, a);
    return 2 + args.length;
  }

  /** The event constants; adapter numbers depend on the board and are set by {@link #start}. */
  private void constants(Lua L) {
    L.push((long) SocketEvents.LINK);
    L.setField(-2, "LINK");
    L.push((long) SocketEvents.ON_LINE);
    L.setField(-2, "ON_LINE");
    L.push((long) SocketEvents.TX_OK);
    L.setField(-2, "TX_OK");
    L.push((long) SocketEvents.CLOSED);
    L.setField(-2, "CLOSED");
    L.push((long) SocketEvents.EVENT);
    L.setField(-2, "EVENT");
  }

  private final LuaFirmware fw;
  private final Map<SocketCtrl, Long> addresses = new IdentityHashMap<>(); // ctrl -> its userdata's address
  private volatile NetStack net; // this boot's; read from other threads through LuaFirmware.network()
}
