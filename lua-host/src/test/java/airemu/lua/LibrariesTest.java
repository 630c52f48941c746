package airemu.lua;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** rtos, os, rtc, mcu, json and the LuatOS string extensions, with the module's return values. */
class LibrariesTest {

  private static List<String> run(String board, String script) {
    try (Emulation emu = Emulation.run(board, script + "\nos.exit(0)")) {
      emu.awaitExit();
      return emu.scriptLines();
    }
  }

  private static List<String> run(String script) {
    return run("air780epm", script);
  }

  @Test
  void rtosReportsTheBoardsIdentityAndMemory() {
    assertThat(run("air8000", """
        log.info("t", rtos.bsp(), rtos.version(), rtos.buildDate(), rtos.firmware(), rtos.MSG_TIMER, rtos.INF_TIMEOUT)
        local total, used, max = rtos.meminfo()
        log.info("t", total, used > 0, max >= used, rtos.meminfo("sys"))
        log.info("t", rtos.timer_start(1, 0), rtos.timer_start(1, 10), pcall(rtos.timer_start, 1, 1.5))
        log.info("t", pcall(rtos.meminfo, {}))
        """)).containsExactly("I/user.t Air8000 V2050 Aug 12 2026 LuatOS-SoC_V2050_Air8000 1 -1",
        "I/user.t 4194296 true true 3157288 195200 195200",
        "I/user.t 0 1 false bad argument #2 to 'rtos.timer_start' (number has no integer representation)",
        "I/user.t false bad argument #1 to 'rtos.meminfo' (string expected, got table)");
  }

  @Test
  void rtosReceiveReturnsTimerMessagesAndTimeouts() {
    // an Air8101 has no network event of its own until the script connects Wi-Fi
    assertThat(run("air8101", """
        log.info("t", rtos.receive(0))
        rtos.timer_start(42, 5)
        log.info("t", rtos.receive(1000))
        rtos.timer_start(43, 5, -1)
        log.info("t", rtos.receive(-1))
        rtos.timer_stop(43)
        log.info("t", rtos.receive(20))
        """)).containsExactly("I/user.t -1", "I/user.t 1 42 0", "I/user.t 1 43 -1", "I/user.t -1");
  }

  @Test
  void osTimeAndDateFollowTheModulesUtcPlusEightRules() {
    assertThat(run("""
        log.info("t", os.date("!%Y-%m-%d %H:%M:%S", 0), os.date("%Y-%m-%d %H:%M:%S", 0), os.date("!%c", 0))
        log.info("t", os.time({year=1970, month=1, day=2, hour=0}), os.time({year=2024, month=13, day=1, hour=0}))
        local t = os.date("!*t", 86400 * 365)
        log.info("t", t.year, t.month, t.day, t.hour, t.wday, t.yday, t.isdst)
        log.info("t", pcall(os.date, "%F"))
        log.info("t", pcall(os.time, {year=2024}))
        log.info("t", os.difftime(10, 4), math.type(os.time()), os.time() > 1700000000)
        log.info("t", os.date("!%a %A %b %B %d %H %I %j %m %M %p %S %U %w %W %x %X %y %%", 1718000000))
        """)).containsExactly(
        "I/user.t 1970-01-01 00:00:00 1970-01-01 08:00:00 Thu Jan  1 00:00:00 1970",
        "I/user.t 86400 1735689600",
        "I/user.t 1971 1 1 0 6 1 false",
        "I/user.t false bad argument #1 to 'os.date' (invalid conversion specifier '%F')",
        "I/user.t false field 'day' missing in date table",
        "I/user.t 6.0000000000000 integer true",
        "I/user.t Mon Monday Jun June 10 06 06 162 06 13 AM 20 23 1 24 06/10/24 06:13:20 24 %");
  }

