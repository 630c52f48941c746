package airemu.netif;

import static airemu.netif.SocketEvents.EVENT;
import static airemu.netif.SocketEvents.ON_LINE;
import static airemu.netif.SocketEvents.TX_OK;
import static org.junit.jupiter.api.Assertions.assertEquals;

import airemu.netif.peers.EchoPeer;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** What {@code airemu run} sets up: netlab.luatos.com pointed at the embedded echo peer. */
class EmbeddedPeerTest {
  @Test
  void aDemoTalkingToNetlabReachesTheEmbeddedEchoOverTcpAndUdp() {
    try (EchoPeer echo = EchoPeer.start(InetAddress.getLoopbackAddress(), 0);
         TestDevice dev = Boards.readyAir780(
             Boards.options().withHost("netlab.luatos.com", echo.address().getAddress()), 8)) {
      SocketCtrl tcp = dev.tcp(null);
      dev.call(() -> tcp.connect("netlab.luatos.com", echo.port(), false));
      dev.expect(tcp, ON_LINE, 0);
      dev.call(() -> tcp.tx(TestDevice.bytes("hello netlab")));
      dev.expect(tcp, TX_OK, 0);
      dev.expect(tcp, EVENT, 0);
      assertEquals("hello netlab", new String(dev.call(() -> tcp.read(0)).data(), StandardCharsets.US_ASCII));

      SocketCtrl udp = dev.udp(null, 0);
      dev.call(() -> udp.connect("netlab.luatos.com", echo.port(), false));
      dev.expect(udp, ON_LINE, 0);
      dev.call(() -> udp.tx(TestDevice.bytes("dgram")));
      dev.expect(udp, TX_OK, 0);
      dev.expect(udp, EVENT, 0);
      assertEquals("dgram", new String(dev.call(() -> udp.read(0)).data(), StandardCharsets.US_ASCII));
    }
  }
}
