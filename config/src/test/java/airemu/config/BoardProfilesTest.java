package airemu.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import airemu.boards.AdapterSpec;
import airemu.boards.BoardProfile;
import airemu.boards.ConstantsEra;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Built-in profiles load; a user's profile file with a mistake gets one line naming file, line and fix. */
class BoardProfilesTest {
  private static final String GOOD = """
      model: MyBoard
      chip: EC718PM
      firmware:
        base: "26.04"
        bsp: V2050
        build: "Jul  7 2026 10:12:30"
      memory:
        lua: 1048568
        sys: 2371416
      adapters:
        - name: LWIP_GP
          kind: cellular
          ipv6: false
      """;

  @Test
  void everyBuiltInBoardLoadsWithTheRegistrationOrderOfItsAdapters() throws Exception {
    assertThat(BoardProfiles.builtInIds()).containsExactly("air780e", "air780ep", "air780epm", "air780ehm", "air780ehv", "air8000", "air8101");
    for (BoardProfile b : BoardProfiles.builtIn()) {
      // the Air780E's firmware was built in September 2024, before the numbering changed
      assertThat(b.era()).isEqualTo(b.id().equals("air780e") ? ConstantsEra.E2024 : ConstantsEra.CURRENT);
      assertThat(b.rebootDelayMillis()).isEqualTo(15000);
      assertThat(b.adapters()).isNotEmpty();
    }
    BoardProfile air8000 = BoardProfiles.find("Air8000");
    assertThat(air8000.adapters()).extracting(AdapterSpec::name).containsExactly("LWIP_GP", "LWIP_STA", "LWIP_AP", "LWIP_ETH");
    assertThat(air8000.defaultAdapter()).contains("LWIP_GP");
    BoardProfile air8101 = BoardProfiles.find("air8101");
    assertThat(air8101.adapters().get(1).atBoot()).isFalse();
    assertThat(air8101.firmware().buildDate()).isEqualTo("Aug 10 2026");
    assertThat(ConstantsEra.CURRENT.number("ETH0")).contains(17);
    assertThat(ConstantsEra.E2025_07.number("ETH0")).contains(16);
  }

  @Test
  void theCompiledBuiltInBoardsAreTheirYamlParsed() throws Exception {
    for (String id : BoardProfiles.builtInIds()) {
      BoardProfile parsed = BoardProfiles.parse(BoardProfiles.builtInSource(id), id, BoardProfiles.builtInYaml(id));
      assertThat(CompiledBoards.find(id)).as(id).contains(parsed);
      assertThat(BoardProfiles.find(id)).isSameAs(CompiledBoards.find(id).orElseThrow());
    }
    assertThat(CompiledBoards.find("air999")).isEmpty();
  }

  @Test
  void anUnknownBoardListsTheKnownOnes() {
    assertThatThrownBy(() -> BoardProfiles.find("air999")).isInstanceOf(ConfigException.class)
        .hasMessage("unknown board 'air999'; known boards: air780e, air780ep, air780epm, air780ehm, air780ehv, air8000, air8101 "
            + "(or give the path of a profile file)");
  }

  @Test
  void aUsersProfileFileLoadsByPath(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("my-board.yaml");
    Files.writeString(file, GOOD);
    BoardProfile b = BoardProfiles.find(file.toString());
    assertThat(b.id()).isEqualTo("my-board");
    assertThat(b.model()).isEqualTo("MyBoard");
    assertThat(b.bsp()).isEqualTo("EC718PM");
    assertThat(b.defaultAdapter()).isEmpty();
    assertThat(b.adapters().get(0)).isEqualTo(new AdapterSpec("LWIP_GP", AdapterSpec.Kind.CELLULAR, 0, false, true));
    assertThat(b.lwip()).isEqualTo(new BoardProfile.Lwip(8, 32)); // what a build that sets neither has
  }

  @Test
  void theLwipAdaptersShareTheBoardsTableAndOnlyAW5500HasItsOwn() throws Exception {
    BoardProfile air8000 = BoardProfiles.find("air8000");
    assertThat(air8000.lwip()).isEqualTo(new BoardProfile.Lwip(16, 6)); // EC718HM: LWIP_NUM_SOCKETS=16, rx cache 6
    assertThat(air8000.adapters()).extracting(AdapterSpec::sockets).containsOnly(0);
    BoardProfile air780e = BoardProfiles.find("air780e");
    assertThat(air780e.lwip()).isEqualTo(new BoardProfile.Lwip(8, 32));
    assertThat(air780e.adapter("ETH0").orElseThrow().sockets()).isEqualTo(8);
    assertThat(BoardProfiles.find("air780ep").lwip()).isEqualTo(new BoardProfile.Lwip(8, 6)); // EC718P: no LWIP_NUM_SOCKETS
    assertThat(BoardProfiles.find("air8101").lwip().rxCache()).isEqualTo(32);
    BoardProfile own = BoardProfiles.parse("b.yaml", "b", GOOD + """
          - name: ETH0
            kind: w5500
            sockets: 4
        lwip:
          sockets: 12
          rx-cache: 20
        """);
    assertThat(own.adapter("ETH0").orElseThrow().sockets()).isEqualTo(4);
    assertThat(own.lwip()).isEqualTo(new BoardProfile.Lwip(12, 20));
    assertThat(BoardProfiles.parse("b.yaml", "b", GOOD + "  - name: ETH0\n    kind: w5500\n").adapter("ETH0").orElseThrow().sockets())
        .isEqualTo(8);
  }

