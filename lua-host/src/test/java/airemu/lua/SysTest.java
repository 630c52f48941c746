package airemu.lua;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The scheduler of luatos-semantics.md section 4 and the observations of section 11, each as a small
 * script whose exact log is asserted.
 */
class SysTest {

  private static List<String> run(String script) {
    try (Emulation emu = Emulation.run("air780epm", script)) {
      emu.awaitExit();
      return emu.scriptLines();
    }
  }

  @Test
  void taskInitRunsTheTaskUntilItsFirstYieldBeforeReturning() {
    assertThat(run("""
        log.info("t", "before")
        sys.taskInit(function()
          log.info("t", "in task")
          sys.wait(10)
          log.info("t", "after wait")
          os.exit(0)
        end)
        log.info("t", "after taskInit")
        sys.run()
        """)).containsExactly("I/user.t before", "I/user.t in task", "I/user.t after taskInit", "I/user.t after wait");
  }

  @Test
  void waitZeroDoesNotYieldAndLogsTheTimerError() {
    assertThat(run("""
        local order = {}
        sys.taskInit(function()
          local r = { sys.wait(0) }
          order[#order + 1] = "task:" .. #r
        end)
        order[#order + 1] = "main"
        log.info("t", table.concat(order, ","))
        os.exit(0)
        """)).containsExactly("D/user.rtos.timer_start error", "I/user.t task:0,main");
  }

  @Test
  void aNegativeWaitNeverReturns() {
    assertThat(run("""
        sys.taskInit(function() sys.wait(-5) log.info("t", "negative wait returned") end)
        sys.taskInit(function() sys.wait(300) log.info("t", "done") os.exit(0) end)
        sys.run()
        """)).containsExactly("I/user.t done");
  }

  @Test
  void aFractionalWaitRaisesAndWaitOutsideATaskRaises() {
    assertThat(run("""
        local ok, err = pcall(sys.wait, 10)
        log.info("main", ok, (err:gsub("\\n.*", "")))
        sys.taskInit(function()
          log.info("task", pcall(sys.wait, 1.5))
          os.exit(0)
        end)
        sys.run()
        """)).containsExactly("I/user.main false attempt to yield from outside a coroutine",
        "I/user.task false bad argument #2 to 'timer_start' (number has no integer representation)");
  }

  @Test
  void publishIsDeliveredOnlyWhenTheMainLoopTurns() {
    assertThat(run("""
        sys.subscribe("E", function(a) log.info("t", "got", a) end)
        sys.publish("E", 1)
        log.info("t", "published")
        sys.timerStart(os.exit, 10, 0)
        sys.run()
        """)).containsExactly("I/user.t published", "I/user.t got 1");
  }

  @Test
  void aPublishBeforeAnyoneWaitsIsLostButOneInTheSameTurnAsWaitUntilArrives() {
    assertThat(run("""
        sys.publish("A", 1)
        sys.taskInit(function()
          sys.wait(50)
          log.info("t", "early publish", sys.waitUntil("A", 100))
          sys.publish("B", 2)
          log.info("t", "same turn publish", sys.waitUntil("B", 100))
          os.exit(0)
        end)
        sys.run()
        """)).containsExactly("I/user.t early publish false", "I/user.t same turn publish true 2");
  }

  @Test
  void waitUntilExtAndWaitUntilMsgReturnTheirOwnShapes() {
    assertThat(run("""
        sys.taskInit(function()
          log.info("t", sys.waitUntilExt("X", 1000))
          log.info("t", sys.waitUntilMsg("Y"))
          log.info("t", sys.waitUntilExt("Z", 20))
          os.exit(0)
        end)
        sys.taskInit(function()
          sys.wait(10) sys.publish("X", 1, 2)
          sys.wait(10) sys.publish("Y", "a", "b")
        end)
        sys.run()
        """)).containsExactly("I/user.t X 1 2", "I/user.t a b", "I/user.t false");
  }

  @Test
  void waitMsgHandsMessagesForOtherTargetsToTheTaskCallbackAndDropsThem() {
    assertThat(run("""
        sys.taskInitEx(function()
          local msg = sys.waitMsg("T", "want", 1000)
          log.info("t", "got", msg[1], msg[2], #msg)
          log.info("t", "timeout", sys.waitMsg("T", "want", 50))
          os.exit(0)
        end, "T", function(m) log.info("t", "cb", m[1], m[2]) end)
        sys.sendMsg("T", "other", 1)
        sys.sendMsg("T", "want", 2)
        log.info("t", "unknown task", sys.sendMsg("nope", 1))
        sys.run()
        """)).containsExactly("I/user.t unknown task false", "I/user.t cb other 1", "I/user.t got want 2 2",
        "I/user.t timeout nil");
  }

