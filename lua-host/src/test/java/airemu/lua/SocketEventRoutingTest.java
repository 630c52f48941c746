package airemu.lua;

import static org.assertj.core.api.Assertions.assertThat;

import airemu.config.BoardProfiles;
import airemu.core.Device;
import airemu.netif.Peers;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Where a ctrl's events go (spec 2.0, section 10 items 1, 7 and 9): a callback gets a light userdata
 * it can drive the ctrl with, inside {@code rtos.receive} and never inside a socket call; a task name
 * gets {@code sys_send}, a number being a name too, and nobody gets the events of a name no task
 * registered; a ctrl with neither publishes {@code NWCTRL*}. And libnet's waits on a Wi-Fi module.
 */
class SocketEventRoutingTest {
  private static Peers.Socat echo;

  @BeforeAll
  static void startPeer() {
    echo = Peers.Socat.tcpEcho();
  }

  @AfterAll
  static void stopPeer() {
    echo.close();
  }

  private static List<String> run(String board, String script) throws Exception {
    String main = "ECHO = " + echo.port + "\n" + script;
    try (Emulation emu = Emulation.run(BoardProfiles.find(board), Map.of("main.lua", main), Device.CrashPolicy.STOP, 5000,
        Emulation.TEST_NETWORK)) {
      return SocketScripts.exited(emu);
    }
  }

  @ParameterizedTest
  @MethodSource("airemu.lua.SocketScripts#boards")
  void aCallbackDrivesItsCtrlThroughTheLightUserdataItIsGiven(String board) throws Exception {
    assertThat(run(board, """
        local buf = zbuff.create(8)
        local netc
        local function cb(sc, event, param)
          if event == socket.ON_LINE then
            log.info("cb", "ON_LINE", param, socket.tx(sc, "ping"))
          elseif event == socket.TX_OK then
            log.info("cb", "TX_OK", param, socket.state(sc))
          elseif event == socket.EVENT then
            log.info("cb", "EVENT", param, socket.rx(sc, buf))
            log.info("cb", "discon", buf:toStr(0, buf:used()), socket.discon(sc))
          elseif event == socket.CLOSED then
            log.info("cb", "CLOSED", param, socket.state(sc))
            socket.release(sc)
            log.info("cb", "released", select("#", socket.state(netc)), select("#", socket.state(sc)))
            os.exit(0)
          end
        end
        sys.taskInit(function()
          if socket.dft() == socket.LWIP_STA then
            wlan.init()
            wlan.connect("luatos1234", "12341234")
          end
          while not socket.adapter(socket.dft()) do sys.waitUntil("IP_READY", 1000) end
          netc = socket.create(nil, cb)
          socket.config(netc)
          log.info("t", "connect", socket.connect(netc, "127.0.0.1", ECHO))
          log.info("t", "no event inside the call")
        end)
        sys.run()
        """)).containsExactly("I/user.t connect true false", "I/user.t no event inside the call",
        "I/user.cb ON_LINE 0 true false false", "I/user.cb TX_OK 0 5 在线", "I/user.cb EVENT 0 true 4 nil nil",
        "I/user.cb discon ping true false", "I/user.cb CLOSED 0 1 离线", "I/user.cb released 0 0");
  }

  @Test
  void theEventConstantsAreTheFirmwaresResultEvents() throws Exception {
    assertThat(run("air780epm", """
        log.info("t", socket.LINK, socket.ON_LINE, socket.TX_OK, socket.CLOSED, socket.EVENT, math.type(socket.EVENT))
        os.exit(0)
        """)).containsExactly("I/user.t 33554448 33554449 33554450 33554451 33554452 integer");
  }

  @Test
  void taskNamesAreStringsOrNumbersAndEventsForNoTaskOrNoCallbackGoElsewhere() throws Exception {
    assertThat(run("air780epm", """
        local send = sys_send -- the firmware calls the global sys_send it finds: watch what it answers
        sys_send = function(name, event, param, ...)
          local ok = send(name, event, param, ...)
          log.info("sys_send", name, event == socket.ON_LINE, param, select("#", ...), ok)
          sys.publish("SENT_" .. name)
          return ok
        end
        sys.subscribe("NWCTRL*", function(adapter, id, event, param)
          log.info("pub", "NWCTRL*", adapter, math.type(id), id >= 0, event == socket.ON_LINE, param)
        end)
        sys.taskInitEx(function()
          sys.waitUntil("IP_READY")
          local n = socket.create(nil, 123) -- lua_isstring: the task "123"
          socket.config(n)
          socket.connect(n, "127.0.0.1", ECHO)
          local m = sys.waitMsg("123")
          log.info("t", "123", #m, m[1] == socket.ON_LINE, m[2])

          local lost = socket.create(nil, "nobody") -- no task of that name: sys_send drops the events
          socket.config(lost)
          socket.connect(lost, "127.0.0.1", ECHO)
          sys.waitUntil("SENT_nobody")
          sys.taskInitEx(function() end, "nobody")
          log.info("t", "nobody", socket.state(lost))
          sys.sendMsg("nobody", "after")
          log.info("t", "nobody", sys.waitMsg("nobody")[1]) -- the ON_LINE was never queued

          local p = socket.create(nil, {}) -- neither a function nor a name
          socket.config(p)
          socket.connect(p, "127.0.0.1", ECHO)
          sys.waitUntil("NWCTRL*")
          os.exit(0)
        end, "123")
        sys.run()
        """)).containsExactly("I/user.sys_send 123 true 0 0 true", "I/user.t 123 2 true 0",
        "I/user.sys_send nobody true 0 0 false", "I/user.t nobody 5 在线", "I/user.t nobody after",
        "I/user.pub NWCTRL* 1 integer true true 0");
  }