  @Test
  void theBuildDateDecidesTheAdapterNumberingUnlessTheProfileSaysOtherwise() throws Exception {
    for (BoardProfile b : BoardProfiles.builtIn()) {
      assertThat(b.era()).as(b.id()).isEqualTo(ConstantsEra.builtOn(b.firmware().builtOn()));
    }
    BoardProfile old = BoardProfiles.parse("b.yaml", "b", GOOD.replace("Jul  7 2026", "Sep  3 2024"));
    assertThat(old.firmware().builtOn()).isEqualTo(LocalDate.of(2024, 9, 3));
    assertThat(old.era()).isEqualTo(ConstantsEra.E2024);
    // each renumbering's first day and the day before it (spec 1.2)
    String[][] days = {{"Jan 11 2025", "2024"}, {"Jan 12 2025", "2025-01"}, {"Feb 19 2025", "2025-01"}, {"Feb 20 2025", "2025-02"},
        {"Jul 27 2025", "2025-02"}, {"Jul 28 2025", "2025-07"}, {"Jun 29 2026", "2025-07"}, {"Jun 30 2026", "2026-06"}};
    for (String[] d : days) {
      assertThat(BoardProfiles.parse("b.yaml", "b", GOOD.replace("Jul  7 2026", d[0])).era().id()).as(d[0]).isEqualTo(d[1]);
    }
    // a vendor branch whose numbering did not follow its date says so
    assertThat(BoardProfiles.parse("b.yaml", "b", GOOD.replace("Jul  7 2026", "Sep  3 2024") + "constants: 2026-06\n").era())
        .isEqualTo(ConstantsEra.CURRENT);
  }

  @Test
  void aBuildStampThatIsNotOneIsNamed() {
    for (String bad : new String[] {"2026-07-07 10:12:30", "Jul  7 2026", "Jul 32 2026 10:12:30", "July 7 2026 10:12:30", "V2050"}) {
      assertError(GOOD.replace("Jul  7 2026 10:12:30", bad), "b.yaml:6:10: build '" + bad + "' is not a ROM build stamp; write it "
          + "as the boot log's 'ROM Build:' line has it, such as \"Sep  3 2024 15:55:27\" (the date decides which functions the "
          + "firmware has)");
    }
  }

  @Test
  void mistakesNameTheFileLineColumnAndWhatIsAllowed() {
    assertError(GOOD.replace("ipv6: false", "ipvsix: false"),
        "b.yaml:13:5: unknown key 'ipvsix'; allowed: name, kind, sockets, ipv6, at-boot");
    assertError(GOOD.replace("ipv6: false", "sockets: 8"),
        "b.yaml:13:14: adapter 'LWIP_GP' (kind cellular) takes its sockets from the lwIP table all lwIP adapters share: "
            + "remove 'sockets' here and set 'lwip: sockets:' for the board; only an adapter with its own TCP/IP stack "
            + "(kind w5500) has its own");
    assertError(GOOD + "lwip:\n  socket: 8\n", "b.yaml:15:3: unknown key 'socket'; allowed: sockets, rx-cache");
    assertError(GOOD + "lwip:\n  rx-cache: 5\n", "b.yaml:15:13: 'rx-cache' must be between 6 and 48");
    assertError(GOOD + "lwip:\n  sockets: 0\n", "b.yaml:15:12: 'sockets' must be between 1 and 64");
    assertError(GOOD.replace("kind: cellular", "kind: lte"),
        "b.yaml:12:11: 'kind' is 'lte'; allowed: cellular, wifi-sta, wifi-ap, ethernet, w5500");
    assertError(GOOD.replace("name: LWIP_GP", "name: LWIP_XX"),
        "b.yaml:11:11: unknown adapter 'LWIP_XX' in constants era 2026-06; allowed: LWIP_GP, LWIP_STA, LWIP_AP, LWIP_ETH, "
            + "LWIP_SPI, LWIP_USER0, LWIP_USER1, LWIP_USER2, LWIP_USER3, LWIP_USER4, LWIP_USER5, LWIP_USER6, LWIP_USER7, "
            + "LWIP_GP_GW, LWIP_USB, ETH0");
    assertError(GOOD + "default-adapter: LWIP_STA\n", "b.yaml:14:18: default-adapter 'LWIP_STA' is not one of this board's adapters: LWIP_GP");
    assertError(GOOD + "  - name: ETH0\n    kind: w5500\n    sockets: many\n",
        "b.yaml:16:14: 'sockets' must be a whole number, not 'many'");
    assertError(GOOD + "reboot-delay: soon\n",
        "b.yaml:14:15: 'reboot-delay': invalid duration 'soon': write a number and a unit, such as 500ms, 30s, 2m or 1h");
    assertError(GOOD.replace("model: MyBoard\n", ""), "b.yaml:1:1: missing key 'model'");
    assertError("model: [unclosed\n", "b.yaml:2:1: invalid YAML: expected ',' or ']', but got <stream end>");
    assertError("", "b.yaml: the file is empty");
  }

