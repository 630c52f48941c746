package airemu.netif;

/**
 * The adapter events the socket state machine reacts to: the {@code EV_NW_*} events an adapter
 * reports to {@code network_default_statemachine} in LuatOS ({@code luat_network_adapter.h}), as
 * our transports produce them. They never reach the script themselves; the machine turns them into
 * the result events of {@link SocketEvents}.
 */
enum Ev {
  /** The adapter was reset. */
  RESET,
  /** The adapter's link (IP ready) changed; param 1 up, 0 down. Sent to every ctrl of the adapter. */
  STATE,
  /** A DNS answer; empty when resolution failed. */
  DNS_RESULT,
  /** param bytes left the host socket (our stand-in for lwIP's ACK). */
  TX_OK,
  /** param new bytes (TCP) or one datagram of param bytes (UDP) were queued. */
  RX_NEW,
  /** The local close of a {@code discon} completed. */
  CLOSE_OK,
  /** The peer closed the TCP connection. */
  REMOTE_CLOSE,
  /** TCP connected, or the UDP socket was bound. */
  CONNECT_OK,
  /** The socket failed: connection refused or reset, timeout, bind error. */
  ERROR,
  /** The listening socket is bound. */
  LISTEN,
  /** A client connected to a listening socket. */
  NEW_CONNECT
}
