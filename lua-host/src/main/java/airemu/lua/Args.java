package airemu.lua;

import party.iroiro.luajava.Lua;

/**
 * Argument checks with the firmware's error wording ({@code luaL_check*}): a wrong type raises
 * {@code bad argument #2 to 'connect' (number expected, got nil)}, a float with a fraction where an
 * integer is needed raises {@code number has no integer representation}, numeric strings convert.
 */
final class Args {
  private Args() {}

  static LuaError argError(int arg, String fn, String extra) {
    return LuaError.of("bad argument #" + arg + " to '" + fn + "' (" + extra + ")");
  }

  static LuaError typeError(Lua L, int arg, String fn, String expected) {
    return argError(arg, fn, expected + " expected, got " + typeName(L, arg));
  }

  /** The type name {@code luaL_typename} gives, with "no value" for a missing argument. */
  static String typeName(Lua L, int arg) {
    if (arg > L.getTop()) return "no value";
    return switch (L.type(arg)) {
      case NIL -> "nil";
      case BOOLEAN -> "boolean";
      case LIGHTUSERDATA, USERDATA -> "userdata";
      case NUMBER -> "number";
      case STRING -> "string";
      case TABLE -> "table";
      case FUNCTION -> "function";
      case THREAD -> "thread";
      default -> "no value";
    };
  }

  static boolean isNoneOrNil(Lua L, int arg) {
    return arg > L.getTop() || L.isNil(arg);
  }

  static long checkInteger(Lua L, int arg, String fn) {
    if (arg <= L.getTop()) {
      if (L.isInteger(arg)) return L.toInteger(arg);
      if (L.isNumber(arg)) {
        double d = L.toNumber(arg);
        long asLong = (long) d;
        if (asLong == d && d >= -0x1p63 && d < 0x1p63) return asLong;
        if (L.type(arg) == Lua.LuaType.STRING) {
          long i = L.toInteger(arg);
          if ((double) i == d) return i;
        }
        throw argError(arg, fn, "number has no integer representation");
      }
    }
    throw typeError(L, arg, fn, "number");
  }

  static long optInteger(Lua L, int arg, String fn, long def) {
    return isNoneOrNil(L, arg) ? def : checkInteger(L, arg, fn);
  }

  static double checkNumber(Lua L, int arg, String fn) {
    if (arg <= L.getTop() && L.isNumber(arg)) return L.toNumber(arg);
    throw typeError(L, arg, fn, "number");
  }

  /** A string argument as its bytes; numbers are accepted in their firmware string form. */
  static byte[] checkBytes(Vm vm, Lua L, int arg, String fn) {
    if (arg <= L.getTop()) {
      Lua.LuaType t = L.type(arg);
      if (t == Lua.LuaType.STRING) return vm.toBytes(L, arg);
      if (t == Lua.LuaType.NUMBER) return Vm.numberToString(L, arg).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }
    throw typeError(L, arg, fn, "string");
  }

  static byte[] optBytes(Vm vm, Lua L, int arg, String fn, byte[] def) {
    return isNoneOrNil(L, arg) ? def : checkBytes(vm, L, arg, fn);
  }

  /** A string argument decoded as UTF-8 (LuatOS strings are UTF-8 text or raw bytes). */
  static String checkString(Vm vm, Lua L, int arg, String fn) {
    return new String(checkBytes(vm, L, arg, fn), java.nio.charset.StandardCharsets.UTF_8);
  }

  static String optString(Vm vm, Lua L, int arg, String fn, String def) {
    return isNoneOrNil(L, arg) ? def : checkString(vm, L, arg, fn);
  }

  /** {@code lua_toboolean}: everything but nil and false is true. */
  static boolean toBoolean(Lua L, int arg) {
    return arg <= L.getTop() && L.toBoolean(arg);
  }

  /** True only for an actual boolean true; the firmware honours many flags only when they are booleans. */
  static boolean isTrue(Lua L, int arg) {
    return arg <= L.getTop() && L.isBoolean(arg) && L.toBoolean(arg);
  }
}
