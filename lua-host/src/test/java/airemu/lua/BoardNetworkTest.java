package airemu.lua;

import static org.assertj.core.api.Assertions.assertThat;

import airemu.boards.BoardProfile;
import airemu.core.Device;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What a board's firmware build gives the socket library, as a script finds it: the adapter
 * numbers of its era (spec 1.2), the functions of its build date, the ctrl table its lwIP adapters
 * share and the W5500's own (spec 6.1), and where {@code socket.rx_cache} starts (spec 2.24).
 */
class BoardNetworkTest {
  private static List<String> run(String board, String script) {
    try (Emulation emu = Emulation.run(board, script)) {
      emu.awaitExit();
      return emu.scriptLines();
    }
  }

  @Test
  void theAir780eFirmwareNumbersItsAdaptersAsBefore2025() {
    assertThat(run("air780e", """
        log.info("t", socket.LWIP_GP, socket.LWIP_ETH, socket.ETH0, socket.USB, socket.LWIP_USER0, socket.LWIP_USB)
        log.info("t", (socket.create(10)), socket.adapter())
        os.exit(0)
        """)).containsExactly("I/user.t 1 4 5 6 nil nil", "I/user.t nil false 9");
  }

  @Test
  void currentFirmwareHasLwipUsbAndNoUsb() {
    assertThat(run("air780epm", """
        log.info("t", socket.ETH0, socket.USB, socket.LWIP_USB, socket.LWIP_GP_GW, socket.rx_cache())
        os.exit(0)
        """)).containsExactly("I/user.t 17 nil 16 15 6");
  }

  @Test
  void onTheAir8000TheCellularSocketsUseUpTheStationsToo() {
    assertThat(run("air8000", """
        local gp = {}
        for i = 1, 16 do gp[i] = socket.create(socket.LWIP_GP) end
        log.info("t", #gp, (socket.create(socket.LWIP_STA)), (socket.create(socket.LWIP_AP)))
        socket.release(gp[1])
        log.info("t", socket.create(socket.LWIP_STA) ~= nil, (socket.create(socket.LWIP_GP)))
        os.exit(0)
        """)).containsExactly(
        "adapter no more ctrl!", "D/socket create fail", "adapter no more ctrl!", "D/socket create fail", "I/user.t 16 nil nil",
        "adapter no more ctrl!", "D/socket create fail", "I/user.t true nil");
  }

  @Test
  void theAir780esW5500HasItsOwnEightBesideTheCellularEight() {
    assertThat(run("air780e", """
        w5500.init(0, 24000000, 8, 9, 10)
        w5500.bind(socket.ETH0)
        local n = {gp = 0, eth = 0}
        for i = 1, 9 do
          if socket.create(socket.LWIP_GP) then n.gp = n.gp + 1 end
          if socket.create(socket.ETH0) then n.eth = n.eth + 1 end
        end
        log.info("t", n.gp, n.eth)
        os.exit(0)
        """)).containsExactly("D/w5500 cs 8 irq 9 reset 10 link 255",
        "adapter no more ctrl!", "D/socket create fail", "adapter no more ctrl!", "D/socket create fail", "I/user.t 8 8");
  }

  /** Which of the functions LuatOS added over time a script finds, and how a call to a missing one ends. */
  private static final String PROBE = """
      local n = socket.dft and select("#", socket.dft()) or 0
      log.info("t", type(socket.ntptm), type(socket.read), type(socket.dft), n, type(socket.close_all), type(socket.rx_cache))
      log.info("t", pcall(function() return socket.dft() end))
      os.exit(0)
      """;

  private static List<String> probe(BoardProfile board) {
    try (Emulation emu = Emulation.run(board, Map.of("main.lua", PROBE), Device.CrashPolicy.STOP, 5000)) {
      emu.awaitExit();
      return emu.scriptLines();
    }
  }

  @Test
  void theAir780esSeptember2024FirmwareHasSocketReadButNoDftCloseAllOrRxCache() {
    assertThat(run("air780e", PROBE)).containsExactly("I/user.t function function nil 0 nil nil",
        "I/user.t false main.lua:3: attempt to call a nil value (field 'dft')");
  }

  @Test
  void aProfileWithTheBuildStampOfTheUsersFirmwareGetsExactlyTheFunctionsOfThatDay() {
    String[][] builds = {
        {"Oct  1 2023 10:00:00", "nil nil nil 0 nil nil"}, // before ntptm (2023-11-15) and read (2024-04-08)
        {"Apr  8 2024 10:00:00", "function function nil 0 nil nil"},
        {"Jan  6 2025 10:00:00", "function function function 1 nil nil"}, // dft, one return (spec 2.22)
        {"Jul 25 2025 10:00:00", "function function function 2 nil nil"}, // dft's second return
        {"Sep 24 2025 10:00:00", "function function function 2 function nil"}, // close_all (spec 2.23)
        {"Aug  2 2026 10:00:00", "function function function 2 function nil"},
        {"Aug  3 2026 10:00:00", "function function function 2 function function"}}; // rx_cache (spec 2.24)
    for (String[] b : builds) {
      assertThat(probe(Emulation.builtOn("air780epm", b[0])).get(0)).as(b[0]).isEqualTo("I/user.t " + b[1]);
    }
    assertThat(probe(Emulation.builtOn("air780epm", "Jan  6 2025 10:00:00"))).last().isEqualTo("I/user.t true 1");
    assertThat(run("air780epm", PROBE)).containsExactly("I/user.t function function function 2 function function",
        "I/user.t true 1 1");
  }

  @Test
  void rxCacheStartsWhereTheChipsFirmwareHasIt() {
    assertThat(run("air8101", "log.info('t', socket.rx_cache(), socket.rx_cache(48), socket.rx_cache(2)) os.exit(0)"))
        .containsExactly("I/user.t 32 48 48");
  }
}
