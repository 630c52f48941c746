package airemu.lua;

import airemu.boards.BoardProfile;
import party.iroiro.luajava.Lua;

/**
 * {@code rtos}: firmware timers, identity and memory. {@code receive} and {@code reboot} are wired
 * by the prelude, because waiting and stopping the VM happen in Lua.
 */
final class RtosLib {
  private RtosLib() {}

  static void install(LuaFirmware fw, Lua L) {
    new RtosLib().installInto(fw, L);
  }

  private void installInto(LuaFirmware fw, Lua L) {
    Vm vm = fw.vm();
    L.newTable();
    L.push(1);
    L.setField(-2, "MSG_TIMER");
    L.push(-1);
    L.setField(-2, "INF_TIMEOUT");
    vm.setFunction(L, -1, "timer_start", l -> {
      long id = Args.checkInteger(l, 1);
      long ms = Args.checkInteger(l, 2);
      long repeat = Args.optInteger(l, 3, 0);
      if (ms == 0) {
        l.push(0);
        return 1;
      }
      // the firmware holds the timeout unsigned (32 bits): a negative one lasts about 49.7 days
      if (ms < 0) ms = (ms & 0xFFFFFFFFL) == 0 ? 1L << 32 : ms & 0xFFFFFFFFL;
      l.push(fw.device().timers().start(id, ms, repeat) ? 1 : 0);
      return 1;
    });
    vm.setFunction(L, -1, "timer_stop", l -> {
      if (l.getTop() >= 1 && l.isInteger(1)) fw.device().timers().stop(l.toInteger(1));
      return 0;
    });
    vm.setFunction(L, -1, "meminfo", l -> {
      String type = l.toString(1);
      long luaUsed = l.toInteger(2);
      BoardProfile.Memory m = fw.board().memory();
      if ("sys".equals(type) || ("psram".equals(type) && m.psram() == 0)) {
        return push3(l, m.sys(), m.sysUsed(), m.sysUsed());
      }
      if ("psram".equals(type)) return push3(l, m.psram(), m.sysUsed(), m.sysUsed());
      long[] heap = fw.luaHeap(luaUsed);
      return push3(l, heap[0], heap[1], heap[2]);
    });
    vm.setFunction(L, -1, "bsp", l -> {
      l.push(fw.board().bsp());
      return 1;
    });
    vm.setFunction(L, -1, "version", l -> {
      l.push(fw.board().firmware().bspVersion());
      return 1;
    });
    vm.setFunction(L, -1, "buildDate", l -> {
      l.push(fw.board().firmware().buildDate());
      return 1;
    });
    vm.setFunction(L, -1, "firmware", l -> {
      l.push("LuatOS-SoC_" + fw.board().firmware().bspVersion() + "_" + fw.board().bsp());
      return 1;
    });
    vm.setFunction(L, -1, "standy", l -> {
      Args.checkInteger(l, 1);
      return 0;
    });
    vm.setFunction(L, -1, "nop", l -> 0);
    vm.setFunction(L, -1, "autoCollectMem", l -> {
      long period = Args.optInteger(l, 1, 100);
      long mid = Args.optInteger(l, 2, 80);
      long high = Args.optInteger(l, 3, 90);
      if (period > 60000 || mid > 95 || mid < 50 || high > 95 || high < 50 || mid >= high) return 0;
      fw.clog('D', "rtos", "mem collect param " + gcPeriod + "," + gcMid + "," + gcHigh + " -> " + period + "," + mid + "," + high);
      gcPeriod = period;
      gcMid = mid;
      gcHigh = high;
      return 0;
    });
    L.setGlobal("rtos");
  }

  private static int push3(Lua l, long a, long b, long c) {
    l.push(a);
    l.push(b);
    l.push(c);
    return 3;
  }

  private long gcPeriod = 100, gcMid = 80, gcHigh = 90; // rtos.autoCollectMem settings
}
