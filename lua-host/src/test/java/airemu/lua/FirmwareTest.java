package airemu.lua;

import static org.assertj.core.api.Assertions.assertThat;

import airemu.config.BoardProfiles;
import airemu.core.Device;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The VM's life as the module lives it: boot, errors, watchdog resets, exits and reboots; and its sandbox. */
class FirmwareTest {

  private static List<String> run(String script) {
    return run("air780epm", script);
  }

  private static List<String> run(String board, String script) {
    try (Emulation emu = Emulation.run(board, script + "\nos.exit(0)")) {
      emu.awaitExit();
      return emu.scriptLines();
    }
  }

  @Test
  void bootPrintsTheBoardsBannerAndHeapLines() {
    try (Emulation emu = Emulation.run("air8101", "os.exit(0)")) {
      emu.awaitExit();
      assertThat(emu.lines()).startsWith("I/main LuatOS@Air8101 base 26.04 bsp V2018 64bit", "I/main ROM Build: Aug 10 2026 09:41:07");
      assertThat(emu.lines().get(2)).matches("D/main loadlibs luavm 2097144 \\d+ \\d+");
      assertThat(emu.lines().subList(3, 5)).containsExactly("D/main loadlibs sys   224464 29736 29736",
          "D/main loadlibs psram 6291456 29736 29736");
    }
  }

  @Test
  void aSyntaxErrorNamesTheFileAndLineAndEndsTheVm() {
    try (Emulation emu = Emulation.run("air780epm", "local x = 1\nx = = 2\n")) {
      assertThat(emu.awaitExit()).isEqualTo(1);
      assertThat(emu.scriptLines()).containsExactly("E/main Luat: ", "E/main main.lua:2: unexpected symbol near '='",
          "E/main Lua VM exit!! reboot in 15000ms");
    }
  }

  @Test
  void aRuntimeErrorInTheMainChunkEndsTheVm() {
    try (Emulation emu = Emulation.run("air780epm", "log.info('m', 'start')\nlocal t = nil\nprint(t.x)\n")) {
      assertThat(emu.awaitExit()).isEqualTo(1);
      assertThat(emu.scriptLines()).containsExactly("I/user.m start", "E/main Luat: ",
          "E/main main.lua:3: attempt to index a nil value (local 't')", "E/main Lua VM exit!! reboot in 15000ms");
    }
  }

  @Test
  void mainReturningWithoutSysRunEndsTheVmWithoutAnError() {
    try (Emulation emu = Emulation.run("air780epm", "log.info('m', 'only line')")) {
      assertThat(emu.awaitExit()).isEqualTo(0);
      assertThat(emu.scriptLines()).containsExactly("I/user.m only line", "E/main Lua VM exit!! reboot in 15000ms");
    }
  }

  @Test
  void osExitEndsTheRunWithItsCodeEvenFromInsidePcall() {
    try (Emulation emu = Emulation.run("air780epm", """
        sys.taskInit(function()
          pcall(function() os.exit(7) end)
          log.info("t", "not reached")
        end)
        sys.run()
        """)) {
      assertThat(emu.awaitExit()).isEqualTo(7);
      assertThat(emu.scriptLines()).isEmpty();
    }
  }

  @Test
  void theWatchdogStopsALoopThatNeverYields() {
    try (Emulation emu = Emulation.run("air780epm", Map.of("main.lua", """
        log.info("m", "looping")
        sys.taskInit(function()
          while true do
            pcall(function() while true do end end)
          end
        end)
        log.info("m", "not reached")
        """), Device.CrashPolicy.STOP, 300)) {
      assertThat(emu.awaitExit()).isEqualTo(1);
      assertThat(emu.scriptLines()).containsExactly("I/user.m looping", "E/wdt watchdog reset: the script ran 300 ms without yielding");
    }
  }

  @Test
  void aScriptThatKeepsReturningToTheMainLoopIsNeverResetHoweverLongItWorks() {
    // 60 turns of 25 ms of work: three times the watchdog in all, every timer message in one step
    try (Emulation emu = Emulation.run("air780epm", Map.of("main.lua", """
        local n = 0
        sys.timerLoopStart(function()
          n = n + 1
          local t = mcu.ticks() while mcu.ticks() - t < 25 do end
          if n == 60 then log.info("m", "worked", n) os.exit(0) end
        end, 5)
        sys.run()
        """), Device.CrashPolicy.STOP, 500)) {
      assertThat(emu.awaitExit()).isZero();
      assertThat(emu.scriptLines()).containsExactly("I/user.m worked 60");
    }
  }

  @Test
  void aVmBlockedInRtosReceiveIsWaitingNotRunningAndTheWatchdogLeavesItAlone() {
    // outside sys.run the VM blocks in the firmware's own wait (luat_lib_rtos.c), which a module's
    // watchdog does not count: three times the watchdog of waiting, then the timeout
    try (Emulation emu = Emulation.run("air780epm", Map.of("main.lua", """
        sys.taskInit(function()
          local t0, last = mcu.ticks(), nil
          repeat last = {rtos.receive(600)} until mcu.ticks() - t0 >= 600 -- boot messages may come first
          log.info("m", "waited", last[1], last[2])
          os.exit(0)
        end)
        sys.run()
        """), Device.CrashPolicy.STOP, 200)) {
      assertThat(emu.awaitExit()).isZero();
      assertThat(emu.scriptLines()).containsExactly("I/user.m waited -1 nil"); // the timeout, as LibrariesTest pins it
    }
  }

