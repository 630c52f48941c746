package airemu.lua;

import static org.assertj.core.api.Assertions.assertThat;

import airemu.config.BoardProfiles;
import airemu.core.Device;
import airemu.netif.NetOptions;
import airemu.netif.peers.EchoPeer;
import airemu.netif.peers.SntpPeer;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The socket library as scripts use it, against a real echo peer on loopback reached through the
 * hosts table: callback style, task-name style and libnet, with the exact events the firmware gives.
 */
class SocketTest {
  /** What the time server answers: 2030-01-01 00:00:00.250 UTC, far from the host's own clock. */
  private static final long SERVER_TIME = 1_893_456_000_250L;

  private static EchoPeer echo;
  private static SntpPeer sntp;
  private static NetOptions network;

  @BeforeAll
  static void startPeer() throws Exception {
    InetAddress loopback = InetAddress.getLoopbackAddress();
    echo = EchoPeer.start(loopback, 0);
    sntp = SntpPeer.start(loopback, 0, () -> SERVER_TIME);
    InetAddress ntp = InetAddress.getByName("203.107.6.88"); // virtual: routed to the peer, never reached
    network = Emulation.TEST_NETWORK.withHost("echo.test", loopback).withHost("ntp.aliyun.com", ntp)
        .withRoute(ntp, sntp.address());
  }

  @AfterAll
  static void stopPeer() {
    echo.close();
    sntp.close();
  }

