package airemu.netif;

import static airemu.netif.SocketEvents.EVENT;
import static airemu.netif.SocketEvents.ON_LINE;
import static airemu.netif.SocketEvents.TX_OK;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import airemu.netif.peers.EchoPeer;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The NIO transport, used where epoll is not available (or with -Dairemu.netif.transport=nio). */
class NioTransportTest {
  @Test
  void tcpAndUdpWorkOverNio() {
    Transport nio = new Transport(false, 1);
    assertFalse(nio.isEpoll());
    try (EchoPeer echo = EchoPeer.start(InetAddress.getLoopbackAddress(), 0);
         TestDevice dev = TestDevice.start(Boards.air780(8), Boards.options(), nio)) {
      dev.expectPublish("IP_READY");
      dev.expectPublish("NTP_UPDATE");
      SocketCtrl tcp = dev.tcp(null);
      SocketCtrl udp = dev.udp(null, 0);
      dev.call(() -> tcp.connect("127.0.0.1", echo.port(), false));
      dev.expect(tcp, ON_LINE, 0);
      dev.call(() -> udp.connect("127.0.0.1", echo.port(), false));
      dev.expect(udp, ON_LINE, 0);
      for (SocketCtrl c : new SocketCtrl[] {tcp, udp}) {
        dev.call(() -> c.tx(TestDevice.bytes("nio")));
        dev.expect(c, TX_OK, 0);
        dev.expect(c, EVENT, 0);
        assertEquals("nio", new String(dev.call(() -> c.read(0)).data(), StandardCharsets.US_ASCII));
      }
    } finally {
      nio.shutdown();
    }
  }
}
