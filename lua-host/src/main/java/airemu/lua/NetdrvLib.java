package airemu.lua;

import airemu.netif.Netdrv;
import java.util.HexFormat;
import party.iroiro.luajava.Lua;

/**
 * {@code netdrv}: lwIP network devices ({@code luat_lib_netdrv.c}) onto {@link Netdrv}. Boards built
 * with {@code LUAT_USE_NETDRV} have it, which here means boards with an Ethernet adapter.
 * {@code netdrv.ping} is {@code icmp.ping}: its log lines carry the {@code icmp} tag.
 */
final class NetdrvLib {
  private NetdrvLib() {}

  static void install(LuaFirmware fw, Lua L) {
    Vm vm = fw.vm();
    L.newTable();
    Object[] constants = {"CH390", Netdrv.CH390, "UART", 16, "WHALE", 64, "CTRL_RESET", 1, "RESET_HARD", 0x101, "RESET_SOFT", 0x102};
    for (int i = 0; i < constants.length; i += 2) {
      L.push((Integer) constants[i + 1]);
      L.setField(-2, (String) constants[i]);
    }
    vm.setFunction(L, -1, "setup", l -> {
      int id = (int) Args.checkInteger(l, 1);
      int impl = (int) Args.optInteger(l, 2, 0);
      l.push(drv(fw).setup(id, impl));
      return 1;
    });
    vm.setFunction(L, -1, "dhcp", l -> {
      int id = (int) Args.checkInteger(l, 1);
      l.push(drv(fw).dhcp(id, Args.toBoolean(l, 2)));
      return 1;
    });
    vm.setFunction(L, -1, "ipv4", l -> ipv4(fw, l));
    vm.setFunction(L, -1, "link", l -> flag(l, drv(fw).link((int) Args.checkInteger(l, 1))));
    vm.setFunction(L, -1, "ready", l -> flag(l, drv(fw).ready((int) Args.checkInteger(l, 1))));
    vm.setFunction(L, -1, "mac", l -> {
      byte[] mac = drv(fw).mac((int) Args.checkInteger(l, 1));
      if (mac == null) mac = new byte[6]; // the firmware prints its zeroed buffer
      if (!Args.isNone(l, 3) && l.isBoolean(3) && !l.toBoolean(3)) vm.pushBytes(l, mac);
      else vm.pushString(l, HexFormat.of().withUpperCase().formatHex(mac));
      return 1;
    });
    vm.setFunction(L, -1, "ping", l -> {
      int id = (int) Args.checkInteger(l, 1);
      if (!drv(fw).has(id)) { // checked before the address, as luat_icmp_init comes first
        fw.clog('W', "icmp", "icmp初始化失败");
        return 0;
      }
      String ip = Args.checkString(vm, l, 2);
      Args.optInteger(l, 3, 128);
      Integer sent = drv(fw).ping(id, ip);
      if (sent == null) return 0;
      l.push((long) sent);
      return 1;
    });
    vm.setFunction(L, -1, "debug", l -> {
      Args.checkInteger(l, 1);
      return 0;
    });
    L.setGlobal("netdrv");
  }

  /** {@code netdrv.ipv4(id [, ip, mask, gw])}: three strings, or nothing. */
  private static int ipv4(LuaFirmware fw, Lua L) {
    Vm vm = fw.vm();
    int id = (int) Args.checkInteger(L, 1);
    boolean set = L.getTop() >= 4 && isString(L, 2) && isString(L, 3) && isString(L, 4);
    Netdrv.Ipv4 r = set
        ? drv(fw).ipv4(id, Args.checkString(vm, L, 2), Args.checkString(vm, L, 3), Args.checkString(vm, L, 4))
        : drv(fw).ipv4(id);
    if (r == null) return 0;
    vm.pushString(L, r.ip());
    vm.pushString(L, r.netmask());
    vm.pushString(L, r.gateway());
    return 3;
  }

  /** {@code lua_isstring}: strings and numbers. */
  private static boolean isString(Lua L, int arg) {
    return L.type(arg) == Lua.LuaType.STRING || L.type(arg) == Lua.LuaType.NUMBER;
  }

  private static int flag(Lua L, Boolean value) {
    if (value == null) return 0;
    L.push(value);
    return 1;
  }

  private static Netdrv drv(LuaFirmware fw) {
    return fw.network().netdrv();
  }
}
