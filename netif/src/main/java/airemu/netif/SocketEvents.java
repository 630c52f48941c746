package airemu.netif;

/**
 * The event numbers a socket callback receives, as the Lua constants {@code socket.LINK} ... have them:
 * the firmware's {@code EV_NW_RESULT_*} values masked with {@code 0x0fffffff}
 * ({@code luat_lib_socket.c}), for the EC618/EC7xx build where {@code USER_EVENT_ID_START} is
 * {@code 0xf1000000} (spec 1.1).
 */
public final class SocketEvents {
  private SocketEvents() {}

  public static final int LINK = 0x02000010;
  public static final int ON_LINE = 0x02000011;
  public static final int TX_OK = 0x02000012;
  public static final int CLOSED = 0x02000013;
  public static final int EVENT = 0x02000014;

  /**
   * The raw link-state event ({@code EV_NW_STATE}) with param 0 that the firmware forwards unchanged
   * to a ctrl no API call has armed yet ("auto mode" off), on every link change of its adapter.
   */
  public static final int RAW_STATE = 0x02000001;

  /** The result events are this plus the wait target (LINK_UP 1 ... EVENT 5). */
  static final int RESULT_BASE = 0x0200000f;

  /** The constant's name ({@code ON_LINE}), or the number in hex. */
  public static String name(int event) {
    return switch (event) {
      case LINK -> "LINK";
      case ON_LINE -> "ON_LINE";
      case TX_OK -> "TX_OK";
      case CLOSED -> "CLOSED";
      case EVENT -> "EVENT";
      case RAW_STATE -> "STATE";
      default -> "0x" + Integer.toHexString(event);
    };
  }
}
