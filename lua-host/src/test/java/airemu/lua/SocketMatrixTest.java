package airemu.lua;

import static org.assertj.core.api.Assertions.assertThat;

import airemu.boards.BoardProfile;
import airemu.config.BoardProfiles;
import airemu.lua.SocketScripts.Style;
import airemu.netif.Environment;
import airemu.netif.Fault;
import airemu.netif.NetOptions;
import airemu.netif.Peers;
import airemu.netif.TestDnsServer;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A socket client's life as scripts live it, on every board and in both styles, against real peers
 * (socat echo servers, socat saying hello and hanging up, a Netty peer that hangs up when told,
 * peers that close or reset when told, a DNS server) and the network's faults: the rows of spec 2.12
 * a client meets, the checklist of section 10 and the observations of section 11, with full return
 * tuples and the exact events (see {@link SocketScripts}).
 */
class SocketMatrixTest {
  /**
   * A bandwidth fault so slow that {@link #UNCROSSABLE} bytes take 80 s to cross it (10,000 bytes of 8
   * bits at 1 kbps), four times the longest any step of a test waits: a tx of them is still waiting
   * for its TX_OK when the peer's FIN or RST, which carry no data and so pass at once, arrive.
   */
  private static final int SLOW_KBPS = 1;
  private static final int UNCROSSABLE = 10_000;

  private static Peers.Socat tcpEcho;
  private static Peers.Socat udpEcho;
  private static Peers.Socat hello;
  private static TestDnsServer dns;
  private static NetOptions network;

  @BeforeAll
  static void startPeers() throws Exception {
    tcpEcho = Peers.Socat.tcpEcho();
    udpEcho = Peers.Socat.udpEcho();
    hello = Peers.Socat.tcpServer("SYSTEM:printf hello");
    dns = new TestDnsServer().add("echo.test", InetAddress.getLoopbackAddress());
    // every adapter asks the test's DNS server, which knows echo.test and nothing else
    network = Emulation.TEST_NETWORK.withDefaultDns(List.of("127.0.0.1")).withDnsPort(dns.port);
  }