  @Test
  void wifiSupportFollowsTheAdaptersUnlessTheProfileSaysScanOnly() throws Exception {
    assertThat(BoardProfiles.find("air8000").wifi().support()).isEqualTo(BoardProfile.Wifi.Support.FULL);
    assertThat(BoardProfiles.find("air8101").wifi().support()).isEqualTo(BoardProfile.Wifi.Support.FULL);
    assertThat(BoardProfiles.find("air780epm").wifi().support()).isEqualTo(BoardProfile.Wifi.Support.SCAN);
    assertThat(BoardProfiles.find("air780epm").wifi().accessPoints()).isEqualTo(BoardProfiles.DEFAULT_ACCESS_POINTS);
    BoardProfile plain = BoardProfiles.parse("b.yaml", "b", GOOD);
    assertThat(plain.wifi().support()).isEqualTo(BoardProfile.Wifi.Support.NONE);
    BoardProfile own = BoardProfiles.parse("b.yaml", "b", GOOD + """
        wifi:
          support: scan
          access-points:
            - ssid: office
              rssi: -61
              bssid: 0a1b2c3d4e5f
            - ssid: lab
              password: secret-lab
        """);
    assertThat(own.wifi().accessPoints()).containsExactly(new BoardProfile.AccessPoint("office", "", -61, 6, "0A1B2C3D4E5F"),
        new BoardProfile.AccessPoint("lab", "secret-lab", -50, 6, null));
    assertThat(BoardProfiles.parse("b.yaml", "b", GOOD + "wifi:\n  access-points: []\n").wifi().accessPoints()).isEmpty();
  }

  @Test
  void wifiMistakesAreNamed() {
    assertError(GOOD + "wifi:\n  support: full\n",
        "b.yaml:15:12: wifi support 'full' needs an adapter of kind wifi-sta; use 'scan' or add the adapter");
    assertError(GOOD + "wifi:\n  support: some\n", "b.yaml:15:12: 'support' is 'some'; allowed: none, scan, full");
    assertError(GOOD + "wifi:\n  access-points:\n    - ssid: a\n      bssid: 12\n",
        "b.yaml:17:14: a BSSID is 12 hex digits, such as 'AABBCCDDEE01', not '12'");
    assertError(GOOD + "wifi:\n  access-points:\n    - ssid: a\n    - ssid: a\n", "b.yaml:17:13: access point 'a' is listed twice");
    assertError(GOOD + "wifi:\n  access-points:\n    - ssid: \"\"\n", "b.yaml:16:13: an SSID has 1 to 32 bytes: ''");
  }

  @Test
  void durationsAreNumbersWithAUnit() throws Exception {
    assertThat(Durations.parseMillis("500ms")).isEqualTo(500);
    assertThat(Durations.parseMillis("30s")).isEqualTo(30_000);
    assertThat(Durations.parseMillis("2m")).isEqualTo(120_000);
    assertThat(Durations.parseMillis("1h")).isEqualTo(3_600_000);
    assertThat(Durations.parseMillis(" 0s ")).isZero();
    for (String bad : new String[] {"10", "ms", "1.5s", "-5s", "5 s", "5sec", "", "s5"}) {
      assertThatThrownBy(() -> Durations.parseMillis(bad)).hasMessage("invalid duration '" + bad
          + "': write a number and a unit, such as 500ms, 30s, 2m or 1h");
    }
    assertThatThrownBy(() -> Durations.parseMillis("99999999999999999999ms")).hasMessageEndingWith("the number is too large");
    assertThatThrownBy(() -> Durations.parseMillis("9999999999999999h")).hasMessageEndingWith("too long");
  }

  private static void assertError(String yaml, String message) {
    assertThatThrownBy(() -> BoardProfiles.parse("b.yaml", "b", yaml)).isInstanceOf(ConfigException.class).hasMessageStartingWith(message);
  }
}
