package airemu.netif;

import static airemu.netif.SocketEvents.EVENT;
import static airemu.netif.SocketEvents.ON_LINE;
import static airemu.netif.SocketEvents.TX_OK;
import static org.junit.jupiter.api.Assertions.assertEquals;

import airemu.netif.peers.EchoPeer;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What {@code airemu run} sets up: netlab.luatos.com resolves to its real address, which routes to the
 * embedded echo peer whatever port the script uses (the netlab page hands out a port per session).
 */
class EmbeddedPeerTest {
  @Test
  void aDemoTalkingToNetlabReachesTheEmbeddedEchoOverTcpAndUdp() throws Exception {
    InetAddress netlab = InetAddress.getByName("112.125.89.8");
    try (EchoPeer echo = EchoPeer.start(InetAddress.getLoopbackAddress(), 0);
         TestDevice dev = Boards.readyAir780(
             Boards.options().withHost("netlab.luatos.com", netlab).withRoute(netlab, echo.address()), 8)) {
      SocketCtrl tcp = dev.tcp(null);
      dev.call(() -> tcp.connect("netlab.luatos.com", 41506, false));
      dev.expect(tcp, ON_LINE, 0);
      dev.call(() -> tcp.tx(TestDevice.bytes("hello netlab")));
      dev.expect(tcp, TX_OK, 0);
      dev.expect(tcp, EVENT, 0);
      assertEquals("hello netlab", new String(dev.call(() -> tcp.read(0)).data(), StandardCharsets.US_ASCII));

      SocketCtrl udp = dev.udp(null, 0);
      dev.call(() -> udp.connect("netlab.luatos.com", 45000, false));
      dev.expect(udp, ON_LINE, 0);
      dev.call(() -> udp.tx(TestDevice.bytes("dgram")));
      dev.expect(udp, TX_OK, 0);
      dev.expect(udp, EVENT, 0);
      SocketCtrl.Read read = dev.call(() -> udp.read(0));
      assertEquals("dgram", new String(read.data(), StandardCharsets.US_ASCII));
      assertEquals(45000, (int) read.remotePort(), "the reply reads as coming from where the script sent it");
      assertEquals(List.of(112, 125, 89, 8), java.util.stream.IntStream.range(1, 5)
          .mapToObj(i -> read.remoteIp()[i] & 0xFF).toList());
    }
  }
}
