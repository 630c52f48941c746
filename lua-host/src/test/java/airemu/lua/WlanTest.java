package airemu.lua;

import static org.assertj.core.api.Assertions.assertThat;

import airemu.boards.BoardProfile;
import airemu.config.BoardProfiles;
import airemu.core.Device;
import airemu.netif.AccessPoint;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code wlan}: the station comes up only after {@code wlan.init} and {@code wlan.connect}, joining
 * the access points of the board or of the run, with the module's events (spec 6.2, 6.3).
 */
class WlanTest {
  /** Logs every Wi-Fi publish and the link publishes of the adapters other than cellular; a 6-byte BSSID as hex. */
  private static final String LOG_PUBLISHES = """
      for _, topic in ipairs({"IP_READY", "IP_LOSE", "WLAN_STA_INC", "WLAN_SCAN_DONE"}) do
        sys.subscribe(topic, function(...)
          local args = {...}
          if topic == "IP_READY" and args[2] == socket.LWIP_GP or topic == "IP_LOSE" and args[1] == socket.LWIP_GP then return end
          if topic == "WLAN_STA_INC" and args[1] == "CONNECTED" then args[3] = args[3]:toHex() end
          log.info("pub", topic, table.unpack(args))
        end)
      end
      """;

  private static List<String> run(String board, String script) {
    try (Emulation emu = Emulation.run(board, LOG_PUBLISHES + script)) {
      emu.awaitExit();
      return emu.scriptLines();
    }
  }

  @Test
  void theStationJoinsAfterInitAndConnectWithConnectedThenIpReady() {
    List<String> lines = run("air8101", """
        sys.taskInit(function()
          log.info("t", wlan.connect("luatos1234", "12341234"), wlan.ready(), wlan.getIP(), socket.adapter(socket.LWIP_STA))
          log.info("t", wlan.init(), wlan.setMode(wlan.STATION), wlan.connect("luatos1234", "12341234"))
          local _, ip, adapter = sys.waitUntil("IP_READY")
          log.info("t", wlan.ready(), wlan.getIP() == ip, adapter == socket.LWIP_STA, socket.localIP(socket.LWIP_STA) == ip)
          local info = wlan.getInfo()
          log.info("t", info.bssid, info.gw, info.rssi, #wlan.getMac(), #wlan.getMac(0, false))
          os.exit(0)
        end)
        sys.run()
        """);
    String ip = lines.stream().filter(l -> l.startsWith("I/user.pub IP_READY")).findFirst().orElseThrow().split(" ")[2];
    assertThat(ip).startsWith("192.168.1.");
    assertThat(lines).containsExactly("I/user.t false false 0.0.0.0 false 2", "I/user.t true true true",
        "I/user.pub WLAN_STA_INC CONNECTED luatos1234 AABBCCDDEE01", "I/user.pub IP_READY " + ip + " 2",
        "I/user.t true true true true", "I/user.t AABBCCDDEE01 192.168.1.1 -35 12 6");
  }

  @Test
  void aWrongPasswordOrAnUnknownSsidStartsTheAttemptThenReportsTheReason() {
    assertThat(run("air8000", """
        sys.taskInit(function()
          wlan.init()
          log.info("t", wlan.connect("luatos1234", "wrong-password"))
          sys.waitUntil("WLAN_STA_INC")
          log.info("t", wlan.ready(), socket.adapter(socket.LWIP_STA))
          log.info("t", wlan.connect("nobody-home", "12341234"))
          sys.waitUntil("WLAN_STA_INC")
          log.info("t", select("#", wlan.connect()), select("#", wlan.connect("", "x", 1, "short")))
          log.info("t", pcall(wlan.connect, {}))
          os.exit(0)
        end)
        sys.run()
        """)).containsExactly("I/user.t true", "I/user.pub WLAN_STA_INC DISCONNECTED 258", "I/user.t false false 2",
        "I/user.t true", "I/user.pub WLAN_STA_INC DISCONNECTED 257", "E/wlan ssid is emtry!!!", "E/wlan ssid is emtry!!!",
        "I/user.t 0 0", "I/user.t false bad argument #1 to 'wlan.connect' (string expected, got table)");
  }

  @Test
  void disconnectReportsItThenIpLose() {
    assertThat(run("air8101", """
        sys.taskInit(function()
          wlan.init()
          wlan.connect("luatos1234", "12341234")
          sys.waitUntil("IP_READY")
          wlan.disconnect()
          sys.waitUntil("IP_LOSE")
          log.info("t", wlan.ready(), wlan.getIP(), wlan.getInfo().bssid)
          os.exit(0)
        end)
        sys.run()
        """)).filteredOn(l -> !l.contains("IP_READY") && !l.contains("CONNECTED luatos"))
        .containsExactly("I/user.pub WLAN_STA_INC DISCONNECTED 259", "I/user.pub IP_LOSE 2", "I/user.t false 0.0.0.0 000000000000");
  }

