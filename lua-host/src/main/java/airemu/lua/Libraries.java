package airemu.lua;

import airemu.boards.AdapterSpec;
import airemu.boards.BoardProfile;
import airemu.netif.NetStack;
import java.util.List;
import party.iroiro.luajava.Lua;

/**
 * The firmware libraries of one VM, in one place. Each becomes a global and a loaded module, as
 * the firmware's built-in libraries are ({@code require "json"} returns the global table).
 */
final class Libraries {
  /** Globals the prelude registers in {@code package.loaded}. */
  static final List<String> NAMES = List.of("rtos", "os", "rtc", "mcu", "json", "log", "io", "zbuff", "crypto", "socket", "uart",
      "mobile", "wlan", "netdrv", "w5500");

  private Libraries() {}

  static void install(LuaFirmware fw, Lua L) {
    ArgError.install(fw.vm(), L); // before the prelude replaces debug: it names call sites
    RtosLib.install(fw, L);
    OsLib.install(fw, L);
    RtcLib.install(fw, L);
    McuLib.install(fw, L);
    JsonLib.install(fw, L);
    StringLib.install(fw, L);
    ZbuffLib.install(fw, L);
    CryptoLib.install(fw, L);
    UartLib.install(fw, L);
    MobileLib.install(fw, L);
    WlanLib.install(fw, L);
    NetdrvLib.install(fw, L);
    W5500Lib.install(fw, L);
  }

  /**
   * At boot, once the board is known: removes the network libraries the board's firmware is built
   * without, as its build configuration leaves them out ({@code mobile} needs a cellular adapter,
   * {@code netdrv} an Ethernet one ({@code LUAT_USE_NETDRV}), {@code w5500} a W5500, and {@code wlan}
   * what the profile's Wi-Fi support says).
   */
  static void fitBoard(LuaFirmware fw, Lua L) {
    NetStack net = fw.network();
    BoardProfile board = fw.board();
    if (net.cellular() == null) remove(L, "mobile");
    if (net.w5500() == null) remove(L, "w5500");
    if (board.adapters().stream().noneMatch(a -> a.kind() == AdapterSpec.Kind.ETHERNET)) remove(L, "netdrv");
    switch (board.wifi().support()) {
      case NONE -> remove(L, "wlan");
      case SCAN -> WlanLib.keepScanOnly(L);
      case FULL -> { }
    }
  }

  /** Makes the table on top of the stack (popped) the global and loaded module {@code name}. */
  static void replace(Lua L, String name) {
    L.pushValue(-1);
    L.setGlobal(name);
    L.getGlobal("package");
    L.getField(-1, "loaded");
    L.pushValue(-3);
    L.setField(-2, name);
    L.pop(3);
  }

  private static void remove(Lua L, String name) {
    L.pushNil();
    replace(L, name);
  }
}