  @Test
  void anEventWhileLibnetWaitsForTxOkGoesToTheTaskCallbackAndTheDataStaysFlagged() throws Exception {
    int big = 32 * 1024 * 1024; // more than the loopback socket buffers hold, so the tx stays pending
    CountDownLatch dropped = new CountDownLatch(1);
    try (Peers.OneShotServer peer = new Peers.OneShotServer((in, out, s) -> {
      if (in.read() < 0) throw new AssertionError("no data");
      out.write("hi".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      if (!dropped.await(Emulation.WAIT.toMillis(), TimeUnit.MILLISECONDS)) throw new AssertionError("no EVENT");
      in.skipNBytes(big - 1);
    });
         Emulation emu = Emulation.run(BoardProfiles.find("air780epm"), Map.of("main.lua", "PEER = " + peer.port + "\nBIG = "
             + big + "\n" + """
        local libnet = require "libnet"
        local TASK = "client"
        sys.taskInitEx(function()
          sys.waitUntil("IP_READY")
          local c = socket.create(nil, TASK)
          socket.config(c)
          log.info("t", "connect", libnet.connect(TASK, 0, c, "127.0.0.1", PEER))
          log.info("t", "tx", libnet.tx(TASK, 0, c, string.rep("x", BIG)))
          log.info("t", "wait", socket.wait(c)) -- the EVENT was dropped, not the data
          log.info("t", "read", socket.read(c))
          os.exit(0)
        end, TASK, function(msg) log.info("t", "not waited for", msg[1] == socket.EVENT, msg[2], #msg) end)
        sys.run()
        """), Device.CrashPolicy.STOP, 5000, Emulation.TEST_NETWORK.withTxBufferBytes(2 * big))) {
      emu.awaitLine("I/user.t not waited for true 0 2");
      dropped.countDown();
      assertThat(SocketScripts.exited(emu)).containsExactly("D/user.libnet version -> 202607021200", "I/user.t connect true",
          "I/user.t not waited for true 0 2", "I/user.t tx true false", "I/user.t wait true true", "I/user.t read true hi");
      peer.join();
    }
  }

  @Test
  void dataReadBeforeItsEventCameWakesLibnetOnceAndThenItWaitsAgain() throws Exception {
    // the upstream socket client demo's loop (rx, then libnet.wait) spun here once its rx had
    // taken the echo before the EVENT came: the firmware clears the new-data flag on that read
    assertThat(run("air780epm", """
        local libnet = require "libnet"
        local TASK = "client"
        sys.taskInitEx(function()
          sys.waitUntil("IP_READY")
          local c = socket.create(nil, TASK)
          socket.config(c)
          log.info("t", "connect", libnet.connect(TASK, 0, c, "127.0.0.1", ECHO))
          socket.tx(c, "abc")
          repeat local _, n = socket.rx(c) until n > 0 -- the echo is there; its EVENT waits for this task to yield
          local buf = zbuff.create(16)
          log.info("t", "rx", socket.rx(c, buf), buf:toStr(0, buf:used()))
          log.info("t", "wait", libnet.wait(TASK, 300, c)) -- the EVENT that announced the echo
          log.info("t", "rx", socket.rx(c, buf))
          log.info("t", "wait", libnet.wait(TASK, 300, c)) -- nothing new: it waits and times out
          log.info("t", "flag", socket.wait(c))
          os.exit(0)
        end, TASK, function(msg) log.info("t", "not waited for", msg[1], msg[2]) end)
        sys.run()
        """)).containsExactly("D/user.libnet version -> 202607021200", "I/user.t connect true",
        "I/user.t rx true abc", "I/user.t wait true true", "I/user.t rx true 0", "I/user.t wait true false",
        "I/user.t flag true false");
  }

  @Test
  void libnetWaitsForTheWifiLinkThenConnectsAndClosesWithClosedZero() throws Exception {
    assertThat(run("air8101", """
        local libnet = require "libnet"
        local TASK = "client"
        sys.taskInitEx(function()
          local c = socket.create(nil, TASK)
          log.info("t", "linkup", socket.linkup(c))
          log.info("t", "state", socket.state(c))
          wlan.init()
          wlan.connect("luatos1234", "12341234")
          log.info("t", "waitLink", libnet.waitLink(TASK, 0, c))
          log.info("t", "state", socket.state(c))
          socket.config(c)
          log.info("t", "connect", libnet.connect(TASK, 0, c, "127.0.0.1", ECHO))
          log.info("t", "discon", socket.discon(c))
          local m = sys.waitMsg(TASK, socket.CLOSED)
          log.info("t", "closed", #m, m[1] == socket.CLOSED, m[2], socket.state(c))
          os.exit(0)
        end, TASK, function(msg) log.info("t", "not waited for", msg[1], msg[2]) end)
        sys.run()
        """)).containsExactly("D/user.libnet version -> 202607021200", "I/user.t linkup true false",
        "I/user.t state 0 硬件离线", "I/user.t waitLink true", "I/user.t state 1 离线", "I/user.t connect true",
        "I/user.t discon true false", "I/user.t closed 2 true 0 1 离线");
  }
}
