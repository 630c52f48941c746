package airemu.netif;

/**
 * What the driver of one kind of adapter adds to its link changes, as the firmware's drivers do:
 * the W5500 reports the cable ({@code W5500_IND}), Wi-Fi its association ({@code WLAN_STA_INC}), the
 * cellular stack logs its netif events. {@link NetStack} calls it on the device thread while it
 * applies a change; a driver that publishes something on a link change gets it delivered before the
 * adapter's {@code IP_READY}/{@code IP_LOSE}, which follows on the next turn of the bus.
 */
interface AdapterDriver {
  /** A driver that adds nothing: the adapter only publishes IP_READY and IP_LOSE. */
  AdapterDriver NONE = new AdapterDriver() {};

  /**
   * The link of {@code n} went up or down. The driver may change the IP state ({@code n.ipAssigned})
   * and return its own publish, or {@link NetDelivery#NONE}.
   */
  default NetDelivery linkChanged(Netif n, boolean up) {
    return NetDelivery.NONE;
  }

  /** The readiness of {@code n} changed and IP_READY (ready) or IP_LOSE is about to be published. */
  default void announcing(Netif n, boolean ready) {}
}
