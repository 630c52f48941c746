package airemu.lua;

import static org.assertj.core.api.Assertions.assertThat;

import airemu.config.BoardProfiles;
import airemu.core.Device;
import airemu.netif.peers.EchoPeer;
import airemu.netif.peers.SntpPeer;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code mobile}: the cellular stack as scripts see it (luat_lib_mobile.c, spec 6.2). */
class MobileTest {

  private static List<String> run(String board, String script) {
    try (Emulation emu = Emulation.run(board, script)) {
      emu.awaitExit();
      return emu.scriptLines();
    }
  }

  /** The address of the first {@code IP_READY} the script logged as {@code I/user.pub IP_READY ip adapter}. */
  private static String firstIpReady(Emulation emu) {
    return emu.lines().stream().filter(l -> l.startsWith("I/user.pub IP_READY")).findFirst().orElseThrow().split(" ")[2];
  }

  @Test
  void identitiesStatusAndSignalBeforeAndAfterTheAttach() {
    assertThat(run("air780epm", """
        log.info("t", #mobile.imei(), mobile.imei():sub(1, 8), #mobile.imsi(), mobile.imsi():sub(1, 5), #mobile.iccid(),
          mobile.iccid():sub(1, 6), #mobile.muid(), mobile.sn(), mobile.number())
        log.info("t", mobile.status(), mobile.csq(), mobile.rssi(), mobile.rsrp(), mobile.snr(), mobile.apn())
        sys.taskInit(function()
          sys.waitUntil("IP_READY")
          local csq = mobile.csq()
          log.info("t", mobile.status(), csq > 0 and csq <= 31, mobile.rssi() == -113 + 2 * csq, mobile.rsrp() < mobile.rssi(),
            mobile.rsrq() < 0, mobile.snr() >= 0 and mobile.snr() <= 30, mobile.apn())
          log.info("t", mobile.imei() == mobile.imei(1), mobile.status() == mobile.REGISTERED, mobile.SEARCH, mobile.UNREGISTER,
            mobile.CSFB_NOT_PREFERRED_REGISTERED_ROAMING)
          log.info("t", mobile.simid(), mobile.simid(2), mobile.simid(1), mobile.simid("0"))
          log.info("t", mobile.apn(0, 1, "cmiot", "", ""), pcall(mobile.apn, 0, 1, "cmiot"))
          log.info("t", pcall(mobile.imei, {}))
          log.info("t", pcall(mobile.flymode, "x", true))
          os.exit(0)
        end)
        sys.run()
        """)).containsExactly("I/user.t 15 86832707 15 46000 20 898600 32 nil nil", "I/user.t 2 0 0 0 0 nil",
        "I/user.t 1 true true true true true cmnet", "I/user.t true true 2 0 10", "I/mobile sim set to 2 , ret 0",
        "I/mobile sim set to 1 , ret 0", "I/user.t 0 0 1 1", "I/user.t cmnet false bad argument #4 to 'mobile.apn' (string expected, got no value)",
        "I/user.t false bad argument #1 to 'mobile.imei' (number expected, got table)",
        "I/user.t false bad argument #1 to 'mobile.flymode' (number expected, got string)");
  }

  @Test
  void flightModeDropsLwipGpAndLeavingItAttachesAgainWithTheNetworksTime() {
    try (Emulation emu = Emulation.run("air780epm", """
        for _, topic in ipairs({"IP_READY", "IP_LOSE", "NTP_UPDATE"}) do
          sys.subscribe(topic, function(...) log.info("pub", topic, ...) end)
        end
        sys.taskInit(function()
          sys.waitUntil("IP_READY")
          local ip = socket.localIP()
          log.info("t", mobile.flymode(0, true), mobile.status(), mobile.csq(), socket.adapter(socket.LWIP_GP))
          sys.waitUntil("IP_LOSE")
          log.info("t", mobile.flymode(0), mobile.flymode(0, false), mobile.status())
          local _, again = sys.waitUntil("IP_READY")
          log.info("t", again == ip, mobile.status(), socket.adapter(socket.LWIP_GP))
          sys.waitUntil("NTP_UPDATE")
          os.exit(0)
        end)
        sys.run()
        """)) {
      emu.awaitExit();
      String ip = firstIpReady(emu);
      // the task runs when IP_READY is dispatched, before the network's time (the next message) arrives; the
      // bearer goes down after flymode returns, so socket.adapter still sees it up
      assertThat(emu.scriptLines()).containsExactly("I/user.pub IP_READY " + ip + " 1", "I/user.t false 0 0 true 1",
          "I/user.pub NTP_UPDATE", "I/user.pub IP_LOSE 1", "I/user.t true true 2", "I/user.pub IP_READY " + ip + " 1",
          "I/user.t true 1 true 1", "I/user.pub NTP_UPDATE");
      assertThat(emu.lines()).containsSubsequence("D/mobile NETIF_LINK_ON -> IP_READY", "D/mobile TIME_SYNC 0",
          "D/mobile NETIF_LINK_OFF -> IP_LOSE", "D/mobile NETIF_LINK_ON -> IP_READY", "D/mobile TIME_SYNC 0");
    }
  }

