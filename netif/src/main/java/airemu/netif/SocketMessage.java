package airemu.netif;

import java.net.InetAddress;
import java.util.List;

/**
 * One adapter event for one ctrl, posted by a transport, the DNS client or a link change.
 * {@code source} is what produced it (the socket, or the DNS query): the ctrl ignores events from a
 * socket or query it has dropped since, as the firmware does by comparing socket tags.
 */
final class SocketMessage implements NetMessage {
  final SocketCtrl ctrl;
  final Object source;
  final Ev ev;
  final int param;
  final List<InetAddress> addresses; // DNS_RESULT only

  SocketMessage(SocketCtrl ctrl, Object source, Ev ev, int param) {
    this(ctrl, source, ev, param, null);
  }

  SocketMessage(SocketCtrl ctrl, Object source, Ev ev, int param, List<InetAddress> addresses) {
    this.ctrl = ctrl;
    this.source = source;
    this.ev = ev;
    this.param = param;
    this.addresses = addresses;
  }

  @Override
  public NetDelivery handle() {
    return ctrl.deliver(this);
  }

  @Override
  public String toString() {
    return "SocketMessage(" + ev + "," + param + ")";
  }
}
