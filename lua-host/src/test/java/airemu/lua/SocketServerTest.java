package airemu.lua;

import static org.assertj.core.api.Assertions.assertThat;

import airemu.boards.BoardProfile;
import airemu.config.BoardProfiles;
import airemu.lua.SocketScripts.Style;
import airemu.netif.Environment;
import airemu.netif.Fault;
import airemu.netif.Peers;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A script as a server, on every board and in both styles, with real clients from the test: TCP in
 * single-client mode (the listening ctrl becomes the connection), in multi-client mode
 * ({@code listen(ctrl, n)} and {@code accept}), a port already taken, a server losing its link, and
 * the UDP server idiom of {@code udpsrv.lua} (spec 2.10, 2.11, the ON_LINE and link rows of 2.12).
 */
class SocketServerTest {

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("airemu.lua.SocketScripts#boardsAndStyles")
  void aSingleClientListenerBecomesTheConnectionAndAPortInUseFailsOnLine(String board, Style style) throws Exception {
    int port = Peers.freeTcpPort();
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
         Emulation emu = SocketScripts.start(board, style, Emulation.TEST_NETWORK,
             Map.of("PORT", port, "BUSY", taken.getLocalPort()), """
        sys.taskInit(function()
          networkUp()
          local busy = open("busy")
          socket.config(busy, BUSY)
          log.info("t", "listen busy", socket.listen(busy))
          nextEvent("busy")
          noMoreEvents("busy")
          socket.release(busy)

          local s = open("s")
          log.info("t", "config", socket.config(s, PORT))
          log.info("t", "listen", socket.listen(s))
          log.info("t", "listening", socket.state(s))
          nextEvent("s") -- a client
          log.info("t", "connected", socket.state(s))
          local ok, child, ip, port = socket.accept(s) -- its own client
          log.info("t", "accept", ok, child, ip, port, math.type(port))
          nextEvent("s")
          log.info("t", "read", socket.read(s))
          log.info("t", "tx", socket.tx(s, "pong"))
          nextEvent("s")
          nextEvent("s") -- the client hangs up
          log.info("t", "hung up", socket.state(s))
          log.info("t", "discon", socket.discon(s))
          nextEvent("s")
          log.info("t", "offline", socket.state(s))
          noMoreEvents("s")
          os.exit(0)
        end)
        sys.run()
        """)) {
      emu.awaitLine("I/user.t listening 3 正在连接");
      try (Socket client = connectWhenListening(port)) {
        emu.awaitLine(l -> l.startsWith("I/user.t accept"));
        client.getOutputStream().write("ping".getBytes(StandardCharsets.US_ASCII));
        assertThat(read(client.getInputStream(), 4)).isEqualTo("pong");
        client.close();
        assertThat(SocketScripts.exited(emu)).containsExactly(
            "I/user.t listen busy true false",
            "I/user.busy ON_LINE -1",
            "I/user.t config true",
            "I/user.t listen true false",
            "I/user.t listening 3 正在连接",
            "I/user.s ON_LINE 0",
            "I/user.t connected 5 在线",
            "I/user.t accept true nil 127.0.0.1 " + client.getLocalPort() + " integer",
            "I/user.s EVENT 0",
            "I/user.t read true ping",
            "I/user.t tx true false false",
            "I/user.s TX_OK 0",
            "I/user.s EVENT -1",
            "I/user.t hung up 5 在线",
            "I/user.t discon true false",
            "I/user.s CLOSED 0",
            "I/user.t offline 1 离线");
      }
    }
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("airemu.lua.SocketScripts#boardsAndStyles")
  void aMultiClientListenerHandsEachClientToItsOwnCtrlAndRefusesOneTooMany(String board, Style style) throws Exception {
    int port = Peers.freeTcpPort();
    try (Emulation emu = SocketScripts.start(board, style, Emulation.TEST_NETWORK, Map.of("PORT", port), """
        local function accepted(s, name)
          local ok, c, ip, port = accept(s, name)
          log.info("t", "accept " .. name, ok, tostring(c):sub(1, 8), ip, port, math.type(port))
          log.info("t", "states", socket.state(c))
          log.info("t", "states", socket.state(s))
          return c
        end
        sys.taskInit(function()
          networkUp()
          local s = open("s")
          socket.config(s, PORT)
          log.info("t", "listen", socket.listen(s, 2))
          nextEvent("s") -- client A
          local a = accepted(s, "a")
          log.info("t", "nobody waiting", accept(s, "x"))
          nextEvent("a") -- A's data reaches A's ctrl
          log.info("t", "read a", socket.read(a))
          nextEvent("s") -- client B
          local b = accepted(s, "b")
          nextEvent("b")
          log.info("t", "read b", socket.read(b))
          log.info("t", "tx b", socket.tx(b, "to b"))
          nextEvent("b")
          log.info("t", "discon a", socket.discon(a))
          nextEvent("a")
          nextEvent("b") -- B hangs up
          noMoreEvents("s") -- the third client never reached the script
          noMoreEvents("a")
          noMoreEvents("b")
          os.exit(0)
        end)
        sys.run()
        """)) {
      emu.awaitLine("I/user.t listen true false");
      try (Socket a = connectWhenListening(port)) {
        emu.awaitLine("I/user.t nobody waiting false nil");
        a.getOutputStream().write("from a".getBytes(StandardCharsets.US_ASCII));
        emu.awaitLine("I/user.t read a true from a");
        try (Socket b = new Socket(InetAddress.getLoopbackAddress(), port)) {
          b.setSoTimeout((int) Emulation.WAIT.toMillis());
          emu.awaitLine(l -> l.startsWith("I/user.t accept b"));
          try (Socket third = new Socket(InetAddress.getLoopbackAddress(), port)) { // two are held: closed at once
            third.setSoTimeout((int) Emulation.WAIT.toMillis());
            assertThat(third.getInputStream().read()).isEqualTo(-1);
          }
          b.getOutputStream().write("from b".getBytes(StandardCharsets.US_ASCII));
          assertThat(read(b.getInputStream(), 4)).isEqualTo("to b");
          emu.awaitLine("I/user.a CLOSED 0");
          a.setSoTimeout((int) Emulation.WAIT.toMillis());
          assertThat(a.getInputStream().read()).isEqualTo(-1); // the script's discon reached the client
          b.close();
          assertThat(SocketScripts.exited(emu)).containsExactly(
              "I/user.t listen true false",
              "I/user.s ON_LINE 0",
              "I/user.t accept a true NWCTRL*: 127.0.0.1 " + a.getLocalPort() + " integer",
              "I/user.t states 5 在线",
              "I/user.t states 6 在监听",
              "I/user.t nobody waiting false nil",
              "I/user.a EVENT 0",
              "I/user.t read a true from a",
              "I/user.s ON_LINE 0",
              "I/user.t accept b true NWCTRL*: 127.0.0.1 " + b.getLocalPort() + " integer",
              "I/user.t states 5 在线",
              "I/user.t states 6 在监听",
              "I/user.b EVENT 0",
              "I/user.t read b true from b",
              "I/user.t tx b true false false",
              "I/user.b TX_OK 0",
              "I/user.t discon a true false",
              "I/user.a CLOSED 0",
              "I/user.b EVENT -1");
        }
      }
    }
  }