  @Test
  void aScriptStuckInsideOneCallIsResetAndItsVmNeverReachesTheDeviceAgain(@TempDir Path dir) throws Exception {
    // opening a FIFO blocks inside the C library until a writer comes: no VM hook runs meanwhile
    Path storage = Files.createDirectories(dir.resolve("fs"));
    Path pipe = storage.resolve("pipe");
    assertThat(new ProcessBuilder("mkfifo", pipe.toString()).inheritIO().start().waitFor()).isZero();
    Path project = Files.createDirectories(dir.resolve("project"));
    Files.writeString(project.resolve("main.lua"), """
        log.info("m", "opening the pipe")
        local f = io.open("/pipe", "r")
        log.info("m", "opened", f ~= nil)
        sys.run()
        """);
    try (Emulation emu = Emulation.start(DeviceSetup.of(BoardProfiles.find("air780epm"), Project.open(project), storage),
        Device.CrashPolicy.STOP, 200)) {
      assertThat(emu.awaitExit()).isEqualTo(1);
      assertThat(emu.scriptLines()).containsExactly("I/user.m opening the pipe", "E/wdt watchdog reset: the script ran 200 ms without yielding");
      assertThat(emu.vmClosed()).isNotDone(); // the old VM is still inside io.open, and only its thread may close it

      Files.newOutputStream(pipe).close(); // a writer came: the call returns, and the script runs on in a VM nobody owns
      assertThat(emu.vmClosed().get(Emulation.WAIT.toSeconds(), TimeUnit.SECONDS).getName()).startsWith("airemu-worker-");
      assertThat(emu.scriptLines()).containsExactly("I/user.m opening the pipe", "E/wdt watchdog reset: the script ran 200 ms without yielding");
    }
  }

  @Test
  void aWatchdogResetReboots() {
    try (Emulation emu = Emulation.run("air780epm", Map.of("main.lua", "log.info('m', 'boot') while true do end"),
        Device.CrashPolicy.REBOOT, 200)) {
      emu.awaitBoot(2);
      emu.awaitLine(l -> l.equals("I/user.m boot") && emu.lines().indexOf(l) != emu.lines().lastIndexOf(l));
    }
  }

  @Test
  void rtosRebootRestartsTheProject() {
    try (Emulation emu = Emulation.run("air780epm", Map.of("main.lua", """
        log.info("m", "boot")
        sys.timerStart(rtos.reboot, 10)
        sys.run()
        """), Device.CrashPolicy.STOP, 5000)) {
      emu.awaitBoot(2);
      emu.awaitLines(12);
      assertThat(emu.scriptLines()).containsExactly("I/user.m boot", "I/user.m boot");
    }
  }

  @Test
  void withRebootOnCrashAFailingProjectBootsAgainAfterTheBoardsDelay() {
    try (Emulation emu = Emulation.run(Emulation.withRebootDelay("air780epm", "100ms"),
        Map.of("main.lua", "log.info('m', 'boot')\nerror('boom')"), Device.CrashPolicy.REBOOT, 5000)) {
      emu.awaitBoot(3);
      emu.awaitLine("E/main Lua VM exit!! reboot in 100ms");
      assertThat(emu.scriptLines().subList(0, 4)).containsExactly("I/user.m boot", "E/main Luat: ", "E/main main.lua:2: boom",
          "E/main Lua VM exit!! reboot in 100ms");
    }
  }

  @Test
  void aMissingMainIsReportedAsTheFirmwareDoes() {
    try (Emulation emu = Emulation.run("air780epm", Map.of("main.lua", "require('nothing_here')"), Device.CrashPolicy.STOP, 5000)) {
      assertThat(emu.awaitExit()).isEqualTo(1);
      assertThat(emu.scriptLines().get(1)).startsWith("E/main main.lua:1: module 'nothing_here' not found:\n"
          + "\tno field package.preload['nothing_here']\n\tno file '/nothing_here.luac'");
    }
  }

  @Test
  void allocatingPastTheBoardsLuaHeapFailsWithNotEnoughMemory() {
    assertThat(run("air780e", """
        local t = {}
        local ok, err = pcall(function() while true do t[#t + 1] = string.rep("x", 1000) .. #t end end)
        t = nil
        collectgarbage()
        log.info("t", ok, err, rtos.meminfo() < 400000)
        """)).containsExactly("I/user.t false not enough memory true");
  }