  @Test
  void waitMsgNeedsATaskStartedWithTaskInitEx() {
    assertThat(run("""
        sys.taskInit(function()
          log.info("t", sys.waitMsg("plain", nil, 10))
          log.info("t", sys.cleanMsg("plain"), sys_send == sys.sendMsg, sys_wait == sys.waitMsg, sys_pub == sys.publish)
          os.exit(0)
        end)
        sys.run()
        """)).containsExactly("E/user.sys sys.taskInitEx启动的task才能使用waitMsg", "I/user.t false", "I/user.t false true true true");
  }

  @Test
  void taskInitExWithoutANameLogsAndStartsNothing() {
    List<String> lines = run("""
        log.info("t", sys.taskInitEx(function() log.info("t", "ran") end, nil))
        os.exit(0)
        """);
    assertThat(lines).hasSize(2);
    assertThat(lines.get(0)).startsWith("E/user.sys taskName is nil stack traceback:");
    assertThat(lines.get(1)).isEqualTo("I/user.t");
  }

  @Test
  void timersAreMatchedByFunctionAndArguments() {
    assertThat(run("""
        local function f(a) log.info("t", "fired", a) end
        log.info("t", "first id", sys.timerStart(f, 20, 1))
        sys.timerStart(f, 20, 2)   -- other arguments: a second timer
        sys.timerStart(f, 30, 1)   -- same function and arguments: replaces the first
        sys.timerStop(f, 2)
        log.info("t", "active", sys.timerIsActive(f, 1), sys.timerIsActive(f, 2) == nil)
        sys.timerStart(os.exit, 100, 0)
        sys.run()
        """)).containsExactly("I/user.t first id 2097152", "I/user.t active true true", "I/user.t fired 1");
  }

  @Test
  void aTimerOfZeroMillisecondsFailsToStartAndReturnsNothing() {
    assertThat(run("""
        local fired = false
        local n = select("#", sys.timerStart(function() fired = true end, 0)) -- a bare return: nil to the caller
        log.info("t", n, select("#", sys.timerLoopStart(function() fired = true end, 0)))
        sys.timerStart(function() log.info("t", "fired", fired) os.exit(0) end, 20)
        sys.run()
        """)).containsExactly("E/user.rtos.timer_start create fail!!!", "E/user.rtos.timer_start create fail!!!",
        "I/user.t 0 0", "I/user.t fired false");
  }

  @Test
  void loopTimersRepeatUntilStopped() {
    assertThat(run("""
        local n = 0
        local id
        id = sys.timerLoopStart(function()
          n = n + 1
          log.info("t", "tick", n)
          if n == 3 then sys.timerStop(id) sys.timerStart(os.exit, 50, 0) end
        end, 10)
        sys.run()
        """)).containsExactly("I/user.t tick 1", "I/user.t tick 2", "I/user.t tick 3");
  }

  @Test
  void aFailingTaskIsLoggedAndTheVmExitsHalfASecondLaterWhileOtherTasksRun() {
    // the tasks' timers are started before the failure and the 500 ms one after it, so they fire in
    // this order even when the host stalls: four wake-ups inside the grace, none after it
    try (Emulation emu = Emulation.run("air780epm", """
        sys.taskInit(function()
          sys.wait(10)
          for _, ms in ipairs({110, 220, 330, 440, 600}) do
            sys.taskInit(function() sys.wait(ms) log.info("t", "alive after", ms) end)
          end
          local x = nil
          x.y = 1
        end)
        sys.run()
        """)) {
      assertThat(emu.awaitExit()).isEqualTo(1);
      List<String> lines = emu.scriptLines();
      assertThat(lines.get(0)).startsWith("E/user.coroutine.resume main.lua:7: attempt to index a nil value (local 'x')\r\n"
          + "stack traceback:\n");
      assertThat(lines.subList(1, 5)).containsExactly("I/user.t alive after 110", "I/user.t alive after 220",
          "I/user.t alive after 330", "I/user.t alive after 440");
      assertThat(lines.get(5)).isEqualTo("E/main Luat: ");
      assertThat(lines.get(6)).startsWith("E/main main.lua:7: attempt to index a nil value (local 'x')\r\nstack traceback:");
      assertThat(lines.subList(7, lines.size())).containsExactly("E/main Lua VM exit!! reboot in 15000ms");
    }
  }

  @Test
  void withRollBackOffAFailingTaskRebootsTheModule() {
    // COROUTINE_ERROR_RESTART (on by default) is read once ROLL_BACK is off: rtos.reboot() at once
    assertThat(run("""
        if io.exists("/rebooted") then log.info("t", "booted again") os.exit(0) end
        io.writeFile("/rebooted", "1")
        COROUTINE_ERROR_ROLL_BACK = false
        sys.taskInit(function() error("task failed") end)
        sys.timerStart(log.info, 600, "t", "not rebooted")
        sys.run()
        """)).satisfiesExactly(
        l -> assertThat(l).startsWith("E/user.coroutine.resume main.lua:4: task failed\r\nstack traceback:"),
        l -> assertThat(l).isEqualTo("I/user.t booted again"));
  }

