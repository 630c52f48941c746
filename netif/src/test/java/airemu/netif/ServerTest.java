package airemu.netif;

import static airemu.netif.SocketEvents.EVENT;
import static airemu.netif.SocketEvents.ON_LINE;
import static airemu.netif.SocketEvents.TX_OK;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import airemu.netif.SocketCtrl.Accept;
import airemu.netif.SocketCtrl.State;
import airemu.netif.SocketCtrl.Status;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Listening ctrls: spec 2.10 and 2.11, single-client and multi-client, with real clients. */
class ServerTest {
  private TestDevice dev;

  /** The device the tests run on, its network up; {@link ServerOnAir8000Test} runs them on another board. */
  TestDevice ready(NetOptions options, int sockets) {
    return Boards.readyAir780(options, sockets);
  }

  @BeforeEach
  void boot() {
    dev = ready(Boards.options(), 8);
  }

  @AfterEach
  void shutdown() {
    dev.close();
  }

  /** A ctrl listening on a fresh port, after its socket reported LISTEN (state 6). */
  private SocketCtrl listening(int port, int multi) {
    SocketCtrl c = dev.call(() -> {
      SocketCtrl s = dev.stack().create(null);
      s.config(port, false, false, 0, 0, 0);
      assertEquals(new Status(true, false), s.listen(multi));
      assertEquals(new State(3, "正在连接"), s.state());
      return s;
    });
    Await.until("state 6", () -> dev.call(c::state).code() == 6);
    assertEquals(new State(6, "在监听"), dev.call(c::state));
    return c;
  }

  private static Socket client(int port) throws IOException {
    Socket s = new Socket(InetAddress.getLoopbackAddress(), port);
    s.setSoTimeout((int) TestDevice.TIMEOUT.toMillis());
    return s;
  }

  @Test
  void singleClientModeTheListeningCtrlBecomesTheConnection() throws Exception {
    int port = Peers.freeTcpPort();
    SocketCtrl c = listening(port, 0);
    try (Socket client = client(port)) {
      dev.expect(c, ON_LINE, 0);
      assertEquals(new State(5, "在线"), dev.call(c::state));
      Accept a = dev.call(() -> c.accept(false));
      assertEquals(new Accept(true, null, "127.0.0.1", client.getLocalPort(), 4), a);
      client.getOutputStream().write("abc".getBytes(StandardCharsets.US_ASCII));
      dev.expect(c, EVENT, 0);
      assertEquals("abc", new String(dev.call(() -> c.read(0)).data(), StandardCharsets.US_ASCII));
      dev.call(() -> c.tx(TestDevice.bytes("xyz")));
      dev.expect(c, TX_OK, 0);
      assertEquals("xyz", TcpClientTest.readAll(client.getInputStream(), 3));
      // the port stopped listening when the client arrived
      assertThrows(ConnectException.class, () -> new Socket(InetAddress.getLoopbackAddress(), port).close());
      client.close();
      dev.expect(c, EVENT, -1);
    }
  }

  @Test
  void multiClientModeHandsEachClientToANewCtrlAndKeepsListening() throws Exception {
    int port = Peers.freeTcpPort();
    SocketCtrl server = listening(port, 2);
    dev.run(() -> server.attach("server-cb"));
    try (Socket a = client(port); Socket b = client(port)) {
      dev.expect(server, ON_LINE, 0);
      dev.expect(server, ON_LINE, 0);
      java.util.Map<Integer, Accept> byPort = new java.util.HashMap<>();
      for (int i = 0; i < 2; i++) { // the clients' order depends on which I/O thread sets each up
        Accept acc = dev.call(() -> server.accept(true));
        assertNotNull(acc.ctrl());
        assertEquals("127.0.0.1", acc.clientIp());
        assertEquals(4, acc.count());
        byPort.put(acc.clientPort(), acc);
      }
      assertEquals(Accept.FAIL, dev.call(() -> server.accept(true))); // nobody waiting
      assertEquals(new State(6, "在监听"), dev.call(server::state));
      SocketCtrl ca = byPort.get(a.getLocalPort()).ctrl(), cb = byPort.get(b.getLocalPort()).ctrl();
      assertNotNull(ca);
      assertNotNull(cb);
      assertEquals(new State(5, "在线"), dev.call(ca::state));
      assertEquals(Boards.GP, ca.adapterNumber());
      assertNull(ca.attachment()); // the binding attaches the accept callback

      a.getOutputStream().write('A');
      dev.expect(ca, EVENT, 0);
      assertEquals("A", new String(dev.call(() -> ca.read(0)).data(), StandardCharsets.US_ASCII));
      dev.call(() -> cb.tx(TestDevice.bytes("to b")));
      dev.expect(cb, TX_OK, 0);
      assertEquals("to b", TcpClientTest.readAll(b.getInputStream(), 4));

      // a third client is refused while two are held
      try (Socket c3 = client(port)) {
        assertEquals(-1, c3.getInputStream().read());
      }
      a.close();
      dev.expect(ca, EVENT, -1);
      assertEquals(new Status(true, false), dev.call(() -> server.listen(2))); // already listening
    }
  }

  @Test
  void aClientAcceptedLaterStillGetsItsEarlyDataAsAnEvent() throws Exception {
    int port = Peers.freeTcpPort();
    SocketCtrl server = listening(port, 1);
    try (Socket a = client(port)) {
      a.getOutputStream().write("early".getBytes(StandardCharsets.US_ASCII));
      dev.expect(server, ON_LINE, 0);
      Await.until("the data to wait in the unaccepted client",
          () -> dev.call(() -> ((Listener) server.conn()).waitingBytes()) == 5);
      Accept acc = dev.call(() -> server.accept(true));
      SocketCtrl ca = acc.ctrl();
      dev.expect(ca, EVENT, 0);
      assertEquals("early", new String(dev.call(() -> ca.read(0)).data(), StandardCharsets.US_ASCII));
    }
  }

  @Test
  void multiClientListenIsRefusedOnAHardwareStackAdapter() {
    dev.close();
    dev = TestDevice.start(Boards.air8101(), Boards.options());
    dev.run(() -> dev.stack().register(Boards.ETH0));
    dev.stack().bringUp(Boards.ETH0, 0);
    dev.expectPublish("W5500_IND"); // the cable, then the address
    dev.expectPublish("IP_READY");
    SocketCtrl c = dev.call(() -> {
      SocketCtrl s = dev.stack().create(Boards.ETH0);
      s.config(Peers.freeTcpPort(), false, false, 0, 0, 0);
      assertEquals(new Status(false, false), s.listen(2));
      return s;
    });
    assertTrue(dev.log().contains("E/socket 目标适配器不支持1对多客户端连接模式"), dev.log().toString());
    assertSame(null, dev.call(() -> c.accept(true).ctrl()));
  }

  @Test
  void listenOnAPortInUseFailsWithOnLineMinusOne() throws Exception {
    try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      SocketCtrl c = dev.call(() -> {
        SocketCtrl s = dev.stack().create(null);
        s.config(taken.getLocalPort(), false, false, 0, 0, 0);
        assertEquals(new Status(true, false), s.listen(0));
        return s;
      });
      dev.expect(c, ON_LINE, -1);
    }
  }
}
