package airemu.lua;

import java.util.List;
import party.iroiro.luajava.Lua;

/**
 * A firmware event published to scripts through the global {@code sys_pub} (IP_READY, NTP_UPDATE,
 * ...), looked up when the message is handled, as the firmware does: a script that replaced
 * {@code sys_pub} sees the event first. Arguments are Strings, Longs, Doubles, Booleans or byte arrays.
 */
record SysPublish(String topic, List<Object> args) implements LuaMessage {

  SysPublish(String topic, Object... args) {
    this(topic, java.util.Arrays.asList(args));
  }

  @Override
  public int deliver(LuaFirmware firmware, Lua L) {
    L.getGlobal("sys_pub");
    if (!L.isFunction(-1)) {
      L.pop(1);
      L.push(1);
      return 1;
    }
    L.push(2);
    L.insert(-2);
    firmware.vm().pushString(L, topic);
    for (Object a : args) LuaValues.push(firmware.vm(), L, a);
    return 3 + args.size();
  }
}
