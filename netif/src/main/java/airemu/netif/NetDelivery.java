package airemu.netif;

import java.util.List;

/** What one {@link NetMessage} delivers to the script. */
public sealed interface NetDelivery {

  /** Nothing: the event changed state only, or was stale. */
  None NONE = new None();

  /** Nothing for the script. */
  final class None implements NetDelivery {
    private None() {}

    @Override
    public String toString() {
      return "None";
    }
  }

  /**
   * One socket result for {@code ctrl}: {@code event} is one of {@link SocketEvents} (already masked,
   * as Lua sees it) and {@code param} is 0 (success, or "maybe new data") or -1 (failure).
   */
  record SocketEvent(SocketCtrl ctrl, int event, int param) implements NetDelivery {
    @Override
    public String toString() {
      return SocketEvents.name(event) + "," + param;
    }
  }

  /**
   * A firmware publish, {@code sys_pub(topic, args...)}: {@code IP_READY} with {@code (ip, adapter)},
   * {@code IP_LOSE} with {@code (adapter)}, and the drivers' own ({@code WLAN_STA_INC},
   * {@code W5500_IND}, {@code NTP_UPDATE}, ...). Arguments are Strings, Longs and byte arrays (raw
   * Lua strings, such as a BSSID).
   */
  record Publish(String topic, List<Object> args) implements NetDelivery {
    public Publish {
      args = List.copyOf(args);
    }
  }
}
