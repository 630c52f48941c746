package airemu.lua;

import airemu.netif.W5500;
import party.iroiro.luajava.Lua;

/**
 * {@code w5500}: a W5500 on SPI ({@code luat_lib_w5500.c}) onto {@link W5500}. Boards built with
 * {@code LUAT_USE_W5500} have it, which here means boards with a W5500 adapter.
 */
final class W5500Lib {
  private W5500Lib() {}

  static void install(LuaFirmware fw, Lua L) {
    Vm vm = fw.vm();
    L.newTable();
    vm.setFunction(L, -1, "init", l -> {
      for (int i = 1; i <= 5; i++) Args.checkInteger(l, i); // spi id, speed, cs, irq, reset
      long link = Args.optInteger(l, 6, 0xff);
      chip(fw).init(l.toInteger(3), l.toInteger(4), l.toInteger(5), link);
      return 0;
    });
    vm.setFunction(L, -1, "config", l -> {
      if (!chip(fw).answers()) { // before any argument is looked at
        fw.clog('D', "w5500", "device no ready");
        l.push(false);
        return 1;
      }
      String ip = null, mask = null, gateway = null;
      if (!Args.isNone(l, 1) && (l.type(1) == Lua.LuaType.STRING || l.type(1) == Lua.LuaType.NUMBER)) {
        ip = Args.checkString(vm, l, 1);
        mask = Args.checkString(vm, l, 2);
        gateway = Args.checkString(vm, l, 3);
      }
      byte[] mac = null;
      if (!Args.isNone(l, 4) && (l.type(4) == Lua.LuaType.STRING || l.type(4) == Lua.LuaType.NUMBER)) mac = Args.checkBytes(vm, l, 4);
      Args.optInteger(l, 5, 2000);
      Args.optInteger(l, 6, 8);
      Args.optInteger(l, 7, 0);
      l.push(chip(fw).config(ip, mask, gateway, mac));
      return 1;
    });
    vm.setFunction(L, -1, "bind", l -> {
      chip(fw).bind(Args.checkInteger(l, 1));
      return 0;
    });
    vm.setFunction(L, -1, "getMac", l -> {
      vm.pushBytes(l, chip(fw).mac());
      return 1;
    });
    L.setGlobal("w5500");
  }

  private static W5500 chip(LuaFirmware fw) {
    return fw.network().w5500();
  }
}
