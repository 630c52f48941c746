package airemu.netif;

/** A change of an adapter's link, IP or addresses, from the device or the network outside, applied on the device thread. */
final class LinkMessage implements NetMessage {
  enum Change {
    // the device's side: attach, Wi-Fi association, DHCP, flight mode
    LINK_UP, LINK_DOWN, IP_UP, IP_DOWN, UP, DOWN, ADDRESSES,
    /** readiness may have changed otherwise (registration) */ CHECK,
    // the network outside (Environment): coverage, the network's addresses
    OUTSIDE_LINK_UP, OUTSIDE_LINK_DOWN, OUTSIDE_IP_UP, OUTSIDE_IP_DOWN,
    /** the network renumbers the adapter: addresses[0] is its new IPv4 address */ RENUMBER,
    /** the renumbered adapter has its new address */ RENUMBERED
  }

  final NetStack stack;
  final int adapter;
  final Change change;
  final String[] addresses; // ADDRESSES and RENUMBER only: ip, netmask, gateway, ipv6 (null entries keep the current value)

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
