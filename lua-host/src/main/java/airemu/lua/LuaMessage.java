package airemu.lua;

import airemu.core.Message;
import party.iroiro.luajava.Lua;

/**
 * A message whose handling runs Lua on the device thread, as a LuatOS msgbus handler does inside
 * {@code rtos.receive}: it pushes what {@code take} answers (1 and the values for rtos.receive to
 * return, or 2 and a function with its arguments for the VM to call) and returns how many it pushed.
 */
interface LuaMessage extends Message {
  int deliver(LuaFirmware firmware, Lua L);
}