  @AfterAll
  static void stopPeers() {
    tcpEcho.close();
    udpEcho.close();
    hello.close();
    dns.close();
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("airemu.lua.SocketScripts#boardsAndStyles")
  void aTcpClientConnectsSendsReceivesAndDisconnectsWithTheFirmwaresEventsAndTuples(String board, Style style) {
    assertThat(SocketScripts.run(board, style, network, Map.of("ECHO", tcpEcho.port), """
        sys.taskInit(function()
          networkUp()
          local c = open("c")
          log.info("t", "created", socket.state(c))
          log.info("t", "config", socket.config(c))
          log.info("t", "connect", socket.connect(c, "127.0.0.1", ECHO)) -- an IP literal: ON_LINE comes later
          log.info("t", "connecting", socket.state(c))
          nextEvent("c")
          log.info("t", "online", socket.state(c))
          log.info("t", "tx", socket.tx(c, "hello"))
          nextEvent("c") -- TX_OK: sent
          nextEvent("c") -- EVENT: the echo, with no wait target
          local buf = zbuff.create(2)
          log.info("t", "rx", socket.rx(c, buf, 0, 3)) -- a limit: TCP keeps the rest
          log.info("t", "buf", buf:toStr(0, buf:used()), buf:len())
          log.info("t", "wait", socket.wait(c)) -- the read cleared the new-data flag: nothing pending
          log.info("t", "pending", socket.rx(c))
          log.info("t", "read", socket.read(c))
          log.info("t", "read", socket.read(c))
          local z = zbuff.create(16)
          z:write("again")
          log.info("t", "tx", socket.tx(c, z))
          log.info("t", "wait", socket.wait(c)) -- replaces the TX_OK wait: only the echo's EVENT comes
          nextEvent("c")
          log.info("t", "wait", socket.wait(c)) -- data pending: done at once
          log.info("t", "read", socket.read(c, 3))
          log.info("t", "read", socket.read(c))
          log.info("t", "discon", socket.discon(c))
          log.info("t", "disconnecting", socket.state(c))
          nextEvent("c")
          log.info("t", "offline", socket.state(c))
          log.info("t", "remote", socket.remoteIP(c)) -- an IP literal: no DNS answer
          noMoreEvents("c")
          socket.release(c)
          log.info("t", "released", select("#", socket.state(c)), select("#", socket.tx(c, "x")),
            select("#", socket.wait(c)), select("#", socket.connect(c, "127.0.0.1", ECHO)))
          os.exit(0)
        end)
        sys.run()
        """)).containsExactly(
        "I/user.t created 0 硬件离线",
        "I/user.t config true",
        "I/user.t connect true false",
        "I/user.t connecting 3 正在连接",
        "I/user.c ON_LINE 0",
        "I/user.t online 5 在线",
        "I/user.t tx true false false",
        "I/user.c TX_OK 0",
        "I/user.c EVENT 0",
        "I/user.t rx true 3 nil nil",
        "I/user.t buf hel 3", // grown to used + the bytes read
        "I/user.t wait true false",
        "I/user.t pending true 2",
        "I/user.t read true lo",
        "I/user.t read true ",
        "I/user.t tx true false false",
        "I/user.t wait true false",
        "I/user.c EVENT 0",
        "I/user.t wait true true",
        "I/user.t read true aga",
        "I/user.t read true in",
        "I/user.t discon true false",
        "I/user.t disconnecting 7 正在离线",
        "I/user.c CLOSED 0",
        "I/user.t offline 1 离线",
        "I/user.t remote nil nil nil nil",
        "I/user.t released 0 0 0 0");
  }
  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("airemu.lua.SocketScripts#boardsAndStyles")
  void aPeerClosingMidStreamIsEventMinusOneAndTheDataStaysReadableUntilDiscon(String board, Style style) {
    try (HangingUpPeer hangingUp = new HangingUpPeer();
         Emulation emu = SocketScripts.start(board, style, network, Map.of("HELLO", hello.port, "PEER", hangingUp.port()), """
        sys.taskInit(function()
          networkUp()
          local a = open("a") -- socat says hello and hangs up at once
          socket.config(a)
          socket.connect(a, "127.0.0.1", HELLO)
          nextEvent("a")
          nextEvent("a") -- the data
          nextEvent("a") -- the remote close: not CLOSED
          log.info("t", "hung up", socket.state(a))
          local buf = zbuff.create(2)
          log.info("t", "rx", socket.rx(a, buf))
          log.info("t", "buf", buf:toStr(0, buf:used()))
          log.info("t", "rx", socket.rx(a, buf))
          log.info("t", "read", socket.read(a))
          log.info("t", "tx", socket.tx(a, "x"))
          log.info("t", "wait", socket.wait(a))
          log.info("t", "discon", socket.discon(a))
          log.info("t", "disconnecting", socket.state(a))
          nextEvent("a")
          log.info("t", "offline", socket.state(a))
          noMoreEvents("a")
          socket.release(a)

          local b = open("b") -- the test's peer hangs up while the script waits for data
          socket.config(b)
          socket.connect(b, "127.0.0.1", PEER)
          nextEvent("b")
          nextEvent("b")
          log.info("t", "read", socket.read(b))
          log.info("t", "waiting", socket.wait(b))
          nextEvent("b") -- its last words
          nextEvent("b") -- the wait fails
          log.info("t", "read", socket.read(b))
          log.info("t", "read", socket.read(b))
          socket.close(b)
          log.info("t", "closed", socket.state(b)) -- close leaves the state as it was
          noMoreEvents("b")
          os.exit(0)
        end)
        sys.run()
        """)) {
      emu.awaitLine("I/user.t waiting true false");
      hangingUp.hangUp("last");
      assertThat(SocketScripts.exited(emu)).containsExactly(
          "I/user.a ON_LINE 0",
          "I/user.a EVENT 0",
          "I/user.a EVENT -1",
          "I/user.t hung up 5 在线",
          "I/user.t rx true 5 nil nil", // the zbuff grew
          "I/user.t buf hello",
          "I/user.t rx false 0",
          "I/user.t read false",
          "I/user.t tx false true false",
          "I/user.t wait false false",
          "I/user.t discon true false",
          "I/user.t disconnecting 7 正在离线",
          "I/user.a CLOSED 0",
          "I/user.t offline 1 离线",
          "I/user.b ON_LINE 0",
          "I/user.b EVENT 0",
          "I/user.t read true hello",
          "I/user.t waiting true false",
          "I/user.b EVENT 0",
          "I/user.b EVENT -1",
          "I/user.t read true last",
          "I/user.t read false",
          "I/user.t closed 5 在线");
    }
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("airemu.lua.SocketScripts#boardsAndStyles")
  void aPeerThatClosesOrResetsWhileATxWaitsForItsAckFailsTheTxOkWait(String board, Style style) throws Exception {
    BoardProfile profile = BoardProfiles.find(board);
    Environment env = DeviceSetup.calm(profile, 0);
    CountDownLatch close = new CountDownLatch(1);
    CountDownLatch reset = new CountDownLatch(1);
    try (Peers.OneShotServer closing = new Peers.OneShotServer((in, out, s) -> close.await()); // then closes: a FIN
         Peers.OneShotServer resetting = new Peers.OneShotServer((in, out, s) -> {
           reset.await();
           s.setSoLinger(true, 0); // closes with an RST
         });
         Emulation emu = SocketScripts.start(board, style, network, env,
             Map.of("CLOSING", closing.port, "RESETTING", resetting.port, "UNCROSSABLE", UNCROSSABLE), """
        sys.taskInit(function()
          networkUp()
          local f = open("f")
          socket.config(f)
          socket.connect(f, "127.0.0.1", CLOSING)
          nextEvent("f")
          local r = open("r")
          socket.config(r)
          socket.connect(r, "127.0.0.1", RESETTING)
          nextEvent("r")
          log.info("t", "online")
          sys.waitUntil("GO") -- the uplink is now far too slow for these bytes to get across
          socket.debug(f, true) -- the adapter's lines show which event ends each connection
          socket.debug(r, true)
          local data = string.rep("x", UNCROSSABLE)
          log.info("t", "tx f", socket.tx(f, data))
          nextEvent("f") -- the peer closed with the data still on its way
          log.info("t", "closed", socket.state(f))
          log.info("t", "tx f", socket.tx(f, "more"))
          log.info("t", "tx r", socket.tx(r, data))
          nextEvent("r") -- the peer reset the connection
          log.info("t", "reset", socket.state(r))
          log.info("t", "wait r", socket.wait(r))
          noMoreEvents("f")
          noMoreEvents("r")
          os.exit(0)
        end)
        sys.run()
        """)) {
      try {
        emu.awaitLine("I/user.t online");
        env.fault(profile.defaultAdapter().orElseThrow(), new Fault.Bandwidth(SLOW_KBPS));
        emu.device().post(new SysPublish("GO", List.of()));
        emu.awaitLine("I/user.t tx f true false false");
        close.countDown();
        emu.awaitLine("I/user.t tx r true false false");
        reset.countDown();
        assertThat(SocketScripts.exited(emu)).containsExactly(
            "I/user.f ON_LINE 0",
            "I/user.r ON_LINE 0",
            "I/user.t online",
            "I/user.t tx f true false false",
            "I/user.f TX_OK -1", // the result of the wait the tx set, not EVENT and not CLOSED
            "I/user.t closed 5 在线",
            "I/user.t tx f false true false",
            "I/user.t tx r true false false",
            "I/user.r TX_OK -1",
            "I/user.t reset 5 在线",
            "I/user.t wait r false false");
        // lwIP reports a FIN as a remote close and an RST as a socket error (net_lwip2_tcp_recv_cb,
        // net_lwip2_tcp_err_cb); the machine fails the TX_OK wait on either
        assertThat(emu.lines().stream().filter(l -> l.startsWith("network_default_socket_callback 1123:"))
            .map(l -> l.replaceFirst("socket \\d+,", "socket N,"))).containsExactly(
            "network_default_socket_callback 1123:before process socket N,event:0xf2000008(对端关闭),state:5(在线),wait:3(等待发送完成)",
            "network_default_socket_callback 1123:before process socket N,event:0xf200000a(连接异常),state:5(在线),wait:3(等待发送完成)");
        closing.join();
        resetting.join();
      } finally {
        close.countDown();
        reset.countDown();
      }
    }
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("airemu.lua.SocketScripts#boardsAndStyles")
  void aRefusedConnectAnUnknownHostAndAFailedHandshakeFailOnLineAndTheCtrlConnectsAgainAfterClose(String board, Style style) {
    assertThat(SocketScripts.run(board, style, network, Map.of("ECHO", tcpEcho.port, "CLOSED_PORT", Peers.closedTcpPort()), """
        sys.taskInit(function()
          networkUp()
          local c = open("c")
          socket.config(c)
          log.info("t", "connect", socket.connect(c, "127.0.0.1", CLOSED_PORT))
          nextEvent("c") -- refused
          log.info("t", "refused", socket.state(c))
          log.info("t", "again", socket.connect(c, "127.0.0.1", ECHO)) -- the failed socket must be closed first
          socket.close(c)
          log.info("t", "closed", socket.state(c))
          log.info("t", "again", socket.connect(c, "127.0.0.1", ECHO))
          nextEvent("c")
          log.info("t", "online", socket.state(c))
          socket.close(c)
          log.info("t", "unknown", socket.connect(c, "nosuch.test", ECHO))
          log.info("t", "resolving", socket.state(c))
          nextEvent("c") -- NXDOMAIN
          log.info("t", "unresolved", socket.state(c))
          log.info("t", "remote", socket.remoteIP(c))
          socket.close(c)
          log.info("t", "known", socket.connect(c, "echo.test", ECHO))
          nextEvent("c")
          log.info("t", "remote", socket.remoteIP(c))
          socket.close(c)
          socket.config(c, nil, nil, true) -- TLS to the echo: its ClientHello comes back, no ServerHello
          log.info("t", "tls", socket.connect(c, "127.0.0.1", ECHO))
          nextEvent("c")
          log.info("t", "handshake failed", socket.state(c))
          noMoreEvents("c")
          local u = open("u") -- a UDP ctrl resolves its name first too, and fails the same way
          socket.config(u, nil, true)
          log.info("t", "udp unknown", socket.connect(u, "nosuch.test", ECHO))
          log.info("t", "resolving", socket.state(u))
          nextEvent("u")
          log.info("t", "unresolved", socket.state(u))
          noMoreEvents("u")
          os.exit(0)
        end)
        sys.run()
        """)).containsExactly(
        "I/user.t connect true false",
        "I/user.c ON_LINE -1",
        "I/user.t refused 3 正在连接",
        "I/user.t again false false",
        "I/user.t closed 3 正在连接",
        "I/user.t again true false",
        "I/user.c ON_LINE 0",
        "I/user.t online 5 在线",
        "I/user.t unknown true false",
        "I/user.t resolving 2 等待DNS",
        "I/user.c ON_LINE -1",
        "I/user.t unresolved 2 等待DNS",
        "I/user.t remote nil nil nil nil",
        "I/user.t known true false",
        "I/user.c ON_LINE 0",
        "I/user.t remote 127.0.0.1 nil nil nil",
        "I/user.t tls true false",
        "I/user.c ON_LINE -1",
        "I/user.t handshake failed 4 正在TLS握手",
        "I/user.t udp unknown true false",
        "I/user.t resolving 2 等待DNS",
        "I/user.u ON_LINE -1",
        "I/user.t unresolved 2 等待DNS");
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("airemu.lua.SocketScripts#boardsAndStyles")
  void aUdpClientGetsOneEventPerDatagramWithTheSenderAndDisconClosesAtOnce(String board, Style style) {
    int echo = udpEcho.port;
    assertThat(SocketScripts.run(board, style, network, Map.of("ECHO", echo, "CLOSED_PORT", Peers.closedTcpPort()), """
        sys.taskInit(function()
          networkUp()
          local u = open("u")
          log.info("t", "config", socket.config(u, nil, true))
          log.info("t", "connect", socket.connect(u, "127.0.0.1", ECHO))
          nextEvent("u")
          log.info("t", "online", socket.state(u))
          log.info("t", "tx", socket.tx(u, "one"))
          nextEvent("u") -- handed to IP
          nextEvent("u") -- the echo
          local ok, data, ip, port = socket.read(u)
          log.info("t", "read", ok, data, ip:toHex(), port, math.type(port))
          log.info("t", "tx", socket.tx(u, "datagram"))
          log.info("t", "wait", socket.wait(u)) -- no TX_OK for this one, only the echo's EVENT
          nextEvent("u")
          log.info("t", "pending", socket.rx(u)) -- the first datagram's length
          local buf = zbuff.create(2)
          local ok2, n, ip2, port2 = socket.rx(u, buf, 0, 3) -- UDP drops the rest of the datagram
          log.info("t", "rx", ok2, n, buf:toStr(0, buf:used()), ip2:toHex(), port2, math.type(port2))
          log.info("t", "pending", socket.rx(u))
          log.info("t", "discon", socket.discon(u))
          log.info("t", "offline", socket.state(u))
          noMoreEvents("u")

          local n = open("n") -- never configured, so UDP: "connecting" to a closed TCP port succeeds
          log.info("t", "connect", socket.connect(n, "127.0.0.1", CLOSED_PORT))
          nextEvent("n")
          log.info("t", "online", socket.state(n))
          noMoreEvents("n")
          os.exit(0)
        end)
        sys.run()
        """)).containsExactly(
        "I/user.t config true",
        "I/user.t connect true false",
        "I/user.u ON_LINE 0",
        "I/user.t online 5 在线",
        "I/user.t tx true false false",
        "I/user.u TX_OK 0",
        "I/user.u EVENT 0",
        "I/user.t read true one 007F000001 " + echo + " integer",
        "I/user.t tx true false false",
        "I/user.t wait true false",
        "I/user.u EVENT 0",
        "I/user.t pending true 8",
        "I/user.t rx true 3 dat 007F000001 " + echo + " integer",
        "I/user.t pending true 0",
        "I/user.t discon true true",
        "I/user.t offline 1 离线",
        "I/user.t connect true false",
        "I/user.n ON_LINE 0",
        "I/user.t online 5 在线");
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("airemu.lua.SocketScripts#boardsAndStyles")
  void theLinkLostFailsEveryWaitAndCtrlsWaitingForTheLinkCarryOnWhenItReturns(String board, Style style) throws Exception {
    BoardProfile profile = BoardProfiles.find(board);
    String adapter = profile.defaultAdapter().orElseThrow();
    Environment env = DeviceSetup.calm(profile, 0);
    try (Emulation emu = SocketScripts.start(board, style, network, env,
        Map.of("ECHO", tcpEcho.port, "UDP_ECHO", udpEcho.port, "LISTEN", Peers.freeTcpPort()), """
        sys.taskInit(function()
          networkUp()
          local o = open("o")
          socket.config(o)
          socket.connect(o, "127.0.0.1", ECHO)
          nextEvent("o")
          local u = open("u")
          socket.config(u, nil, true)
          socket.connect(u, "127.0.0.1", UDP_ECHO)
          nextEvent("u")
          local d = open("d")
          socket.config(d)
          socket.connect(d, "127.0.0.1", ECHO)
          nextEvent("d")
          local l = open("l")
          socket.config(l, LISTEN)
          socket.listen(l)
          -- the bind's confirmation raises no event: a script that must be listening looks at the state
          while socket.state(l) ~= 6 do sys.wait(5) end
          log.info("t", "online")
          sys.waitUntil("GO") -- the network now swallows every packet
          local c = open("c")
          socket.config(c)
          log.info("t", "connect", socket.connect(c, "127.0.0.1", ECHO))
          log.info("t", "tx", socket.tx(o, "held"))
          log.info("t", "discon", socket.discon(d)) -- its FIN cannot leave either: it waits in state 7
          log.info("t", "connecting", socket.state(c))
          nextEvent("c")
          nextEvent("o")
          nextEvent("u")
          nextEvent("l")
          nextEvent("d")
          log.info("t", "states", socket.state(c))
          log.info("t", "states", socket.state(o))
          log.info("t", "states", socket.state(u))
          log.info("t", "states", socket.state(d))
          for _, name in ipairs({"c", "o", "u", "l", "d"}) do noMoreEvents(name) end
          for _, failed in ipairs({c, o, u, l, d}) do socket.release(failed) end -- a failed ctrl is not re-armed
          local k = open("k") -- these two wait for the link to return
          log.info("t", "linkup", socket.linkup(k))
          local w = open("w")
          socket.config(w)
          log.info("t", "connect", socket.connect(w, "127.0.0.1", ECHO))
          log.info("t", "waiting", socket.state(w))
          nextEvent("k")
          nextEvent("w")
          noMoreEvents("k")
          noMoreEvents("w")
          os.exit(0)
        end)
        sys.run()
        """)) {
      emu.awaitLine("I/user.t online");
      env.fault(adapter, new Fault.Blackhole());
      emu.device().post(new SysPublish("GO", List.of()));
      emu.awaitLine("I/user.t connecting 3 正在连接");
      env.link(adapter, false);
      emu.awaitLine("I/user.t waiting 0 硬件离线");
      env.clearAll(adapter);
      env.link(adapter, true);
      assertThat(SocketScripts.exited(emu)).containsExactly(
          "I/user.o ON_LINE 0",
          "I/user.u ON_LINE 0",
          "I/user.d ON_LINE 0",
          "I/user.t online",
          "I/user.t connect true false",
          "I/user.t tx true false false",
          "I/user.t discon true false",
          "I/user.t connecting 3 正在连接",
          "I/user.c ON_LINE -1",
          "I/user.o TX_OK -1",
          "I/user.u EVENT -1",
          "I/user.l ON_LINE -1", // a listening ctrl waits for ON_LINE
          "I/user.d CLOSED -1", // the discon's wait fails; the state stays where it was
          "I/user.t states 3 正在连接",
          "I/user.t states 5 在线",
          "I/user.t states 5 在线",
          "I/user.t states 7 正在离线",
          "I/user.t linkup true false",
          "I/user.t connect true false",
          "I/user.t waiting 0 硬件离线",
          "I/user.k LINK 0",
          "I/user.w ON_LINE 0");
    }
  }

  /**
   * A Netty peer on loopback that greets each client with {@code hello} and, when the test says so,
   * sends its last words to the latest client and hangs up.
   */
  static final class HangingUpPeer implements AutoCloseable {
    HangingUpPeer() {
      server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class).childHandler(new Greeter())
          .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).syncUninterruptibly().channel();
    }

    int port() {
      return ((InetSocketAddress) server.localAddress()).getPort();
    }

    void hangUp(String lastWords) {
      try {
        Channel ch = clients.poll(Emulation.WAIT.toMillis(), TimeUnit.MILLISECONDS);
        if (ch == null) throw new AssertionError("no client came");
        ch.writeAndFlush(Unpooled.copiedBuffer(lastWords, StandardCharsets.US_ASCII)).addListener(ChannelFutureListener.CLOSE);
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
    }

    @Override
    public void close() {
      server.close().syncUninterruptibly();
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @ChannelHandler.Sharable
    private final class Greeter extends ChannelInboundHandlerAdapter {
      @Override
      public void channelActive(ChannelHandlerContext ctx) {
        clients.add(ctx.channel());
        ctx.writeAndFlush(Unpooled.copiedBuffer("hello", StandardCharsets.US_ASCII));
      }

      @Override
      public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ((ByteBuf) msg).release();
      }
    }

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final BlockingQueue<Channel> clients = new LinkedBlockingQueue<>();
    private final Channel server;
  }
}