  @Test
  void aFailingTaskOnlyLogsWhenRollBackAndRestartAreOff() {
    assertThat(run("""
        COROUTINE_ERROR_ROLL_BACK = false
        COROUTINE_ERROR_RESTART = false
        sys.taskInit(function() error("task failed") end)
        sys.timerStart(function() log.info("t", "still running") os.exit(0) end, 600)
        sys.run()
        """)).hasSize(2).last().isEqualTo("I/user.t still running");
  }

  @Test
  void aDeletedTaskQueueTakesNoMoreMessages() {
    assertThat(run("""
        sys.taskInitEx(function() sys.wait(100) end, "T", function(m) log.info("t", "cb", m[1]) end)
        log.info("t", "before", sys.sendMsg("T", 1))
        sys.taskDel("T")
        log.info("t", "after", sys.sendMsg("T", 2), sys.cleanMsg("T"))
        sys.taskInit(function()
          log.info("t", "wait", sys.waitMsg("T", nil, 10))
          os.exit(0)
        end)
        sys.run()
        """)).containsExactly("I/user.t before true", "I/user.t after false false",
        "E/user.sys sys.taskInitEx启动的task才能使用waitMsg", "I/user.t wait false");
  }

  @Test
  void timerStopAllStopsEveryTimerOfTheFunctionWhateverItsArguments() {
    assertThat(run("""
        local function f(a) log.info("t", "f", a) end
        local function g(a) log.info("t", "g", a) end
        sys.timerStart(f, 20, 1)
        sys.timerStart(f, 20, 2)
        sys.timerLoopStart(f, 10)
        sys.timerStart(g, 30, 3)
        sys.timerStopAll(f)
        log.info("t", "active", sys.timerIsActive(f, 1), sys.timerIsActive(f, 2), sys.timerIsActive(g, 3))
        sys.timerStart(os.exit, 100, 0)
        sys.run()
        """)).containsExactly("I/user.t active nil nil true", "I/user.t g 3");
  }

  @Test
  void aTimerOfZeroMillisecondsFailsWithTheFirmwaresLineAndNil() {
    assertThat(run("""
        local id = sys.timerStart(function() log.info("t", "fired") end, 0)
        log.info("t", "id", id)
        local loop = sys.timerLoopStart(function() log.info("t", "fired") end, 0)
        log.info("t", "loop id", loop)
        sys.timerStart(os.exit, 50, 0)
        sys.run()
        """)).containsExactly("E/user.rtos.timer_start create fail!!!", "I/user.t id nil",
        "E/user.rtos.timer_start create fail!!!", "I/user.t loop id nil");
  }

  @Test
  void anUnsubscribedFunctionHearsNoMoreAndSubscribingTwiceHearsOnce() {
    assertThat(run("""
        local function f(n) log.info("t", "f", n) end
        sys.subscribe("E", f)
        sys.subscribe("E", f)
        sys.subscribe({"E", "F"}, function(n) log.info("t", "other", n) end)
        sys.unsubscribe("NOBODY", f)
        sys.publish("E", 1)
        sys.taskInit(function()
          sys.wait(10)
          sys.unsubscribe("E", f)
          sys.publish("E", 2)
          sys.wait(10)
          os.exit(0)
        end)
        sys.run()
        """)).containsExactlyInAnyOrder("I/user.t f 1", "I/user.t other 1", "I/user.t other 2")
        .containsSubsequence("I/user.t f 1", "I/user.t other 2");
  }

  @Test
  void anErrorInASubscriberFunctionEndsTheVmWithoutATaskLine() {
    try (Emulation emu = Emulation.run("air780epm", """
        sys.subscribe("BOOM", function() error("bad subscriber") end)
        sys.publish("BOOM")
        sys.run()
        """)) {
      assertThat(emu.awaitExit()).isEqualTo(1);
      assertThat(emu.scriptLines()).containsExactly("E/main Luat: ", "E/main main.lua:1: bad subscriber",
          "E/main Lua VM exit!! reboot in 15000ms");
    }
  }

  @Test
  void sysAndSysplusAreLoadedAsTheSameGlobalTable() {
    assertThat(run("""
        log.info("t", sys == sysplus, require("sys") == sys, require("sysplus") == sys, SCRIPT_LIB_VER)
        os.exit(0)
        """)).containsExactly("I/user.t true true true 2.3.2");
  }

  @Test
  void sysCwObjectsWaitForTheirTopic() {
    assertThat(run("""
        sys.taskInit(function()
          local w = sys_cw("\\1topic")
          sys.timerStart(sys.publish, 10, "\\1topic", "result", 7)
          log.info("t", w.wait())
          log.info("t", sys_cw(nil, "failed", -1).wait())
          os.exit(0)
        end)
        sys.run()
        """)).containsExactly("I/user.t result 7", "I/user.t failed -1");
  }
}