  @Test
  void aScanListsTheAccessPointsInRangeWithTheFirmwaresFields() {
    assertThat(run("air8101", """
        sys.taskInit(function()
          wlan.scan() -- before init: nothing happens
          log.info("t", #wlan.scanResult())
          wlan.init()
          wlan.scan()
          sys.waitUntil("WLAN_SCAN_DONE")
          local r = wlan.scanResult()
          log.info("t", #r, r[1].ssid, r[1].bssid:toHex(), r[1].channel, r[1].rssi, r[5].ssid, #wlan.scanResult(2))
          os.exit(0)
        end)
        sys.run()
        """)).containsExactly("I/user.t 0", "I/user.pub WLAN_SCAN_DONE", "I/user.t 5 luatos1234 AABBCCDDEE01 6 -35 CMCC-FREE 5");
  }

  @Test
  void theCellularModulesOnlyScan() {
    assertThat(run("air780epm", """
        local names = {}
        for k in pairs(wlan) do names[#names + 1] = k end
        table.sort(names)
        log.info("t", table.concat(names, " "), package.loaded.wlan == wlan)
        sys.taskInit(function()
          wlan.init()
          wlan.scan()
          sys.waitUntil("WLAN_SCAN_DONE")
          log.info("t", #wlan.scanResult())
          os.exit(0)
        end)
        sys.run()
        """)).containsExactly("I/user.t init scan scanResult true", "I/user.pub WLAN_SCAN_DONE", "I/user.t 5");
  }

  @Test
  void theRunConfigurationReplacesTheBoardsAccessPoints() throws Exception {
    BoardProfile board = BoardProfiles.find("air8000");
    String main = LOG_PUBLISHES + """
        sys.taskInit(function()
          wlan.init()
          wlan.scan()
          sys.waitUntil("WLAN_SCAN_DONE")
          log.info("t", #wlan.scanResult(), wlan.scanResult()[1].ssid)
          wlan.connect("luatos1234", "12341234")
          sys.waitUntil("WLAN_STA_INC")
          wlan.connect("office", "open sesame")
          sys.waitUntil("IP_READY")
          os.exit(0)
        end)
        sys.run()
        """;
    Path dir = Files.createTempDirectory("airemu-wlan");
    Files.writeString(dir.resolve("main.lua"), main);
    DeviceSetup setup = DeviceSetup.of(board, Project.open(dir), dir.resolve("fs")).withNetwork(Emulation.TEST_NETWORK)
        .withAccessPoints(List.of(AccessPoint.of("office", "open sesame")));
    try (Emulation emu = Emulation.start(setup, Device.CrashPolicy.STOP, 5000)) {
      emu.awaitExit();
      assertThat(emu.scriptLines()).filteredOn(l -> !l.startsWith("I/user.pub IP_READY")).containsExactly(
          "I/user.pub WLAN_SCAN_DONE", "I/user.t 1 office", "I/user.pub WLAN_STA_INC DISCONNECTED 257",
          "I/user.pub WLAN_STA_INC CONNECTED office " + AccessPoint.derivedBssid("office"));
    }
  }

  @Test
  void theDevicesOwnAccessPointComesUpAtItsGateway() {
    assertThat(run("air8101", """
        sys.taskInit(function()
          log.info("t", select("#", wlan.createAP("")), select("#", wlan.createAP(string.rep("s", 33))),
            select("#", wlan.createAP("ok", string.rep("p", 64))))
          log.info("t", wlan.createAP("luatos-ap", "12345678", "192.168.10.1", "255.255.255.0"), socket.dft())
          local _, ip, adapter = sys.waitUntil("IP_READY")
          log.info("t", ip, adapter == socket.LWIP_AP, socket.localIP(socket.LWIP_AP))
          os.exit(0)
        end)
        sys.run()
        """)).containsExactly("E/wlan ssid MUST NOT EMTRY", "E/wlan ssid too long [" + "s".repeat(33) + "]",
        "E/wlan password too long [" + "p".repeat(64) + "]", "I/user.t 0 0 0", "I/user.t true 2 3",
        "I/user.pub IP_READY 192.168.10.1 3", "I/user.t 192.168.10.1 true 192.168.10.1 255.255.255.0 192.168.10.1 nil");
  }

  @Test
  void onlyBoardsWithWifiHaveTheLibrary() {
    try (Emulation emu = Emulation.run(Emulation.withoutWifi("air780epm"), Map.of("main.lua", "log.info('t', wlan) os.exit(0)"),
        Device.CrashPolicy.STOP, 5000)) {
      emu.awaitExit();
      assertThat(emu.scriptLines()).containsExactly("I/user.t nil");
    }
  }
}
