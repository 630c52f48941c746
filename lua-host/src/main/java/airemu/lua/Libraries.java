package airemu.lua;

import java.util.List;
import party.iroiro.luajava.Lua;

/**
 * The firmware libraries of one VM, in one place. Each becomes a global and a loaded module, as
 * the firmware's built-in libraries are ({@code require "json"} returns the global table).
 */
final class Libraries {
  /** Globals the prelude registers in {@code package.loaded}. */
  static final List<String> NAMES = List.of("rtos", "os", "mcu", "json", "log", "io", "zbuff", "crypto", "socket", "uart");

  private Libraries() {}

  static void install(LuaFirmware fw, Lua L) {
    ArgError.install(fw.vm(), L); // before the prelude replaces debug: it names call sites
    RtosLib.install(fw, L);
    OsLib.install(fw, L);
    McuLib.install(fw, L);
    JsonLib.install(fw, L);
    StringLib.install(fw, L);
    ZbuffLib.install(fw, L);
    CryptoLib.install(fw, L);
    UartLib.install(fw, L);
  }
}
