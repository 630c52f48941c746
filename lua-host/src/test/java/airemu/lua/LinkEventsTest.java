package airemu.lua;

import static org.assertj.core.api.Assertions.assertThat;

import airemu.config.BoardProfiles;
import airemu.core.Device;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The link events of spec 6.2 as a script sees them, with sockets open to a real echo peer when an
 * adapter's link drops and returns: {@code IP_LOSE} first, then each open ctrl's current wait fails
 * with -1; a ctrl that was left waiting in LINK_OFF carries on after {@code IP_READY}; a failed one is
 * not re-armed (it fails again on the next link event); the other adapters are untouched.
 */
class LinkEventsTest {
  /** Callbacks that log their events by name and publish them for the task ({@code CB_<name>}). */
  private static final String CTRLS = """
      local names = {[socket.ON_LINE] = "ON_LINE", [socket.EVENT] = "EVENT", [socket.LINK] = "LINK",
        [socket.TX_OK] = "TX_OK", [socket.CLOSED] = "CLOSED"}
      local function ctrl(name, adapter)
        return socket.create(adapter, function(_, ev, param)
          log.info("cb", name, names[ev] or ev, param)
          sys.publish("CB_" .. name, ev, param)
        end)
      end
      local function echoed(c)
        local buf = zbuff.create(64)
        socket.rx(c, buf)
        return buf:toStr(0, buf:used())
      end
      local function logLinks()
        for _, topic in ipairs({"IP_READY", "IP_LOSE", "WLAN_STA_INC"}) do
          sys.subscribe(topic, function(...)
            local args = {...}
            if topic == "IP_READY" then args[1] = args[1] == socket.localIP(args[2]) end
            if topic == "WLAN_STA_INC" and args[1] == "CONNECTED" then args[3] = args[3]:toHex() end
            log.info("pub", topic, table.unpack(args))
          end)
        end
      end
      """;
  @RegisterExtension static final LoopbackEcho echo = new LoopbackEcho();

  private static List<String> userLines(String board, String script) throws Exception {
    int listenPort;
    try (ServerSocket s = new ServerSocket(0)) {
      listenPort = s.getLocalPort();
    }
    String main = "PORT = " + echo.port() + " LISTEN_PORT = " + listenPort + "\n" + CTRLS + script;
    try (Emulation emu = Emulation.run(BoardProfiles.find(board), Map.of("main.lua", main), Device.CrashPolicy.STOP, 5000,
        Emulation.TEST_NETWORK)) {
      emu.awaitExit();
      return emu.lines().stream().filter(l -> l.startsWith("I/user.")).toList();
    }
  }

  @Test
  void flightModeFailsTheOpenCtrlsAndTheWaitingOnesCarryOnWhenTheBearerReturns() throws Exception {
    assertThat(userLines("air780epm", """
        logLinks()
        sys.taskInit(function()
          sys.waitUntil("IP_READY")
          local a = ctrl("A")
          socket.config(a)
          socket.connect(a, "127.0.0.1", PORT)
          sys.waitUntil("CB_A")
          socket.wait(a) -- waiting for data
          local l = ctrl("L")
          socket.config(l, LISTEN_PORT)
          socket.listen(l)
          while socket.state(l) ~= 6 do sys.wait(10) end
          log.info("t", "up", socket.state(a), socket.state(l))
          mobile.flymode(0, true)
          sys.waitUntil("CB_A")
          sys.waitUntil("CB_L")
          log.info("t", "lost", socket.state(a), socket.state(l), socket.adapter(socket.LWIP_GP))
          local w = ctrl("W")
          socket.config(w)
          local k = ctrl("K")
          log.info("t", "waiting", socket.connect(w, "127.0.0.1", PORT), socket.state(w), socket.linkup(k), socket.state(k))
          mobile.flymode(0, false)
          sys.waitUntil("CB_W")
          socket.tx(w, "back")
          socket.wait(w) -- after the tx: only the echo's EVENT comes
          sys.waitUntil("CB_W")
          log.info("t", "echo", echoed(w), socket.state(a))
          os.exit(0)
        end)
        sys.run()
        """)).containsExactly(
        "I/user.pub IP_READY true 1",
        "I/user.cb A ON_LINE 0",
        "I/user.t up 5 6 在监听",
        "I/user.pub IP_LOSE 1",
        "I/user.cb A EVENT -1", // the wait of an online ctrl fails
        "I/user.cb L ON_LINE -1", // a listening ctrl waits for ON_LINE
        "I/user.t lost 5 6 false 1",
        "I/user.t waiting true 0 true 0 硬件离线", // both wait in LINK_OFF
        "I/user.pub IP_READY true 1",
        "I/user.cb A EVENT -1", // not re-armed: the link event fails it again
        "I/user.cb L EVENT -1",
        "I/user.cb K LINK 0", // linkup carries on
        "I/user.cb W ON_LINE 0", // and so does connect
        "I/user.cb W EVENT 0",
        "I/user.t echo back 5 在线");
  }

  // The three scripts of the issue-3 audit (F1): on a module the link change has gone through every
  // ctrl's state machine (in the lwIP task) before the script sees IP_READY or IP_LOSE.

