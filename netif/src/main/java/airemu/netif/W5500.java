package airemu.netif;

import java.util.List;

/**
 * A W5500 Ethernet chip on SPI behind {@code w5500.*} ({@code components/ethernet/w5500/}): a NIC
 * with its own TCP/IP stack that the script registers as {@code ETH0} with {@code w5500.bind}, which
 * makes it the last registered adapter.
 *
 * <p>The emulated chip has a cable plugged in. {@code w5500.init} starts it; its PHY link comes up
 * 1.5 s later ({@code W5500_IND("CABLE_INSERT")}), then the address: a static one at once, or a
 * DHCP lease 0.5 s later, and {@code IP_READY(ip, ETH0)} once the adapter is registered. Whatever
 * number it was bound to, the firmware publishes {@code socket.ETH0} ({@code luat_lib_w5500.c}).
 * {@code w5500.config} resets the chip, so the link comes up again with the new settings. A cable
 * pulled from outside ({@link NetStack#setLink}) reports {@code W5500_IND("CABLE_REMOVE")} and then
 * {@code IP_LOSE(ETH0)}; plugged back, {@code CABLE_INSERT} and a new lease.
 *
 * <p>Device thread.
 */
public final class W5500 implements AdapterDriver {
  /** PHY auto-negotiation after a reset, and a DHCP exchange on a LAN: typical figures, not measured. */
  private static final long LINK_MS = 1500, DHCP_MS = 500;

  W5500(NetStack stack, Netif eth0) {
    this.stack = stack;
    this.eth0 = eth0;
    eth0.driver = this;
  }

  /** {@code w5500.init(spi, speed, cs, irq, rst, link)}: the chip answers and its link comes up. */
  public void init(long cs, long irq, long reset, long link) {
    stack.log('D', "w5500", "cs " + cs + " irq " + irq + " reset " + reset + " link " + link);
    started = true;
    restart();
  }

  /** Whether the chip answers on SPI: {@code w5500.init} was called ({@code w5500_device_ready}). */
  public boolean answers() {
    return started;
  }

  /**
   * {@code w5500.config(ip, mask, gateway, mac)}: a static address ({@code ip} null: DHCP; an address
   * that does not parse counts as none, as the chip's 0.0.0.0 does) and the MAC (6 bytes, or null to
   * keep it); the chip resets. False before {@code w5500.init} ({@link #answers}).
   */
  public boolean config(String ip, String mask, String gateway, byte[] mac) {
    if (!started) return false;
    boolean staticIp = ip != null && Addresses.parseLiteral(ip) != null && !"0.0.0.0".equals(ip);
    if (staticIp) {
      stack.setAddresses(eth0.number(), ip, orZero(mask), orZero(gateway), null);
    } else if (this.staticIp) {
      eth0.leaseAddresses();
    }
    this.staticIp = staticIp;
    if (mac != null && mac.length >= 6) this.mac = java.util.Arrays.copyOf(mac, 6);
    restart();
    return true;
  }

  /** {@code w5500.bind(id)}: registers the chip as adapter {@code id}; only its own number ({@code ETH0}) takes. */
  public void bind(long id) {
    if (id == eth0.number()) stack.register(eth0.number());
  }

  /** {@code w5500.getMac()}: the configured MAC, or the one derived from the chip id. */
  public byte[] mac() {
    return mac != null ? mac.clone() : eth0.mac();
  }

  // --- AdapterDriver -----------------------------------------------------------------------------

  @Override
  public NetDelivery linkChanged(Netif n, boolean up) {
    if (!up) {
      n.ipAssigned = false; // the lease goes with the cable
      return indication("CABLE_REMOVE");
    }
    if (staticIp) {
      n.ipAssigned = true;
    } else {
      int attempt = epoch;
      stack.later(DHCP_MS, () -> attempt == epoch && eth0.isLinkUp() ? stack.applyNow(eth0.number(), LinkMessage.Change.IP_UP) : NetDelivery.NONE);
    }
    return indication("CABLE_INSERT");
  }

  @Override
  public void announcing(Netif n, boolean ready) {
    if (ready) stack.log('D', "W5500", "network ready");
  }

  // --- internals ---------------------------------------------------------------------------------

  /** A chip reset: the link drops if it was up and comes back after auto-negotiation. */
  private void restart() {
    epoch++;
    int attempt = epoch;
    if (eth0.linkUp) stack.setLink(eth0.number(), false);
    stack.later(LINK_MS, () -> attempt == epoch ? stack.applyNow(eth0.number(), LinkMessage.Change.LINK_UP) : NetDelivery.NONE);
  }

  private static String orZero(String ip) {
    return ip != null && Addresses.parseLiteral(ip) != null ? ip : "0.0.0.0";
  }

  private static NetDelivery indication(String what) {
    return new NetDelivery.Publish("W5500_IND", List.of(what));
  }

  private final NetStack stack;
  private final Netif eth0;
  private boolean started; // w5500.init was called: the chip answers
  private boolean staticIp; // from w5500.config; else DHCP
  private byte[] mac; // from w5500.config; null: derived
  private int epoch; // bumped by each reset: a pending link-up or lease of an older one is void
}
