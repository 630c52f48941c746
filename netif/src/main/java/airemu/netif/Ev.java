package airemu.netif;

/**
 * The adapter events the socket state machine reacts to: the {@code EV_NW_*} events an adapter
 * reports to {@code network_default_statemachine} in LuatOS ({@code luat_network_adapter.h}), as
 * our transports produce them. They never reach the script themselves; the machine turns them into
 * the result events of {@link SocketEvents}. Each has its firmware number and the name the
 * adapter's debug lines print ({@code prv_network_event_id_string}), for {@code socket.debug}.
 */
enum Ev {
  /** The adapter was reset. */
  RESET(0, "适配器复位"),
  /** The adapter's link (IP ready) changed; param 1 up, 0 down. Sent to every ctrl of the adapter. */
  STATE(1, "LINK状态变更"),
  /** A DNS answer; empty when resolution failed. */
  DNS_RESULT(3, "DNS结果"),
  /** param bytes left the host socket (our stand-in for lwIP's ACK). */
  TX_OK(4, "发送成功"),
  /** param new bytes (TCP) or one datagram of param bytes (UDP) were queued. */
  RX_NEW(5, "有新的数据"),
  /** The local close of a {@code discon} completed. */
  CLOSE_OK(7, "断开成功"),
  /** The peer closed the TCP connection. */
  REMOTE_CLOSE(8, "对端关闭"),
  /** TCP connected, or the UDP socket was bound. */
  CONNECT_OK(9, "连接成功"),
  /** The socket failed: connection refused or reset, timeout, bind error. */
  ERROR(10, "连接异常"),
  /** The listening socket is bound. */
  LISTEN(11, "开始监听"),
  /** A client connected to a listening socket. */
  NEW_CONNECT(12, "新的客户端来了");

  Ev(int offset, String text) {
    this.id = EV_NW_RESET + offset;
    this.text = text;
  }

  /** The firmware's event id as its debug lines print it, unmasked ({@code 0xf2000009} for CONNECT_OK). */
  String hex() {
    return "0x" + Integer.toHexString(id);
  }

  /** {@code network_ctrl_event_id_string}: the event's Chinese name. */
  String text() {
    return text;
  }

  /** {@code EV_NW_RESET}: {@code USER_EVENT_ID_START} (0xf1000000) + 0x1000000 (spec 1.1). */
  private static final int EV_NW_RESET = 0xf2000000;
  private final int id;
  private final String text;
}