  private static List<String> run(String board, String script) {
    String main = "PORT = " + echo.port() + "\n" + script;
    try (Emulation emu = Emulation.run(BoardProfiles.find(board), Map.of("main.lua", main), Device.CrashPolicy.STOP, 5000,
        network)) {
      emu.awaitExit();
      return emu.scriptLines();
    } catch (airemu.config.ConfigException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void aCallbackClientConnectsSendsReceivesAndDisconnects() {
    assertThat(run("air780epm", """
        local netc
        local rxbuf = zbuff.create(16)
        local function cb(sc, event, param)
          if event == socket.ON_LINE then
            log.info("cb", "ON_LINE", param, socket.state(netc))
            socket.tx(netc, "hello")
          elseif event == socket.TX_OK then
            log.info("cb", "TX_OK", param)
            socket.wait(netc)
          elseif event == socket.EVENT then
            local ok, len = socket.rx(netc, rxbuf)
            log.info("cb", "EVENT", param, ok, len, rxbuf:toStr(0, rxbuf:used()))
            log.info("cb", type(sc), sc == netc, tostring(sc):sub(1, 12), tostring(netc):sub(1, 9))
            log.info("cb", socket.discon(netc))
          elseif event == socket.CLOSED then
            log.info("cb", "CLOSED", param, socket.state(netc))
            socket.close(netc)
            socket.release(netc)
            log.info("cb", "released", socket.state(netc), socket.tx(netc, "x"))
            os.exit(0)
          end
        end
        sys.taskInit(function()
          sys.waitUntil("IP_READY")
          netc = socket.create(nil, cb)
          log.info("t", socket.state(netc))
          socket.config(netc)
          log.info("t", socket.connect(netc, "echo.test", PORT))
        end)
        sys.run()
        """)).containsExactly("I/user.t 0 硬件离线",
        "D/socket connect to echo.test," + echo.port(), "I/user.t true false",
        "D/net adapter 1 connect 127.0.0.1:" + echo.port() + " TCP", "I/user.cb ON_LINE 0 5 在线", "I/user.cb TX_OK 0",
        "I/user.cb EVENT 0 true 5 hello", "I/user.cb userdata false userdata: 0x NWCTRL*: ", "I/user.cb true false",
        "I/user.cb CLOSED 0 1 离线", "I/user.cb released nil");
  }

  @Test
  void aTaskClientWithLibnetEchoesAsTheCanonicalDemoLoop() {
    assertThat(run("air8000", """
        local libnet = require "libnet"
        local TASK = "tcp_client"
        sys.taskInitEx(function()
          while not socket.adapter(socket.dft()) do sys.waitUntil("IP_READY", 1000) end
          local netc = socket.create(nil, TASK)
          socket.config(netc, nil, nil, nil, 300, 10, 3)
          log.info("t", "connect", libnet.connect(TASK, 15000, netc, "echo.test", PORT))
          log.info("t", "tx", libnet.tx(TASK, 15000, netc, "ping 1"))
          local rx = zbuff.create(64)
          local ok, more = libnet.wait(TASK, 15000, netc)
          socket.rx(netc, rx)
          log.info("t", "wait", ok, more, rx:toStr(0, rx:used()))
          local msg = sys.waitMsg(TASK, socket.EVENT, 50)
          log.info("t", "timeout", msg, libnet.wait(TASK, 50, netc))
          libnet.close(TASK, 5000, netc)
          socket.release(netc)
          log.info("t", "done", libnet.version())
          os.exit(0)
        end, TASK)
        sys.run()
        """)).containsExactly("D/user.libnet version -> 202607021200",
        "D/socket connect to echo.test," + echo.port(), "D/net adapter 1 connect 127.0.0.1:" + echo.port() + " TCP",
        "I/user.t connect true", "I/user.t tx true false", "I/user.t wait true true ping 1", "I/user.t timeout nil true false",
        "I/user.t done 202607021200");
  }

  @Test
  void udpGivesOneDatagramPerReadWithTheSendersAddress() {
    assertThat(run("air780epm", """
        sys.taskInitEx(function()
          sys.waitUntil("IP_READY")
          local netc = socket.create(nil, "udp")
          socket.config(netc, nil, true)
          socket.connect(netc, "127.0.0.1", PORT)
          sys.waitMsg("udp", socket.ON_LINE)
          socket.tx(netc, "one")
          socket.tx(netc, "two!")
          sys.waitMsg("udp", socket.EVENT) -- one event per datagram
          sys.waitMsg("udp", socket.EVENT)
          log.info("u", socket.rx(netc))
          local ok, data, ip, port = socket.read(netc)
          log.info("u", ok, data, ip:toHex(), port == PORT)
          local buf = zbuff.create(2)
          local ok2, n, ip2 = socket.rx(netc, buf, 0, 3)
          log.info("u", ok2, n, buf:toStr(0, buf:used()), #ip2, socket.rx(netc))
          os.exit(0)
        end, "udp")
        sys.run()
        """)).containsExactly("D/socket connect to 127.0.0.1," + echo.port(),
        "D/net adapter 1 connect 127.0.0.1:" + echo.port() + " UDP", "I/user.u true 3", "I/user.u true one 007F000001 true",
        "D/socket 待数据数据长度 4 限制读取长度 3", "I/user.u true 3 two 5 true 0");
  }

  @Test
  void theCellularAdapterPublishesIpReadyWithItsNumberAndRegistryCallsAnswer() {
    assertThat(run("air8000", """
        local ok, ip, adapter = sys.waitUntil("IP_READY", 5000)
        log.info("t", ok, type(ip), adapter == socket.LWIP_GP, socket.LWIP_GP, socket.LWIP_STA, socket.LWIP_AP, socket.ETH0)
        log.info("t", socket.dft())
        log.info("t", socket.adapter(socket.LWIP_GP), socket.adapter(socket.LWIP_STA))
        log.info("t", select("#", socket.localIP(socket.LWIP_GP)), select(2, socket.localIP()))
        log.info("t", socket.create(99), socket.create(socket.LWIP_ETH), socket.setDNS(nil, 1, "1.2.3.4"), socket.setDNS(99, 1, "1.2.3.4"))
        os.exit(0)
        """.replace("local ok", "sys.taskInit(function() local ok").replace("os.exit(0)", "os.exit(0) end) sys.run()")))
        .containsExactly("I/user.t true string true 1 2 3 17", "I/user.t 1 3",
            "I/user.t true false 2", "I/user.t 4 255.255.255.255 0.0.0.0 2408:8456:b02f:10be::c8", "adapter index 4 is invalid!",
            "D/socket create fail", "W/socket adapter_index is invaild 99", "I/user.t nil nil true false");
  }

  @Test
  void wrongArgumentsRaiseAndReleasedOrMissingCtrlsReturnNothing() {
    assertThat(run("air780epm", """
        local netc = socket.create()
        log.info("t", pcall(socket.connect, netc, {}, 80))
        log.info("t", pcall(socket.connect, netc, "x"))
        log.info("t", pcall(socket.tx, netc, {}))
        log.info("t", select("#", socket.connect(nil, "x", 1)), select("#", socket.state(nil)))
        socket.release(netc)
        log.info("t", select("#", socket.state(netc)), select("#", socket.connect(netc, "x", 1)), socket.remoteIP(netc))
        os.exit(0)
        """)).containsExactly("I/user.t false bad argument #2 to 'socket.connect' (string expected, got table)",
        "I/user.t false bad argument #3 to 'socket.connect' (number expected, got no value)",
        "I/user.t false bad argument #2 to 'socket.tx' (ZBUFF* expected, got table)",
        "I/user.t 0 0", "I/user.t 0 0 nil nil nil nil");
  }

  @Test
  void sntpSetsTheClockThatOsTimeAndNtptmRead() {
    assertThat(run("air780epm", """
        sys.taskInit(function()
          sys.waitUntil("IP_READY")
          sys.waitUntil("NTP_UPDATE") -- the cellular network's time, which follows the attach
          local before = socket.ntptm()
          log.info("t", before.vaild, before.ssec, socket.sntp_port())
          socket.sntp()
          socket.sntp()
          local ok, src = sys.waitUntil("NTP_UPDATE", 5000)
          log.info("t", ok, src)
          local tm = socket.ntptm()
          log.info("t", tm.vaild, tm.tsec - 1893456000 < 2, tm.ndeley, os.time() - 1893456000 < 2, os.date("%Y-%m-%d %H"))
          log.info("t", pcall(socket.sntp, {"ntp.aliyun.com", 5}))
          log.info("t", pcall(socket.sntp, {"ntp.aliyun.com", {}}))
          os.exit(0)
        end)
        sys.run()
        """)).containsExactly("I/user.t nil 0 123", "D/sntp query ntp.aliyun.com", "I/sntp sntp is running",
        "D/net adapter 1 connect 203.107.6.88:123 UDP", "D/sntp Unix timestamp: 1893456000", "I/user.t true nil",
        "I/user.t true true 0 true 2030-01-01 08", "D/sntp query ntp.aliyun.com", "I/user.t true",
        "I/user.t false bad argument #-1 to 'socket.sntp' (string expected, got table)");
  }
}
