package airemu.lua;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** log and print as luatos-semantics.md section 7 describes them, and the firmware's number printing. */
class LogTest {

  private static List<String> run(String script) {
    try (Emulation emu = Emulation.run("air780epm", script + "\nos.exit(0)")) {
      emu.awaitExit();
      return emu.scriptLines();
    }
  }

  @Test
  void logLinesStartWithLevelAndUserTagAndJoinArgumentsWithSpaces() {
    assertThat(run("""
        log.info("tcp", "len", 12, true, nil)
        log.debug("a")
        log.warn(12, "x")
        log.error(nil, "x")
        log.info(true)
        log.info()
        log.fatal("f", 1.5)
        """)).containsExactly("I/user.tcp len 12 true nil", "D/user.a", "W/user.12 x", "E/user.(null) x", "I/user.(null)",
        "E/user.f 1.5000000000000");
  }

  @Test
  void printJoinsWithSpacesAndUsesTheGlobalTostring() {
    assertThat(run("""
        print("a", 1, nil, 2.5)
        print()
        local t = setmetatable({}, { __tostring = function() return "T!" end })
        print(t)
        local old = tostring
        tostring = function(v) return "<" .. old(v) .. ">" end
        print("x", 1)
        tostring = old
        """)).containsExactly("a 1 nil 2.5000000000000", "", "T!", "<x> <1>");
  }

  @Test
  void numbersPrintAsTheFirmwarePrintsThem() {
    assertThat(run("""
        print(2.5, 1/3, 10/2, 3//2, 1e15, 2^53, "10"+1, 7//2.0, -0.0, 100, math.maxinteger)
        log.info("n", 2.5, 1/3, 10/2, 3//2, 1e15)
        print(string.format("%.2f|%5.1f|%d|%s|%g|%x|%5s|%-5d|%q", 3.14159, 2.25, 3.0, 1/3, 1e15, 255, "ab", 42, "a\\nb"))
        print(tostring(0.1), tostring(-7.0), tostring(1e100), tostring(math.huge), tostring(-math.huge))
        """)).containsExactly(
        "2.5000000000000 0.33333333300000 5.0000000000000 1 10.0000000000000e+14 9.0071992550000e+15 11.000000000000 "
            + "3.0000000000000 0.0000000000000e-308 100 9223372036854775807",
        "I/user.n 2.5000000000000 0.33333333300000 5.0000000000000 1 10.0000000000000e+14",
        "3.14|  2.2|3|0.33333333300000|10.000000e+14|ff|   ab|42   |\"a\\\nb\"",
        "0.10000000000000 -7.0000000000000 10.0000000000000e+99 inf -inf");
  }

  @Test
  void setLevelAcceptsNumbersAndExactUpperCaseNamesElseSilences() {
    assertThat(run("""
        log.setLevel("WARN")
        log.info("x", "hidden") log.warn("x", "shown")
        print(log.getLevel())
        log.setLevel("info") print(log.getLevel())
        log.error("x", "hidden")
        log.setLevel(2.0) print(log.getLevel())
        log.setLevel() print(log.getLevel())
        log.setLevel(log.LOG_DEBUG) print(log.getLevel())
        log.setLevel("ERROR") log.warn("x", "hidden") log.error("x", "error shown")
        """)).containsExactly("W/user.x shown", "3", "7", "7", "7", "1", "E/user.x error shown");
  }

  @Test
  void stylesOneAndTwoAddTheCallersFileAndLine() {
    assertThat(run("""
        log.style(1)
        log.info("tag", "v")
        log.style(2)
        log.info("tag", "v")
        pcall(log.info, "viaC", "v")
        log.style(0.5)
        print(log.style())
        log.style(0)
        log.info("tag", "v")
        """)).containsExactly("I/main.lua:2 tag v", "I/user.tag main.lua:4 v", "I/user.viaC [C]:-1 v", "2", "I/user.tag v");
  }

  @Test
  void theLogLevelAlsoFiltersTheFirmwaresOwnLines() {
    try (Emulation emu = Emulation.run("air780epm", """
        log.setLevel("SILENT")
        error("quiet")
        """)) {
      assertThat(emu.awaitExit()).isEqualTo(1);
      assertThat(emu.scriptLines()).isEmpty();
    }
  }
}
