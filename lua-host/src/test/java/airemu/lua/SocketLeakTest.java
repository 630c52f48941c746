package airemu.lua;

import static org.assertj.core.api.Assertions.assertThat;

import airemu.lua.SocketScripts.Style;
import airemu.netif.Await;
import airemu.netif.Leaks;
import airemu.netif.Netif;
import airemu.netif.peers.EchoPeer;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import party.iroiro.luajava.Lua;
import org.junit.jupiter.api.Test;

/**
 * Thousands of socket lives in a script leave nothing of themselves in the binding or below it:
 * TCP and UDP ctrls with callbacks and task names, each connecting to a real echo peer, sending,
 * reading the echo, then closed and released, disconnected and released, released, or dropped for
 * the collector. Afterwards, with the garbage collected, the binding holds no ctrl (its address map,
 * the VM's userdata map), no callback (registry references), the network no ctrl and no channel,
 * Netty no unreleased buffer, and the JVM no extra thread.
 */
class SocketLeakTest {
  /** Lives after the warm-up; a few seconds' work (each is a few turns of the script's loop). */
  private static final int CYCLES = 2_000;
  private static final int WARM_UP = 200;

  /** What the binding and the network hold for the script's ctrls, read on the device thread. */
  record Held(int liveCtrls, int userdata, int registryFunctions, int netifCtrls) {}

  @Test
  void socketLivesLeaveNoCtrlCallbackChannelBufferOrThreadBehind() {
    Leaks.Tracking tracking = Leaks.trackEveryBuffer();
    try {
      socketLives();
      Leaks.assertNoByteBufLeaks();
    } finally {
      tracking.close();
    }
  }

  private static void socketLives() {
    try (EchoPeer echo = EchoPeer.start(InetAddress.getLoopbackAddress(), 0);
         Emulation emu = SocketScripts.start("air780epm", Style.CALLBACK, Emulation.TEST_NETWORK,
             Map.of("ECHO", echo.port(), "WARM_UP", WARM_UP, "CYCLES", CYCLES), """
        QUIET = true
        local function expect(name, i, event, param)
          local e, p = nextEvent(name)
          if e ~= event or p ~= param then log.error("leak", "cycle", i, name, e, p) end
        end
        local function live(i)
          STYLE = i % 4 < 2 and "callback" or "task"
          local udp = i % 2 == 1
          local name = "c" .. i % 8
          local c = open(name)
          socket.config(c, nil, udp)
          socket.connect(c, "127.0.0.1", ECHO)
          expect(name, i, socket.ON_LINE, 0)
          socket.tx(c, "ping")
          expect(name, i, socket.TX_OK, 0)
          expect(name, i, socket.EVENT, 0)
          local ending = i // 4 % 4
          if ending == 0 then -- the echo unread
            socket.close(c)
            socket.release(c)
            return
          end
          local ok, data = socket.read(c)
          if data ~= "ping" then log.error("leak", "cycle", i, "read", ok, data) end
          if ending == 1 then
            local _, done = socket.discon(c)
            if not done then expect(name, i, socket.CLOSED, 0) end -- UDP closes at once
            socket.release(c)
          elseif ending == 2 then
            socket.release(c)
          else -- dropped: its __gc releases it (a module's table of ctrls would fill before the collector came by itself)
            c = nil
            collectgarbage()
          end
        end
        sys.taskInit(function()
          networkUp()
          for i = 1, WARM_UP do live(i) end
          collectgarbage()
          collectgarbage()
          log.info("leak", "warm")
          sys.waitUntil("GO")
          for i = 1, CYCLES do live(i) end
          collectgarbage()
          collectgarbage()
          log.info("leak", "done")
          sys.waitUntil("never")
        end)
        sys.run()
        """)) {
      emu.awaitLine("I/user.leak warm");
      Await.until("the warm-up's sockets to close", () -> Leaks.openChannels() == 0);
      Held before = emu.probe(SocketLeakTest::held);
      int threads = ManagementFactory.getThreadMXBean().getThreadCount();
      emu.device().post(new SysPublish("GO", List.of()));

      emu.awaitLine("I/user.leak done");
      Await.until("every socket to close", () -> Leaks.openChannels() == 0);
      Held after = emu.probe(SocketLeakTest::held);

      assertThat(SocketScripts.userLines(emu)).containsExactly("I/user.leak warm", "I/user.leak done");
      assertThat(before.liveCtrls()).isZero();
      assertThat(before.netifCtrls()).isZero();
      assertThat(after).isEqualTo(before);
      assertThat(ManagementFactory.getThreadMXBean().getThreadCount()).isLessThanOrEqualTo(threads);
    }
  }

  private static Held held(LuaFirmware fw, Lua L) {
    int ctrls = 0;
    for (Netif n : fw.network().netifs()) ctrls += n.ctrlCount();
    return new Held(fw.sockets().liveCtrls(), fw.vm().userdataCount(), registryFunctions(fw.vm(), L), ctrls);
  }

  /** Functions the registry holds under integer keys: the references bindings took with {@code luaL_ref}. */
  private static int registryFunctions(Vm vm, Lua L) {
    int registry = vm.natives().getRegistryIndex();
    int n = 0;
    L.pushNil();
    while (L.next(registry) != 0) {
      if (L.type(-2) == Lua.LuaType.NUMBER && L.isFunction(-1)) n++;
      L.pop(1);
    }
    return n;
  }
}
