package airemu.netif;

/** A change of an adapter's link, IP or addresses, applied on the device thread. */
final class LinkMessage implements NetMessage {
  enum Change { LINK_UP, LINK_DOWN, IP_UP, IP_DOWN, UP, DOWN, ADDRESSES, /** readiness may have changed otherwise (registration) */ CHECK }

  final NetStack stack;
  final int adapter;
  final Change change;
  final String[] addresses; // ADDRESSES only: ip, netmask, gateway, ipv6 (null entries keep the current value)

  LinkMessage(NetStack stack, int adapter, Change change, String[] addresses) {
    this.stack = stack;
    this.adapter = adapter;
    this.change = change;
    this.addresses = addresses;
  }

  @Override
  public NetDelivery handle() {
    return stack.applyLink(this);
  }

  @Override
  public String toString() {
    return "LinkMessage(" + adapter + "," + change + ")";
  }
}