  @Test
  void rtcSetsTheClockOsTimeReadsInUtcAndItsTimezoneMovesOnlyOsDate() {
    assertThat(run("""
        log.info("t", rtc.timezone(), require("rtc") == rtc)
        log.info("t", rtc.set({year=2021, mon=8, day=31, hour=17, min=8, sec=43}))
        local t = rtc.get()
        log.info("t", t.year, t.mon, t.day, t.hour, t.min, t.sec >= 43 and t.sec < 50)
        log.info("t", os.date("%Y-%m-%d %H:%M"), os.date("!%H:%M"), os.time() - 1630429723 < 7)
        log.info("t", rtc.timezone(0), os.date("%H:%M"))
        log.info("t", rtc.set(1652230554), os.time() - 1652230554 < 7, rtc.get().year)
        log.info("t", rtc.set({year=2021, mon=2, day=29, hour=0, min=0, sec=0}), rtc.get().year)
        log.info("t", rtc.set({year=2021, mon=2}))
        log.info("t", rtc.set("x"), rtc.set(0), rtc.set(1 << 32), rtc.timezone("32"))
        log.info("t", rtc.timerStart(0, {year=2030, mon=1, day=1, hour=0, min=0, sec=0}), rtc.timerStop(0))
        log.info("t", pcall(function() rtc.setBaseYear(1800) end))
        """)).containsExactly("I/user.t 32 true", "I/user.t true", "I/user.t 2021 8 31 17 8 true",
        "I/user.t 2021-09-01 01:08 17:08 true", "I/user.t 0 17:08", "I/user.t true true 2022",
        "W/rtc rtc time invalid day: 2021-2-29", "I/user.t false 2022",
        "W/rtc rtc time miss day", "I/user.t",
        "W/rtc rtc time need table or integer", "W/rtc rtc time invalid timestamp: 0",
        "W/rtc rtc time invalid timestamp: 4294967296", "W/rtc rtc timezone invalid parameter type", "I/user.t false false false false",
        "I/user.t false false", "W/rtc rtc invalid base year: 1800", "I/user.t false main.lua:12: invalid base year");
  }

  @Test
  void mcuTicksAndIds() {
    assertThat(run("""
        sys.taskInit(function()
          local a = mcu.ticks()
          sys.wait(50)
          local b = mcu.ticks()
          local t1 = mcu.tick64()
          local t2, per_us = mcu.tick64()
          log.info("t", b - a >= 50, mcu.hz(), #t1, per_us, select(1, mcu.dtick64(t2, t1)), #mcu.unique_id(), mcu.x32(0x2009fffc))
          log.info("t", mcu.unique_id() == mcu.unique_id(), mcu.UART, mcu.GPIO, mcu.CAM)
          os.exit(0)
        end)
        sys.run()
        """)).containsExactly("I/user.t true 1000 8 26 true 16 0x2009fffc", "I/user.t true 0 5 9");
  }

  @Test
  void jsonEncodesAsTheFirmwaresCjson() {
    assertThat(run("""
        log.info("t", json.encode({1, 2.5, "a/b", true, json.null}), json.encode({}), json.encode(nil) == "")
        log.info("t", json.encode({a = {}}), json.encode({[1] = 1, [3] = 3}), json.encode(1e-20), json.encode(1e10))
        log.info("t", json.encode({x = 1.5}, "2f"), json.encode({x = 1.5}, "%.3f"), json.encode({x = 1.5}, 12), json.encode("\\1\\"\\n\\127中"))
        log.info("t", json.encode({[20] = 1}))
        log.info("t", json.encode({f = print}))
        log.info("t", json.encode(0/0))
        log.info("t", json.encode({[true] = 1}))
        """)).containsExactly(
        "I/user.t [1,2.5000000,\"a\\/b\",true,null] {} true",
        "I/user.t {\"a\":{}} [1,null,3] 0 10.0000000e+09",
        "I/user.t {\"x\":1.50} {\"x\":1.500} {\"x\":1.5000000} \"\\u0001\\\"\\n\\u007f中\"",
        "I/user.t nil Cannot serialise table: excessively sparse array",
        "I/user.t nil Cannot serialise function: type not supported",
        "I/user.t nil Cannot serialise number: must not be NaN or Inf",
        "I/user.t nil Cannot serialise boolean: table key must be a number or string");
  }

