package airemu.netif;

import static airemu.netif.SocketEvents.EVENT;
import static airemu.netif.SocketEvents.ON_LINE;
import static airemu.netif.SocketEvents.TX_OK;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** IPv6 on an adapter that has an IPv6 address. */
class Ipv6Test {
  @Test
  void aTcpClientReachesAnIpv6Peer() {
    try (Peers.Socat echo6 = Peers.Socat.tcp6Echo();
         TestDevice dev = Boards.readyAir780(Boards.options().withBindAddress(null), 8)) {
      SocketCtrl c = dev.tcp(null);
      dev.call(() -> c.connect("::1", echo6.port, false));
      dev.expect(c, ON_LINE, 0);
      dev.call(() -> c.tx(TestDevice.bytes("v6")));
      dev.expect(c, TX_OK, 0);
      dev.expect(c, EVENT, 0);
      assertEquals("v6", new String(dev.call(() -> c.read(0)).data(), StandardCharsets.US_ASCII));
    }
  }
}