  @Test
  void aCtrlCreatedBeforeTheNetworkConnectsOnceIpReadyIsThere() throws Exception {
    assertThat(userLines("air780epm", """
        logLinks()
        sys.taskInit(function()
          local c = ctrl("C")
          socket.config(c)
          sys.waitUntil("IP_READY")
          log.info("t", "connect", socket.connect(c, "127.0.0.1", PORT))
          repeat local _, ev = sys.waitUntil("CB_C") until ev == socket.ON_LINE
          log.info("t", "state", socket.state(c))
          os.exit(0)
        end)
        sys.run()
        """)).containsExactly(
        "I/user.pub IP_READY true 1",
        "I/user.t connect true false",
        "I/user.cb C 33554433 0", // the link event reached it before any call armed it: raw, as the firmware forwards it
        "I/user.cb C ON_LINE 0",
        "I/user.t state 5 在线");
  }

  @Test
  void aCtrlThatLinkedUpEarlyHearsLinkAndThenConnects() throws Exception {
    assertThat(userLines("air780epm", """
        logLinks()
        sys.taskInit(function()
          local d = ctrl("D")
          socket.config(d)
          log.info("t", "early", socket.linkup(d))
          sys.waitUntil("IP_READY")
          log.info("t", "late", socket.linkup(d))
          socket.connect(d, "127.0.0.1", PORT)
          repeat local _, ev = sys.waitUntil("CB_D") until ev == socket.ON_LINE
          os.exit(0)
        end)
        sys.run()
        """)).containsExactly(
        "I/user.t early true false",
        "I/user.pub IP_READY true 1",
        "I/user.t late true true",
        "I/user.cb D LINK 0",
        "I/user.cb D ON_LINE 0");
  }

  @Test
  void inTheIpLoseHandlerAnOnlineCtrlAlreadyFailsTxAndWait() throws Exception {
    assertThat(userLines("air780epm", """
        logLinks()
        local c
        sys.subscribe("IP_LOSE", function()
          log.info("lose", "tx", socket.tx(c, "x"))
          log.info("lose", "wait", socket.wait(c))
        end)
        sys.taskInit(function()
          sys.waitUntil("IP_READY")
          c = ctrl("C")
          socket.config(c)
          socket.connect(c, "127.0.0.1", PORT)
          sys.waitUntil("CB_C")
          mobile.flymode(0, true)
          sys.waitUntil("CB_C")
          log.info("t", "state", socket.state(c))
          os.exit(0)
        end)
        sys.run()
        """)).containsExactly(
        "I/user.pub IP_READY true 1",
        "I/user.cb C ON_LINE 0",
        "I/user.pub IP_LOSE 1",
        "I/user.lose tx false true false",
        "I/user.lose wait false false",
        "I/user.cb C EVENT -1",
        "I/user.t state 5 在线");
  }

  @Test
  void theStationDroppingAndRejoiningLeavesTheCellularSocketAlone() throws Exception {
    assertThat(userLines("air8000", """
        logLinks()
        local function readyOn(adapter)
          repeat local _, _, a = sys.waitUntil("IP_READY") until a == adapter
        end
        sys.taskInit(function()
          readyOn(socket.LWIP_GP)
          wlan.init()
          wlan.connect("luatos1234", "12341234")
          readyOn(socket.LWIP_STA)
          local g, s = ctrl("G", socket.LWIP_GP), ctrl("S", socket.LWIP_STA)
          for _, c in ipairs({g, s}) do socket.config(c) end
          socket.connect(g, "127.0.0.1", PORT) -- one after the other: a publish nobody waits for yet is lost
          sys.waitUntil("CB_G")
          socket.connect(s, "127.0.0.1", PORT)
          sys.waitUntil("CB_S")
          socket.wait(s)
          wlan.disconnect()
          sys.waitUntil("CB_S")
          log.info("t", "sta lost", socket.adapter(socket.LWIP_STA), socket.adapter(socket.LWIP_GP))
          socket.tx(g, "cellular")
          socket.wait(g)
          sys.waitUntil("CB_G")
          log.info("t", "echo", echoed(g))
          local w = ctrl("W", socket.LWIP_STA)
          socket.config(w)
          log.info("t", socket.connect(w, "127.0.0.1", PORT), socket.state(w))
          wlan.connect("luatos1234", "12341234")
          sys.waitUntil("CB_W")
          os.exit(0)
        end)
        sys.run()
        """)).containsExactly(
        "I/user.pub IP_READY true 1",
        "I/user.pub WLAN_STA_INC CONNECTED luatos1234 AABBCCDDEE01",
        "I/user.pub IP_READY true 2",
        "I/user.cb G ON_LINE 0",
        "I/user.cb S ON_LINE 0",
        "I/user.pub WLAN_STA_INC DISCONNECTED 259",
        "I/user.pub IP_LOSE 2",
        "I/user.cb S EVENT -1",
        "I/user.t sta lost false true 1",
        "I/user.cb G EVENT 0",
        "I/user.t echo cellular",
        "I/user.t true 0 硬件离线", // waits in LINK_OFF
        "I/user.pub WLAN_STA_INC CONNECTED luatos1234 AABBCCDDEE01",
        "I/user.pub IP_READY true 2",
        "I/user.cb S EVENT -1",
        "I/user.cb W ON_LINE 0");
  }
}