  @Test
  void theMainChunkIsTheMainThreadToTheScript() {
    assertThat(run("""
        local co, ismain = coroutine.running()
        log.info("t", type(co), ismain, coroutine.isyieldable())
        log.info("t", pcall(coroutine.yield))
        sys.taskInit(function() log.info("t", select(2, coroutine.running()), coroutine.isyieldable()) end)
        local w = coroutine.wrap(function(a) local b = coroutine.yield(a + 1) return b * 2 end)
        log.info("t", w(1), w(5))
        """)).containsExactly("I/user.t thread true false", "I/user.t false attempt to yield from outside a coroutine",
        "I/user.t false true", "I/user.t 2 10");
  }

  @Test
  void lua53SemanticsHoldOnTheLua54Vm() {
    assertThat(run("""
        local s = "10" + 1
        log.info("t", math.type(s), s, "3" & 1, math.type("3" & 1), "7" // 2, -"2", "0x10" + 0)
        log.info("t", pcall(function() return "3.5" | 0 end))
        log.info("t", pcall(function() return "abc" + 1 end))
        log.info("t", unpack({1, 2}), loadstring("return 5")(), math.log10(1000), table.maxn({[1]=1, [7]=2}), math.pow(2, 3))
        log.info("t", bit32.band(0xFF, 0x0F), bit32.bnot(0), bit32.lshift(1, 31), bit32.rshift(0xF0, 4), bit32.bor(1, 2, 4),
          bit32.bxor(3, 1), bit32.arshift(0x80000000, 4), bit32.extract(0xABCD, 4, 8), bit32.replace(0, 0xF, 8, 4), bit32.btest(1, 2))
        local t = setmetatable({}, { __add = function() return "meta" end })
        log.info("t", "1" + t)
        """)).containsExactly(
        "I/user.t float 11.000000000000 1 integer 3.0000000000000 -2.0000000000000 16.000000000000",
        "I/user.t false main.lua:3: number has no integer representation",
        "I/user.t false main.lua:4: attempt to perform arithmetic on a string value",
        "I/user.t 1 5 3.0000000000000 7 8.0000000000000",
        "I/user.t 15 4294967295 2147483648 15 7 2 4160749568 188 3840 false",
        "I/user.t meta");
  }

  @Test
  void theSandboxKeepsTheHostOutOfReach() {
    assertThat(run("""
        log.info("t", java, os.execute, io.popen, io.read, debug.sethook, debug.getregistry, string.dump, package.loadlib)
        log.info("t", load("\\27Lua stuff"))
        log.info("t", io.open("/../../../../etc/passwd"))
        log.info("t", io.open("/luadb/main.lua") ~= nil, io.open("/luadb/main.lua", "w"))
        log.info("t", pcall(debug.getupvalue, print, 1))
        """)).containsExactly("I/user.t nil nil nil nil nil nil nil nil",
        "I/user.t nil attempt to load a binary chunk (mode is 't')",
        "I/user.t nil /../../../../etc/passwd: 2 2",
        "I/user.t true nil /luadb/main.lua: 30 30",
        "I/user.t true");
  }

  @Test
  void requireFindsProjectModulesInSubfoldersAsLuaToolsFlattensThem() {
    try (Emulation emu = Emulation.run("air780epm", Map.of(
        "main.lua", "local m = require('helper') log.info('t', m.hello(), require('helper') == m, package.loaded.helper == m) os.exit(0)",
        "lib/helper.lua", "local name = ... local M = {} function M.hello() return 'hi from ' .. name end return M"),
        Device.CrashPolicy.STOP, 5000)) {
      emu.awaitExit();
      assertThat(emu.scriptLines()).containsExactly("I/user.t hi from helper true true");
    }
  }

  @Test
  void theDevicesFileSystemIsWritableAndPersistsAcrossReboots() {
    try (Emulation emu = Emulation.run("air780epm", Map.of("main.lua", """
        if io.exists("/boots.txt") then
          local n = tonumber(io.readFile("/boots.txt")) + 1
          io.writeFile("/boots.txt", tostring(n))
          log.info("t", "boot", n, io.fileSize("/boots.txt"))
          os.exit(0)
        end
        log.info("t", io.writeFile("/boots.txt", "1"), io.mkdir("/d"), io.writeFile("/d/a.txt", "abc"))
        local f = io.open("/d/a.txt", "a") f:write("de", 1) f:close()
        log.info("t", io.readFile("/d/a.txt"), io.readFile("/d/a.txt", "rb", 1, 2), io.readFile("/missing"))
        local ok, list = io.lsdir("/d/")
        log.info("t", ok, #list, list[1].name, list[1].type, list[1].size)
        log.info("t", os.remove("/d/a.txt"), os.remove("/d/a.txt"), io.rmdir("/d"))
        log.info("t", os.remove("/d/a.txt"))
        rtos.reboot()
        """), Device.CrashPolicy.STOP, 5000)) {
      assertThat(emu.awaitExit()).isEqualTo(0);
      assertThat(emu.scriptLines()).containsExactly("I/user.t true true true", "I/user.t abcde1 bc", "I/user.t true 1 a.txt 0 6",
          "I/user.t true nil true 0", "I/user.t nil /d/a.txt: 2 2", "I/user.t boot 2 1");
    }
  }
}