  @Test
  void jsonDecodesIntegersAndFloatsAndReportsErrorsAsValues() {
    assertThat(run("""
        local t, ok = json.decode('{"a":[1,2.0,-0,"x\\\\u4e2d",null,true],"b":{}}')
        log.info("t", ok, math.type(t.a[1]), math.type(t.a[2]), math.type(t.a[3]), t.a[4], t.a[5] == json.null, t.a[6], type(t.b))
        log.info("t", json.decode("1e5"))
        log.info("t", json.decode("[1,]"))
        log.info("t", json.decode(""))
        log.info("t", json.decode('{"a":1} x'))
        log.info("t", json.decode("01"))
        log.info("t", json.decode('"\\\\q"'))
        log.info("t", json.decode("1.5e3"), json.decode(123))
        log.info("t", json.decode())
        """)).containsExactly(
        "I/user.t 1 integer float float x中 true true table",
        "I/user.t nil false Expected the end but found invalid token at character 2",
        "I/user.t nil false Expected value but found T_ARR_END at character 4",
        "I/user.t nil false Expected value but found T_END at character 1",
        "I/user.t nil false Expected the end but found invalid token at character 9",
        "I/user.t nil false Expected value but found invalid number at character 1",
        "I/user.t nil false Expected value but found invalid escape code at character 2",
        "I/user.t 1500.0000000000 123 1",
        "I/user.t nil false bad argument #1 to '?' (expected 1 argument)");
  }

  @Test
  void stringExtensionsFollowTheFirmware() {
    assertThat(run("""
        log.info("t", string.toHex("\\1\\2\\3"), ("123abc"):toHex(" "))
        log.info("t", string.fromHex("01 02 03"):toHex(), string.fromHex("0x10"):toHex(), string.fromHex("123"):toHex(), #string.fromHex("zz"))
        local p = string.split("/tmp//def/1234/", "/")
        local k = string.split("/tmp//def/1234/", "/", true)
        log.info("t", #p, table.concat(p, "|"), #k, table.concat(k, "|"), #string.split(""), #string.split(","), #string.split(",", ",", true))
        log.info("t", string.urlEncode("123 abc+/*~"), string.urlEncode("123 abc+/", 1), string.urlEncode("123 abc+/", -1, 0, "/ "))
        log.info("t", string.toBase64("hello"), string.fromBase64("aGVsbG8="), string.fromBase64("YWJjZA"), string.fromBase64("a b="))
        log.info("t", string.toBase32("foobar"), string.fromBase32("MZXW6YTBOI"), string.fromBase32("MY======"))
        log.info("t", ("abc"):startsWith("ab"), ("abc"):endsWith("bc"), ("abc"):startsWith("abcd"), ("abc"):endsWith(""))
        log.info("t", "[" .. string.trim(" \\t a b \\r\\n") .. "]", #string.trim("\\r\\nabc\\r\\n", false, true), "[" .. string.trim("  x  ", 1) .. "]")
        log.info("t", string.toValue("123abc"):toHex())
        """)).containsExactly(
        "I/user.t 010203 31 32 33 61 62 63  12",
        "I/user.t 010203 10 12 0",
        "I/user.t 3 tmp|def|1234 6 |tmp||def|1234| 0 0 2",
        "I/user.t 123+abc%2B%2F*%7E 123%20abc%2B%2F 123 abc%2B/",
        "I/user.t aGVsbG8= hello abc ",
        "I/user.t MZXW6YTBOI foobar ",
        "I/user.t true true false true",
        "I/user.t [a b] 5 [x]",
        "I/user.t 0102030A0B0C 12");
  }
}