  @Test
  void aResetDropsTheBearerFailingItsSocketsAndTheModemAttachesAgain() {
    try (EchoPeer echo = EchoPeer.start(InetAddress.getLoopbackAddress(), 0);
         Emulation emu = Emulation.run("air780epm", "PORT = " + echo.port() + "\n" + """
             for _, topic in ipairs({"IP_READY", "IP_LOSE", "NTP_UPDATE"}) do
               sys.subscribe(topic, function(...) log.info("pub", topic, ...) end)
             end
             local names = {[socket.ON_LINE] = "ON_LINE", [socket.EVENT] = "EVENT"}
             sys.taskInit(function()
               sys.waitUntil("IP_READY")
               sys.waitUntil("NTP_UPDATE")
               local c = socket.create(nil, function(_, event, param) log.info("cb", names[event] or event, param) sys.publish("CB") end)
               socket.config(c)
               socket.connect(c, "127.0.0.1", PORT)
               sys.waitUntil("CB")
               socket.wait(c)
               log.info("t", select("#", mobile.reset()), mobile.status(), mobile.csq())
               sys.waitUntil("CB")
               log.info("t", socket.adapter(socket.LWIP_GP))
               sys.waitUntil("IP_READY")
               log.info("t", mobile.status(), socket.adapter(socket.LWIP_GP))
               sys.waitUntil("NTP_UPDATE")
               os.exit(0)
             end)
             sys.run()
             """)) {
      emu.awaitExit();
      String ip = firstIpReady(emu);
      // the stack restarts: at once deregistered and searching, the bearer goes (IP_LOSE, the open socket's
      // wait fails), then the attach as at boot, with the network's time again
      assertThat(emu.scriptLines()).filteredOn(l -> l.startsWith("I/user.")).containsExactly("I/user.pub IP_READY " + ip + " 1",
          "I/user.pub NTP_UPDATE", "I/user.cb ON_LINE 0", "I/user.t 0 2 0", "I/user.pub IP_LOSE 1", "I/user.cb EVENT -1", "I/user.t false 1",
          "I/user.pub IP_READY " + ip + " 1", "I/user.t 1 true 1", "I/user.pub NTP_UPDATE");
    }
  }

  @Test
  void theNetworksTimeSetsTheClockBackFromAnSntpAnswer() throws Exception {
    long year2030 = 1_893_456_000_250L;
    try (SntpPeer ntp = SntpPeer.start(InetAddress.getLoopbackAddress(), 0, () -> year2030)) {
      String script = """
          sys.taskInit(function()
            sys.waitUntil("IP_READY")
            sys.waitUntil("NTP_UPDATE") -- the cellular network's time, which follows the attach
            socket.sntp()
            local ok, src = sys.waitUntil("NTP_UPDATE", 5000)
            log.info("t", src, os.date("%Y"))
            mobile.flymode(0, true)
            sys.waitUntil("IP_LOSE")
            mobile.flymode(0, false)
            log.info("t", sys.waitUntil("NTP_UPDATE"))
            log.info("t", math.abs(os.time() - HOST_NOW) < 600, os.date("%Y") == HOST_YEAR)
            os.exit(0)
          end)
          sys.run()
          """;
      long now = System.currentTimeMillis() / 1000;
      InetAddress ntpAddress = InetAddress.getByName("203.107.6.88"); // virtual, routed to the peer
      String main = "HOST_NOW = " + now + " HOST_YEAR = os.date('%Y', HOST_NOW)\n" + script;
      try (Emulation emu = Emulation.run(BoardProfiles.find("air780epm"), Map.of("main.lua", main), Device.CrashPolicy.STOP, 5000,
          Emulation.TEST_NETWORK.withHost("ntp.aliyun.com", ntpAddress).withRoute(ntpAddress, ntp.address()))) {
        emu.awaitExit();
        assertThat(emu.scriptLines()).filteredOn(l -> l.startsWith("I/user.t"))
            .containsExactly("I/user.t nil 2030", "I/user.t true", "I/user.t true true"); // NTP_UPDATE has no argument
      }
    }
  }

  @Test
  void onlyBoardsWithACellularAdapterHaveTheLibrary() {
    assertThat(run("air8101", """
        log.info("t", mobile, package.loaded.mobile, pcall(require, "mobile"))
        os.exit(0)
        """)).singleElement().satisfies(l -> assertThat(l).startsWith("I/user.t nil nil false module 'mobile' not found"));
  }
}