  /**
   * The link's loss reaches every ctrl of the adapter ({@code network_default_socket_callback} runs
   * {@code EV_NW_STATE} through the state machine of each busy ctrl of the table), so the listener and
   * each accepted client fail whatever they wait for: the listener its armed ON_LINE, a client that
   * waits for data its EVENT, a client with a tx still on its way (held by a blackhole) its TX_OK.
   */
  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("airemu.lua.SocketScripts#boardsAndStyles")
  void theLinkLostFailsTheListenerAndEachAcceptedClientOnItsOwnWait(String board, Style style) throws Exception {
    BoardProfile profile = BoardProfiles.find(board);
    String adapter = profile.defaultAdapter().orElseThrow();
    Environment env = DeviceSetup.calm(profile, 0);
    int port = Peers.freeTcpPort();
    try (Emulation emu = SocketScripts.start(board, style, Emulation.TEST_NETWORK, env, Map.of("PORT", port), """
        sys.taskInit(function()
          networkUp()
          local s = open("s")
          socket.config(s, PORT)
          log.info("t", "listen", socket.listen(s, 2))
          nextEvent("s")
          local _, a = accept(s, "a")
          nextEvent("a")
          log.info("t", "read a", socket.read(a))
          log.info("t", "wait a", socket.wait(a))
          nextEvent("s")
          local _, b = accept(s, "b")
          log.info("t", "accepted")
          sys.waitUntil("GO") -- the network now swallows every packet
          log.info("t", "tx b", socket.tx(b, "held"))
          nextEvent("s")
          nextEvent("a")
          nextEvent("b")
          log.info("t", "states", socket.state(s))
          log.info("t", "states", socket.state(a))
          log.info("t", "states", socket.state(b))
          log.info("t", "tx a", socket.tx(a, "x"))
          for _, name in ipairs({"s", "a", "b"}) do noMoreEvents(name) end
          os.exit(0)
        end)
        sys.run()
        """)) {
      emu.awaitLine("I/user.t listen true false");
      try (Socket a = connectWhenListening(port)) {
        a.getOutputStream().write("from a".getBytes(StandardCharsets.US_ASCII));
        emu.awaitLine("I/user.t wait a true false");
        try (Socket b = new Socket(InetAddress.getLoopbackAddress(), port)) {
          emu.awaitLine("I/user.t accepted");
          env.fault(adapter, new Fault.Blackhole());
          emu.device().post(new SysPublish("GO", List.of()));
          emu.awaitLine("I/user.t tx b true false false");
          env.link(adapter, false);
          assertThat(SocketScripts.exited(emu)).containsExactly(
              "I/user.t listen true false",
              "I/user.s ON_LINE 0",
              "I/user.a EVENT 0",
              "I/user.t read a true from a",
              "I/user.t wait a true false",
              "I/user.s ON_LINE 0",
              "I/user.t accepted",
              "I/user.t tx b true false false",
              "I/user.s ON_LINE -1", // still armed for the next client
              "I/user.a EVENT -1",
              "I/user.b TX_OK -1",
              "I/user.t states 6 在监听",
              "I/user.t states 5 在线",
              "I/user.t states 5 在线",
              "I/user.t tx a false true false");
        }
      }
    }
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("airemu.lua.SocketScripts#boardsAndStyles")
  void aUdpServerOnALocalPortReadsEachSenderAndRepliesToIt(String board, Style style) throws Exception {
    int port = Peers.freeUdpPort();
    try (DatagramSocket peer = new DatagramSocket(0, InetAddress.getLoopbackAddress());
         Emulation emu = SocketScripts.start(board, style, Emulation.TEST_NETWORK, Map.of("PORT", port), """
        sys.taskInit(function()
          networkUp()
          local u = open("u")
          socket.config(u, PORT, true)
          log.info("t", "connect", socket.connect(u, "255.255.255.255", 0)) -- udpsrv.lua's idiom
          nextEvent("u")
          log.info("t", "online", socket.state(u))
          nextEvent("u") -- a datagram
          local ok, data, ip, port = socket.read(u)
          log.info("t", "read", ok, data, ip:toHex(), port, math.type(port))
          log.info("t", "reply", socket.tx(u, "re:" .. data, string.format("%d.%d.%d.%d", ip:byte(2, 5)), port))
          nextEvent("u")
          noMoreEvents("u")
          os.exit(0)
        end)
        sys.run()
        """)) {
      emu.awaitLine("I/user.t online 5 在线");
      peer.setSoTimeout((int) Emulation.WAIT.toMillis());
      peer.send(new DatagramPacket("hi".getBytes(StandardCharsets.US_ASCII), 2, InetAddress.getLoopbackAddress(), port));
      DatagramPacket reply = new DatagramPacket(new byte[64], 64);
      peer.receive(reply);
      assertThat(new String(reply.getData(), 0, reply.getLength(), StandardCharsets.US_ASCII)).isEqualTo("re:hi");
      assertThat(reply.getPort()).isEqualTo(port);
      assertThat(SocketScripts.exited(emu)).containsExactly(
          "I/user.t connect true false",
          "I/user.u ON_LINE 0",
          "I/user.t online 5 在线",
          "I/user.u EVENT 0",
          "I/user.t read true hi 007F000001 " + peer.getLocalPort() + " integer",
          "I/user.t reply true false false",
          "I/user.u TX_OK 0");
    }
  }

  /**
   * A client of the script's listener: the socket starts listening a moment after {@code listen}
   * returns (state 3, then 6), and nothing tells the test when, so the client tries again while it
   * is refused, as a client of a starting server does.
   */
  private static Socket connectWhenListening(int port) throws IOException {
    long deadline = System.nanoTime() + Emulation.WAIT.toNanos();
    while (true) {
      try {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), port);
        s.setSoTimeout((int) Emulation.WAIT.toMillis());
        return s;
      } catch (ConnectException refused) {
        if (System.nanoTime() > deadline) throw refused;
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
      }
    }
  }

  private static String read(InputStream in, int n) {
    try {
      return new String(in.readNBytes(n), StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
