package airemu.lua;

import party.iroiro.luajava.Lua;

/** Java values as Lua values: the few types firmware events carry. */
final class LuaValues {
  private LuaValues() {}

  static void push(Vm vm, Lua L, Object v) {
    if (v == null) L.pushNil();
    else if (v instanceof String s) vm.pushString(L, s);
    else if (v instanceof byte[] b) vm.pushBytes(L, b);
    else if (v instanceof Boolean b) L.push(b);
    else if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) L.push(((Number) v).longValue());
    else if (v instanceof Number n) L.push(n);
    else throw new IllegalArgumentException("no Lua form for " + v.getClass());
  }
}
