package airemu.netif;

/**
 * What one ctrl's state machine made of a link change: worked out when the change happened (as the
 * module's lwIP task does) and queued behind the change's {@code IP_READY}/{@code IP_LOSE}, to reach
 * the script on its own turn of the bus; the ctrl's later results queue behind it
 * ({@link SocketCtrl#queueResult}). A ctrl released in between receives nothing, as in
 * {@code l_socket_callback}.
 */
final class LinkResult implements NetMessage {
  private final SocketCtrl ctrl;
  private final NetDelivery delivery;

  LinkResult(SocketCtrl ctrl, NetDelivery delivery) {
    this.ctrl = ctrl;
    this.delivery = delivery;
  }

  @Override
  public NetDelivery handle() {
    return ctrl.takeQueuedResult(delivery);
  }

  @Override
  public String toString() {
    return "LinkResult(" + delivery + ")";
  }
}
