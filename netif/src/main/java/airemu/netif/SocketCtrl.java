package airemu.netif;

import io.netty.buffer.ByteBuf;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * One socket ctrl ({@code network_ctrl_t}, the userdata {@code socket.create} returns): the state
 * machine of LuatOS's {@code luat_network_adapter.c} with its state (0..7), its single wait target
 * and its flags, over one {@link Conn} at a time.
 *
 * <p>Each {@code socket.*} function has a method here that does what the firmware's does and returns
 * what the Lua function returns, as a small value the binding turns into a Lua tuple one to one. A
 * null return means the function returns nothing: every method does that once the ctrl is released
 * ({@code L_CTRL_CHECK}). All methods run on the device thread. Results arrive later as
 * {@link NetMessage}s whose {@link NetMessage#handle()} runs {@link #onEvent}.
 *
 * <p>How events become what the script sees (spec 2.12, {@code network_default_statemachine}): each
 * adapter event goes to the handler of the current state, which answers "not done" (1), "done" (0) or
 * "failed" (-1). Not done delivers nothing, except {@code EVENT,0} while new data is flagged. Done or
 * failed delivers the result event of the current wait target with param 0 or -1 (EVENT with no
 * target; CLOSED for a finished {@code discon}) and clears the target, unless a listening ctrl
 * succeeded. So a remote close while online is {@code EVENT,-1} (or {@code TX_OK,-1} while a tx is
 * pending), never CLOSED, and TX_OK is only delivered while the target is still TX_OK.
 *
 * <p>Read in the LuatOS sources where the spec is silent ({@code luat_network_adapter.c},
 * {@code net_lwip2.c}; nothing copied):
 * <ul>
 * <li>"not done" delivers {@code EVENT,0} whenever the new-data flag is set, for any event: a partial
 *     TX_OK or a link-up while data is unread also gives one.
 * <li>In states 2 and 3 every link event fails the wait, a link-up too; so a ctrl that failed and
 *     was not closed gets {@code EVENT,-1} again when the link comes back.
 * <li>An accepted ctrl inherits TCP, keepalive, timeout and local port ({@code network_socket_accept}).
 * <li>A TCP client binds any local port ({@code tcp_bind(ip, 0)}); only UDP binds the configured one.
 * <li>keepalive values reach {@code setsockopt}, which net_lwip2 leaves empty: they are stored only.
 * <li>A {@code discon} completes at once: net_lwip2 reports CLOSE_OK when {@code tcp_close} returns,
 *     without waiting for the peer's FIN.
 * <li>UDP reports TX_OK for every datagram handed to {@code udp_sendto_if}, failed or not.
 * </ul>
 */
public final class SocketCtrl {

  // states (socket.state)
  static final int LINK_OFF = 0, OFF_LINE = 1, WAIT_DNS = 2, CONNECTING = 3, SHAKEHAND = 4, ONLINE = 5,
      LISTEN = 6, DISCONNECTING = 7;
  // wait targets; the result event of a target is SocketEvents.RESULT_BASE + target
  static final int WAIT_NONE = 0, WAIT_LINK_UP = 1, WAIT_ON_LINE = 2, WAIT_TX_OK = 3, WAIT_OFF_LINE = 4,
      WAIT_EVENT = 5;

  /** The strings of {@code socket.state} ({@code prv_network_ctrl_state_string}); index 8 for any other. */
  private static final String[] STATE_NAMES = {
      "硬件离线", "离线", "等待DNS", "正在连接", "正在TLS握手", "在线", "在监听", "正在离线", "未知"};

  /** A ctrl in {@code slot} of the adapter's ctrl table ({@link NetStack#allocCtrl}). */
  SocketCtrl(NetStack stack, Netif netif, int slot) {
    this.stack = stack;
    this.netif = netif;
    this.slot = slot;
  }

  // --- results --------------------------------------------------------------------------------

  /**
   * {@code (succ, result)} of linkup, connect, discon, wait and listen: succ false means the call
   * failed; result true means done at once (linked up, closed, data pending).
   */
  public record Status(boolean succ, boolean result) {}

  /** {@code (succ, full, acked)} of {@code socket.tx}; normally {@code (true, false, false)}. */
  public record Tx(boolean succ, boolean full, boolean acked) {}

  /**
   * What {@code socket.rx} returns: the first {@code count} of {@code (succ, length, remoteIp,
   * remotePort)}. {@code (false, 0)} on failure, {@code (true, 0)} with no data, {@code (true, n)} for
   * a length query, {@code (true, n, nil, nil)} for TCP data and {@code (true, n, ip, port)} for a UDP
   * datagram, with {@code ip} in the binary form (0x00 + 4 bytes or 0x01 + 16 bytes).
   */
  public record Rx(boolean succ, int length, byte[] remoteIp, Integer remotePort, int count) {
    static final Rx FAIL = new Rx(false, 0, null, null, 2);
    static final Rx EMPTY = new Rx(true, 0, null, null, 2);
  }

  /**
   * What {@code socket.read} returns, the first {@code count} of {@code (succ, data, remoteIp,
   * remotePort)}: {@code false}; {@code (true, "")} with no data; {@code (true, data)} for TCP;
   * {@code (true, data, ip, port)} for UDP.
   */
  public record Read(boolean succ, byte[] data, byte[] remoteIp, Integer remotePort, int count) {
    static final Read FAIL = new Read(false, null, null, null, 1);
    static final Read EMPTY = new Read(true, new byte[0], null, null, 2);
  }

  /**
   * What {@code socket.accept} returns, the first {@code count} of {@code (succ, ctrl, clientIp,
   * clientPort)}: {@code (true, newCtrl, ip, port)} for a client handed to a new ctrl,
   * {@code (true, nil, ip, port)} for the listening ctrl's own client, {@code (false, nil)} otherwise.
   * A new ctrl needs its callback attached by the binding.
   */
  public record Accept(boolean succ, SocketCtrl ctrl, String clientIp, Integer clientPort, int count) {
    static final Accept FAIL = new Accept(false, null, null, null, 2);
  }

  /** {@code socket.state}: the number and its Chinese name. */
  public record State(int code, String name) {}

  /**
   * Where {@code socket.rx} puts bytes: the binding's zbuff. The ctrl asks for room first, then
   * writes at most that much.
   */
  public interface RxSink {
    /**
     * Makes room for {@code n} more bytes if possible (the zbuff grows to {@code used + n}); returns
     * how many it can take now, from 0 to {@code n}.
     */
    int reserve(int n);

    /** Appends {@code length} bytes from {@code src} at its reader index, advancing it. */
    void write(ByteBuf src, int length);
  }

  // --- identity for the binding -----------------------------------------------------------------

  /** The adapter index ({@code adapter_index}), for the {@code sys_pub("NWCTRL*", ...)} fallback. */
  public int adapterNumber() {
    return netif.number();
  }

  /** The OS socket number ({@code socket_id}), -1 without a socket. */
  public int socketId() {
    return socketId;
  }

  /** What the binding keeps with the ctrl: its callback function or task name. */
  public Object attachment() {
    return attachment;
  }

  public void attach(Object attachment) {
    this.attachment = attachment;
  }

  public boolean isReleased() {
    return released;
  }

  // --- socket.* -------------------------------------------------------------------------------

  /**
   * {@code socket.debug(ctrl, onoff)}: with it on, the adapter layer prints its {@code DBG} lines
   * for this ctrl ({@code luat_network_adapter.c}, guarded by {@code ctrl->is_debug}): each adapter
   * event before and after the state machine handles it, a DNS answer nobody waits for, and the
   * local port a client picks. Returns nothing.
   */
  public void debug(boolean on) {
    if (!released) debug = on;
  }

  /** {@code socket.config} without certificates: {@code tls} true is TLS that verifies nothing. */
  public Boolean config(int localPort, boolean udp, boolean tls, long keepIdle, long keepInterval, long keepCnt) {
    return config(localPort, udp, tls ? TlsArgs.NONE : null, keepIdle, keepInterval, keepCnt);
  }

  /**
   * {@code socket.config}: {@code localPort} (0: automatic; only a UDP socket binds it, a TCP client
   * takes any port as lwIP does), UDP or TCP, TLS ({@code tls} null: none, and any earlier TLS
   * configuration is dropped), and the keepalive values, which are stored only (net_lwip2 ignores
   * them too). Until the first config a ctrl is UDP. The TLS arguments are read as
   * {@link TlsSettings} says; one that does not parse logs the firmware's error and makes this
   * return false, with the rest configured all the same. Returns true otherwise.
   */
  public Boolean config(int localPort, boolean udp, TlsArgs tls, long keepIdle, long keepInterval, long keepCnt) {
    if (released) return null;
    this.tcp = !udp;
    this.localPort = localPort & 0xffff;
    this.keepIdle = keepIdle;
    this.keepInterval = keepInterval;
    this.keepCnt = keepCnt;
    this.tls = tls == null ? null : TlsSettings.parse(udp, tls);
    if (this.tls != null && this.tls.failure() != null) {
      stack.log('E', "socket", this.tls.failure());
      return false;
    }
    return true;
  }

  /** {@code socket.linkup}: {@code (true, true)} and state 1 when the adapter is ready, else state 0 and LINK later. */
  public Status linkup() {
    if (released) return null;
    autoMode = true;
    if (netif.isReady()) {
      state = OFF_LINE;
      waitTarget = WAIT_NONE;
      return DONE;
    }
    state = LINK_OFF;
    waitTarget = WAIT_LINK_UP;
    return PENDING;
  }

  /**
   * {@code socket.connect(ctrl, host, port, ipv6_dns)} with a domain or an IP literal: {@code (true,
   * false)} and ON_LINE later, or {@code (false, false)} when the ctrl still has a socket. Port 0 with
   * a domain only resolves it (state 1 and ON_LINE,0). {@code port} is taken as lwIP's 16 bits.
   */
  public Status connect(String host, int port, boolean ipv6Dns) {
    if (released) return null;
    stack.log('D', "socket", "connect to " + host + "," + (port & 0xffff));
    return startConnect(host, null, port, ipv6Dns);
  }

  /**
   * {@code socket.connect} with an integer: a raw IPv4 address as lwIP stores it, the first octet in
   * the low byte ({@code 0x0100007F} is 127.0.0.1).
   */
  public Status connect(long rawIpv4, int port) {
    if (released) return null;
    stack.log('D', "socket", "connect to (null)," + (port & 0xffff));
    return startConnect("", Addresses.fromRawIpv4(rawIpv4), port, ipv6Dns);
  }

  /**
   * {@code socket.discon}: an online TCP socket closes gracefully, {@code (true, false)}, state 7,
   * then CLOSED,0 and state 1; anything else closes at once, {@code (true, true)}, state 1.
   */
  public Status discon() {
    if (released) return null;
    int old = state;
    autoMode = true;
    needClose = false;
    newRx = false;
    if (conn == null) {
      state = OFF_LINE;
      waitTarget = WAIT_NONE;
      return DONE;
    }
    state = DISCONNECTING;
    waitTarget = WAIT_OFF_LINE;
    if (old == ONLINE && tcp && conn.disconnect()) return PENDING;
    forceClose();
    state = OFF_LINE;
    waitTarget = WAIT_NONE;
    return DONE;
  }

  /**
   * {@code socket.close}: frees the socket, the buffered data, the DNS results and the wait target;
   * the numeric state stays as it was. Returns nothing.
   */
  public void close() {
    if (!released) forceClose();
  }

  /**
   * {@code socket.tx(ctrl, data)} (ownership of {@code data} passes here). {@code (true, false,
   * false)} when queued, with the wait target set to TX_OK; {@code (false, true, false)} when the ctrl
   * is not online with a socket (the firmware's second value is uninitialised there) or too much is
   * already queued (a module's out-of-memory; the ctrl must then be closed).
   */
  public Tx tx(ByteBuf data) {
    return send(data, null, 0);
  }

  /**
   * {@code socket.tx(ctrl, data, ip, port)}: for UDP, {@code ip} (an IP literal; anything else means
   * no override) and {@code port} address this datagram; TCP ignores them.
   */
  public Tx tx(ByteBuf data, String ip, int port) {
    return send(data, ip == null ? null : Addresses.parseLiteral(ip), port);
  }

  /** {@code socket.tx(ctrl, data, ip, port)} with a raw IPv4 integer. */
  public Tx tx(ByteBuf data, long rawIpv4, int port) {
    return send(data, Addresses.fromRawIpv4(rawIpv4), port);
  }

  /**
   * {@code socket.rx(ctrl, buff, flag, limit)}. {@code sink} null is the length query
   * ({@code socket.rx(ctrl)}). {@code limit} > 0 reads at most that many bytes: TCP keeps the rest,
   * UDP drops the rest of the datagram. A read clears the new-data flag, so unread TCP data raises
   * no new EVENT.
   */
  public Rx rx(RxSink sink, long limit) {
    if (released) return null;
    if (!canRead()) return Rx.FAIL;
    autoMode = true;
    int pending = conn.pending(!tcp);
    if (pending == 0) return Rx.EMPTY;
    if (sink == null) return new Rx(true, pending, null, null, 2);
    int want = limit > 0 && limit < pending ? (int) limit : pending;
    int room = sink.reserve(want);
    if (room <= 0) return Rx.FAIL;
    newRx = false;
    Conn.Taken t = conn.take(Math.min(room, want), sink, !tcp);
    if (t.length() == 0) return Rx.EMPTY;
    if (tcp) return new Rx(true, t.length(), null, null, 4);
    return new Rx(true, t.length(), Addresses.binary(t.sender()), t.sender().getPort(), 4);
  }

  /** {@code socket.read(ctrl, len)}: as {@link #rx} into a new byte array; {@code limit} > 0 limits it. */
  public Read read(long limit) {
    if (released) return null;
    if (!canRead()) return Read.FAIL;
    autoMode = true;
    int pending = conn.pending(!tcp);
    if (pending == 0) return Read.EMPTY;
    int want = limit > 0 && limit < pending ? (int) limit : pending;
    newRx = false;
    ArraySink out = new ArraySink(want);
    Conn.Taken t = conn.take(want, out, !tcp);
    byte[] data = out.bytes();
    if (tcp) return new Read(true, data, null, null, 2);
    return new Read(true, data, Addresses.binary(t.sender()), t.sender().getPort(), 4);
  }

  /**
   * {@code socket.wait}: {@code (true, true)} at once while new data is flagged; {@code (false,
   * false)} when not online; else {@code (true, false)} and EVENT later. Sets the wait target to
   * EVENT, which cancels a pending TX_OK.
   */
  public Status waitEvent() {
    if (released) return null;
    if (newRx) {
      waitTarget = WAIT_EVENT;
      return DONE;
    }
    if (needClose || conn == null || state != ONLINE) return FAIL;
    autoMode = true;
    waitTarget = WAIT_EVENT;
    return PENDING;
  }

  /**
   * {@code socket.listen(ctrl, multi_client)} on the configured local port: {@code (true, false)},
   * state 3 then 6, and ON_LINE,0 per client. With {@code multiClient} 0 the first client makes this
   * ctrl state 5; with n > 0 it stays listening and each client waits for {@link #accept}.
   */
  public Status listen(int multiClient) {
    if (released) return null;
    boolean canAccept = netif.kind().supportsAccept();
    if (multiClient > 0 && !canAccept) {
      stack.log('E', "socket", "目标适配器不支持1对多客户端连接模式");
      return FAIL;
    }
    if (state == LISTEN) return new Status(true, !canAccept);
    if (conn != null) return FAIL;
    this.multiClient = Math.max(0, multiClient);
    serverMode = true;
    autoMode = true;
    needClose = false;
    waitTarget = WAIT_ON_LINE;
    if (!netif.isReady()) {
      state = LINK_OFF;
      return PENDING;
    }
    if (startListen() < 0) {
      closeSocket();
      state = OFF_LINE;
      waitTarget = WAIT_NONE;
      stack.log('E', "socket", "listen fail -1 adapter " + netif.number() + " port " + localPort);
      return FAIL;
    }
    state = CONNECTING;
    return PENDING;
  }

  /**
   * {@code socket.accept(ctrl, cb)}. On a multi-client listener, with a callback, on an adapter that
   * can accept: the next waiting client goes to a new ctrl on the same adapter, in state 5, armed,
   * with this ctrl's TCP, keepalive and port settings. A single-client listener reports its own
   * client, callback or not. Anything else fails.
   */
  public Accept accept(boolean withCallback) {
    if (released) return null;
    if (withCallback && multiClient > 0 && netif.kind().supportsAccept()) {
      SocketCtrl child = stack.allocCtrl(netif);
      if (child == null) {
        stack.log('D', "socket", "create fail");
        return Accept.FAIL;
      }
      TcpConn client = conn instanceof Listener l ? l.poll() : null;
      if (client == null) {
        child.release();
        return Accept.FAIL;
      }
      child.adopt(this, client);
      InetSocketAddress peer = client.remote();
      return new Accept(true, child, Addresses.text(peer.getAddress()), peer.getPort(), 4);
    }
    if (state == ONLINE && conn instanceof TcpConn t && t.accepted && t.remote() != null) {
      InetSocketAddress peer = t.remote();
      return new Accept(true, null, Addresses.text(peer.getAddress()), peer.getPort(), 4);
    }
    return Accept.FAIL;
  }

  /**
   * {@code socket.release}: closes the socket and frees the ctrl's slot; afterwards every method
   * returns null and queued events for it are ignored. Twice is harmless.
   */
  public void release() {
    if (released) return;
    forceClose();
    released = true;
    netif.ctrls.remove(this);
    netif.table.free(slot);
  }

  /** {@code socket.state}. */
  public State state() {
    if (released) return null;
    return new State(state, stateName());
  }

  private String stateName() {
    return STATE_NAMES[Math.min(state, 8)];
  }

  /**
   * {@code socket.remoteIP}: the addresses of the last DNS answer of a connect to a domain, as text,
   * padded with nulls to 4 (all null after an IP literal, before the answer, after close).
   */
  public List<String> remoteIp() {
    String[] out = new String[4];
    if (!released && dnsIps != null) {
      for (int i = 0; i < dnsIps.size() && i < 4; i++) out[i] = Addresses.text(dnsIps.get(i));
    }
    return Collections.unmodifiableList(Arrays.asList(out));
  }

  @Override
  public String toString() {
    return "SocketCtrl(" + netif.name() + ", state " + state + ", wait " + waitTarget + (released ? ", released" : "") + ")";
  }

  // --- the state machine (device thread) ---------------------------------------------------------

  /**
   * Queues {@code d}, a result of this machine, behind the bus's current messages: a link change's
   * result (see {@link NetStack}) and everything this ctrl makes after it until that is delivered,
   * so the script receives the ctrl's results in the order the machine made them.
   */
  void queueResult(NetDelivery d) {
    queuedResults++;
    stack.post(new LinkResult(this, d));
  }

  /** A result queued by {@link #queueResult} reaches the bus's head; nothing once released. */
  NetDelivery takeQueuedResult(NetDelivery d) {
    queuedResults--;
    return released ? NetDelivery.NONE : d;
  }

  /**
   * An adapter event from the bus: its result goes to the script now, or behind the results still
   * queued for this ctrl.
   */
  NetDelivery deliver(SocketMessage m) {
    NetDelivery d = onEvent(m);
    if (d == NetDelivery.NONE || queuedResults == 0) return d;
    queueResult(d);
    return NetDelivery.NONE;
  }

  /** Runs one adapter event through the machine and says what the script receives. */
  NetDelivery onEvent(SocketMessage m) {
    if (released) return NetDelivery.NONE;
    Ev ev = m.ev;
    if (ev == Ev.DNS_RESULT) {
      if (waitTarget != WAIT_ON_LINE) { // an answer nobody waits for
        if (debug) debugLine(CALLBACK, SKIPPED_LINE, "socket event:" + ev.hex() + "(" + ev.text() + "),wait:" + waitName());
        return NetDelivery.NONE;
      }
      if (m.source != dnsQuery) return NetDelivery.NONE; // the answer to a query dropped since
    } else if (ev != Ev.STATE && m.source != conn) {
      return NetDelivery.NONE; // from a socket this ctrl has closed since
    }
    if (!autoMode) return ev == Ev.STATE ? result(SocketEvents.RAW_STATE, 0) : NetDelivery.NONE;
    if (!debug) return machine(m);
    // the link-state loop of network_default_socket_callback prints from other lines than the socket events
    int line = ev == Ev.STATE ? LINK_BEFORE_LINE : BEFORE_LINE;
    debugLine(CALLBACK, line, "before process socket " + socketId + ",event:" + ev.hex() + "(" + ev.text() + "),state:"
        + state + "(" + stateName() + "),wait:" + waitName());
    NetDelivery d = machine(m);
    debugLine(CALLBACK, line + 4, "after process socket " + socketId + ",state:" + state + "(" + stateName() + "),wait:" + waitName());
    return d;
  }

  /**
   * A state handler's "not done" for new data: no result, but EVENT(0) goes out, as it does on
   * the firmware for flagged data; unlike {@code newRx} it holds also when a read took the data
   * before its message came.
   */
  private static final int RX_ANNOUNCED = 2;

  /**
   * {@code network_default_statemachine}: the handler of the current state (-1 failed, 0 done, a
   * positive value not done), then the result.
   */
  private NetDelivery machine(SocketMessage m) {
    boolean closing = state == DISCONNECTING && waitTarget == WAIT_OFF_LINE;
    int r = switch (state) {
      case LINK_OFF -> linkOff(m);
      case OFF_LINE -> 1;
      case WAIT_DNS -> waitDns(m);
      case CONNECTING -> connecting(m);
      case SHAKEHAND -> shakehand(m);
      case ONLINE -> online(m);
      case LISTEN -> listening(m);
      case DISCONNECTING -> disconnecting(m);
      default -> -1;
    };
    if (r > 0) return newRx || r == RX_ANNOUNCED ? result(SocketEvents.EVENT, 0) : NetDelivery.NONE;
    int event = closing && waitTarget == WAIT_NONE
        ? SocketEvents.CLOSED
        : SocketEvents.RESULT_BASE + (waitTarget == WAIT_NONE ? WAIT_EVENT : waitTarget);
    if (state != LISTEN || r < 0) waitTarget = WAIT_NONE;
    return result(event, r);
  }

  private int linkOff(SocketMessage m) {
    if (m.ev == Ev.STATE && m.param != 0) {
      state = OFF_LINE;
      if (waitTarget == WAIT_LINK_UP) return 0;
      if (waitTarget == WAIT_ON_LINE) {
        if (serverMode) {
          if (startListen() < 0) return -1;
          state = CONNECTING;
        } else if (prepareConnect() < 0) {
          return -1;
        }
      }
    }
    return 1;
  }

  private int waitDns(SocketMessage m) {
    if (needClose || waitTarget != WAIT_ON_LINE) return -1;
    switch (m.ev) {
      case RESET, ERROR, STATE:
        return -1; // a link-up here fails too, as in the firmware
      case DNS_RESULT:
        if (m.addresses.isEmpty()) {
          dnsIps = null;
          return -1;
        }
        dnsIps = m.addresses;
        if (remotePort == 0) { // "DNS only": resolved, nothing to connect
          state = OFF_LINE;
          return 0;
        }
        dnsIndex = 0;
        if (baseConnect(dnsIps.get(0)) < 0) {
          forceClose();
          return -1;
        }
        state = CONNECTING;
        return 1;
      default:
        return 1;
    }
  }

  private int connecting(SocketMessage m) {
    if (needClose || waitTarget != WAIT_ON_LINE) return -1;
    switch (m.ev) {
      case RESET, STATE:
        return -1; // a link-up as well as a link-down (network_state_connecting)
      case ERROR, REMOTE_CLOSE, CLOSE_OK:
        // an IP target has one chance; a domain tries the next address of the DNS answer
        if (remoteIp != null || dnsIps == null) return -1;
        dnsIndex++;
        if (dnsIndex >= dnsIps.size()) return -1;
        if (baseConnect(dnsIps.get(dnsIndex)) < 0) {
          forceClose();
          return -1;
        }
        state = CONNECTING;
        return 1;
      case LISTEN:
        if (!serverMode) return -1;
        state = LISTEN;
        return 1;
      case CONNECT_OK:
        if (tls != null) {
          // the handshake (TlsHandler or DtlsHandler in the channel pipeline) runs in state 4 and
          // reports its end as CONNECT_OK (state 5, ON_LINE,0) or ERROR (ON_LINE,-1)
          state = SHAKEHAND;
          return 1;
        }
        state = ONLINE;
        return 0;
      default:
        return 1;
    }
  }

  private int shakehand(SocketMessage m) {
    if (needClose || (waitTarget != WAIT_ON_LINE && waitTarget != WAIT_TX_OK)) return -1;
    switch (m.ev) {
      case ERROR:
        // a failed handshake carries mbedtls's error; a socket error does not
        if (m.param != 0) stack.logRaw("TLS handshake failed 0x" + Integer.toHexString(m.param) + " !!");
        needClose = true;
        return -1;
      case RESET, REMOTE_CLOSE, CLOSE_OK:
        needClose = true;
        return -1;
      case STATE:
        if (m.param == 0) {
          needClose = true;
          return -1;
        }
        return 1;
      case TX_OK:
        ackSize += m.param;
        return 1;
      case CONNECT_OK: // the TLS handler's "handshake done"
        state = ONLINE;
        return 0;
      default:
        return 1;
    }
  }

  private int online(SocketMessage m) {
    if (needClose || waitTarget == WAIT_OFF_LINE) return -1;
    switch (m.ev) {
      case RESET, ERROR, REMOTE_CLOSE, CLOSE_OK:
        needClose = true;
        return -1;
      case STATE:
        if (m.param == 0) {
          needClose = true;
          return -1;
        }
        return 1;
      case TX_OK:
        // all queued bytes reported; net_lwip2's check_ack then finds nothing unacknowledged
        ackSize += m.param;
        return waitTarget == WAIT_TX_OK && ackSize == txSize ? 0 : 1;
      case RX_NEW:
        // the event goes out either way, as it did the moment the data arrived; the flag only if
        // no read has taken the data since (luat_network_adapter.c network_rx clears it)
        newRx = conn.arrivedSinceRead();
        return waitTarget != WAIT_TX_OK ? 0 : RX_ANNOUNCED;
      default:
        return 1;
    }
  }

  private int listening(SocketMessage m) {
    if (needClose || waitTarget == WAIT_OFF_LINE) return -1;
    switch (m.ev) {
      case RESET, ERROR, REMOTE_CLOSE, CLOSE_OK:
        needClose = true;
        return -1;
      case STATE:
        if (m.param == 0) {
          needClose = true;
          return -1;
        }
        return 1;
      case NEW_CONNECT, CONNECT_OK:
        if (serverMode && multiClient > 0) return 0; // stays listening, the client waits for accept
        takeSingleClient();
        state = ONLINE;
        return 0;
      default:
        return 1;
    }
  }

  private int disconnecting(SocketMessage m) {
    if (waitTarget != WAIT_OFF_LINE) return -1;
    switch (m.ev) {
      case RESET, ERROR, REMOTE_CLOSE, CLOSE_OK:
        forceClose();
        state = OFF_LINE;
        return 0;
      case STATE:
        if (m.param != 0) {
          forceClose();
          state = OFF_LINE;
        }
        return -1;
      default:
        return 1;
    }
  }

  // --- firmware helpers -------------------------------------------------------------------------

  private Status startConnect(String domain, InetAddress ip, int port, boolean ipv6Dns) {
    if (conn != null) return FAIL;
    serverMode = false;
    txSize = 0;
    ackSize = 0;
    dnsIps = null;
    needClose = false;
    this.domain = domain;
    this.remoteIp = ip;
    this.ipv6Dns = ipv6Dns;
    autoMode = true;
    remotePort = port & 0xffff;
    waitTarget = WAIT_ON_LINE;
    if (!netif.isReady()) {
      state = LINK_OFF;
      return PENDING;
    }
    if (prepareConnect() < 0) {
      state = OFF_LINE;
      waitTarget = WAIT_NONE;
      return FAIL;
    }
    return PENDING;
  }

  /** {@code network_prepare_connect}: connect to the IP, or start DNS for the domain. */
  private int prepareConnect() {
    if (remoteIp == null) {
      if (domain == null) return -1;
      InetAddress literal = Addresses.parseLiteral(domain);
      if (literal == null) {
        Object query = new Object();
        dnsQuery = query;
        stack.dns().resolve(netif, domain, ipv6Dns,
            answer -> stack.post(new SocketMessage(this, query, Ev.DNS_RESULT, answer.size(), answer)));
        state = WAIT_DNS;
        return 0;
      }
      remoteIp = literal;
    }
    if (baseConnect(remoteIp) < 0) {
      forceClose();
      return -1;
    }
    state = CONNECTING;
    return 0;
  }

  /** {@code network_base_connect} for a client: a fresh socket connecting to {@code ip}. */
  private int baseConnect(InetAddress ip) {
    closeSocket();
    int id = netif.allocSocketId();
    if (id < 0) return -1;
    socketId = id;
    InetSocketAddress remote = new InetSocketAddress(ip, remotePort);
    target = remote;
    if (localPort == 0) { // network_socket_connect counts the adapter's automatic ports, debug or not
      int port = netif.nextAutoPort();
      if (debug) debugLine("network_socket_connect", AUTO_PORT_LINE, "network " + netif.number() + "-" + slot + " local port auto select " + port);
    }
    stack.log('D', "net", "adapter " + netif.number() + " connect " + Addresses.text(ip) + ":" + remotePort
        + (tcp ? " TCP" : " UDP"));
    if (Addresses.isIpv6(ip) && !netif.config().ipv6()) {
      conn = TcpConn.unreachable(stack, this); // no local IPv6 address: lwIP reports a socket error
    } else if (tcp && stack.faults(netif.number()).unreachable(domain, ip)) {
      // no route to the host: lwIP's tcp_connect returns ERR_RTE and net_lwip2 reports a socket error
      stack.log('D', "net", "adapter " + netif.number() + " socket " + id + " connect error -4");
      conn = TcpConn.unreachable(stack, this);
    } else if (tcp) {
      conn = TcpConn.connect(stack, this, remote, tls, domain);
    } else {
      conn = UdpConn.open(stack, this, remote, localPort, tls, domain);
    }
    return 0;
  }

  /** {@code network_base_connect(ctrl, NULL)}: a listening socket on the local port. */
  private int startListen() {
    closeSocket();
    if (!tcp) return -1; // a UDP ctrl cannot listen; UDP servers use connect("255.255.255.255", 0)
    int id = netif.allocSocketId();
    if (id < 0) return -1;
    socketId = id;
    conn = Listener.open(stack, this, localPort, multiClient);
    return 0;
  }

  /** Single-client mode: the first client becomes this ctrl's connection; the port stops listening. */
  private void takeSingleClient() {
    if (!(conn instanceof Listener l)) return;
    TcpConn client = l.poll();
    l.close();
    conn = client;
    if (client != null) client.bind(this);
  }

  /** Makes this new ctrl the owner of an accepted client of {@code server}. */
  private void adopt(SocketCtrl server, TcpConn client) {
    tcp = server.tcp;
    keepIdle = server.keepIdle;
    keepInterval = server.keepInterval;
    keepCnt = server.keepCnt;
    localPort = server.localPort;
    state = ONLINE;
    autoMode = true; // our choice: an accepted ctrl reports EVENT on its first data
    socketId = netif.allocSocketId();
    conn = client;
    client.bind(this);
  }

  private Tx send(ByteBuf data, InetAddress to, int port) {
    if (released) {
      data.release();
      return null;
    }
    if (needClose || conn == null || state != ONLINE) {
      data.release();
      return TX_FAIL;
    }
    autoMode = true;
    int len = data.readableBytes();
    if (!conn.canQueue(len) || (tls != null && !tcp && len > DtlsHandler.MAX_RECORD)) {
      // a DTLS datagram longer than a record: mbedtls_ssl_write refuses it (MBEDTLS_ERR_SSL_BAD_INPUT_DATA)
      data.release();
      needClose = true;
      return TX_FAIL;
    }
    if (conn instanceof TcpConn t) {
      if (len > 0) {
        t.write(data);
      } else {
        data.release(); // nothing to send: lwIP queues nothing and reports nothing
      }
    } else if (conn instanceof UdpConn u) {
      InetSocketAddress dest = to != null ? new InetSocketAddress(to, port & 0xffff) : target;
      if (stack.faults(netif.number()).unreachable(to != null ? null : domain, dest.getAddress())) {
        u.unroutable(data); // lwIP's udp_sendto finds no route; net_lwip2 reports TX_OK all the same
      } else {
        u.write(data, dest);
      }
    } else {
      data.release();
      return TX_FAIL;
    }
    txSize += len;
    waitTarget = WAIT_TX_OK;
    return TX_QUEUED;
  }

  private boolean canRead() {
    // after a remote close, data already received stays readable while it is flagged as new
    return !(needClose && !newRx) && conn != null && state == ONLINE;
  }

  /** {@code network_force_close_socket}: no socket, no flags, no DNS answer, no wait target. */
  private void forceClose() {
    closeSocket();
    needClose = false;
    newRx = false;
    dnsIps = null;
    dnsIndex = 0;
    domain = null;
    dnsQuery = null;
    waitTarget = WAIT_NONE;
  }

  private void closeSocket() {
    if (conn != null) {
      conn.close();
      conn = null;
    }
    if (socketId >= 0) {
      netif.freeSocketId(socketId);
      socketId = -1;
    }
  }

  /** The adapter lost its IP: the socket gets no more traffic (its buffered data stays readable). */
  void linkLost() {
    if (conn != null) conn.sever();
  }

  boolean hasSocket() {
    return conn != null;
  }

  /** For tests and tools: the current socket, or null. */
  Conn conn() {
    return conn;
  }

  int waitTarget() {
    return waitTarget;
  }

  boolean newDataFlag() {
    return newRx;
  }

  private NetDelivery result(int event, int param) {
    return new NetDelivery.SocketEvent(this, event, param);
  }

  /**
   * A {@code DBG} line of {@code luat_network_adapter.c}, for a ctrl with {@code socket.debug} on:
   * printed raw as {@code DBG_Printf("%s %d:...")} does, with the function and the line of the 2026
   * firmware ({@code network_default_socket_callback 1123:before process socket 1,...} in module logs).
   */
  private void debugLine(String function, int line, String text) {
    stack.logRaw(function + " " + line + ":" + text);
  }

  /** The wait target and its name, as the debug lines print it: {@code 2(等待连接完成)}. */
  private String waitName() {
    return waitTarget + "(" + WAIT_NAMES[waitTarget] + ")";
  }

  /** Collects the bytes of {@code socket.read}. */
  private static final class ArraySink implements RxSink {
    private final byte[] out;
    private int n;

    ArraySink(int size) {
      out = new byte[size];
    }

    @Override
    public int reserve(int want) {
      return Math.min(want, out.length - n);
    }

    @Override
    public void write(ByteBuf src, int length) {
      src.readBytes(out, n, length);
      n += length;
    }

    byte[] bytes() {
      return n == out.length ? out : Arrays.copyOf(out, n);
    }
  }

  /** The wait targets as the adapter's debug lines name them ({@code prv_network_ctrl_wait_state_string}). */
  private static final String[] WAIT_NAMES = {"无等待", "等待硬件上线", "等待连接完成", "等待发送完成", "等待离线完成", "等待任意网络变化"};
  // Where the adapter's DBG lines come from, as 2026 firmware prints them (logs of LuatOS-SoC V2018,
  // 2026-04): the socket events of network_default_socket_callback at 1123 (before) and 1127 (after),
  // its link-state loop 36 lines further down, the skipped DNS answer 5 lines up, and
  // network_socket_connect's automatic port at 1610. Older firmware prints other numbers.
  private static final String CALLBACK = "network_default_socket_callback";
  private static final int BEFORE_LINE = 1123, LINK_BEFORE_LINE = BEFORE_LINE + 36, SKIPPED_LINE = BEFORE_LINE - 5,
      AUTO_PORT_LINE = 1610;

  private static final Status DONE = new Status(true, true);
  private static final Status PENDING = new Status(true, false);
  private static final Status FAIL = new Status(false, false);
  private static final Tx TX_QUEUED = new Tx(true, false, false);
  private static final Tx TX_FAIL = new Tx(false, true, false);

  private final NetStack stack;
  private final Netif netif;
  private final int slot; // in the adapter's ctrl table
  private Object attachment; // the binding's callback or task name

  private int state = LINK_OFF; // socket.state, 0..7
  private int waitTarget = WAIT_NONE; // the one result the last API call waits for
  private boolean autoMode; // armed by the first linkup/connect/listen/tx/rx/wait/discon
  private boolean needClose; // failed while online: rx (once drained), tx and wait fail from now on
  private boolean newRx; // data arrived and no read happened since: wait returns (true, true)
  private boolean serverMode; // the last start was listen, not connect
  private boolean released;
  private boolean debug; // socket.debug: the adapter layer's DBG lines for this ctrl
  private int queuedResults; // results on the bus not delivered yet (queueResult)

  // socket.config; a ctrl that was never configured is UDP
  private boolean tcp;
  private TlsSettings tls; // null: no TLS
  private int localPort;
  private long keepIdle, keepInterval, keepCnt;
  private int multiClient; // listen(ctrl, n): 0 single client, n > 0 clients handed to accept

  // the current connect
  private String domain; // the host argument, or "" for an integer IP
  private InetAddress remoteIp; // an IP target (literal or integer); null for a domain
  private int remotePort;
  private boolean ipv6Dns;
  private Object dnsQuery; // the DNS query whose answer is awaited
  private List<InetAddress> dnsIps; // the last DNS answer, at most 4 addresses
  private int dnsIndex; // which of dnsIps is being tried
  private InetSocketAddress target; // the address being connected, UDP's default destination
  private long txSize, ackSize; // bytes queued and reported sent since the connect

  private Conn conn; // the OS socket, or null
  private int socketId = -1;

}
