package airemu.lua;

import java.nio.charset.StandardCharsets;
import party.iroiro.luajava.Lua;

/**
 * Argument checks as the firmware's {@code luaL_check*} and {@code luaL_opt*} make them. A bad
 * argument throws an {@link ArgError}, which the bridge words as {@code luaL_argerror} does from the
 * call site: {@code socket.connect(c, {})} gives {@code bad argument #2 to 'connect' (string expected,
 * got table)}, a method call does not count self, and a function called with no name (through
 * {@code pcall}, say) is {@code '?'}, as on the module whose library tables cannot be searched.
 */
final class Args {
  private static final int LUA_TNIL = 0, LUA_TSTRING = 4;

  private Args() {}

  /** A bad argument with the reason in parentheses: {@code (number has no integer representation)}. */
  static ArgError argError(int arg, String extra) {
    return new ArgError(arg, extra);
  }

  /**
   * {@code luaL_typeerror}: {@code <expected> expected, got <type>}, where a value whose metatable
   * has a string {@code __name} is called by it ({@code got ZBUFF*}).
   */
  static ArgError typeError(Lua L, int arg, String expected) {
    return new ArgError(arg, expected + " expected, got " + typeName(L, arg));
  }

  /** True when {@code arg} is past the arguments given ("no value"); negative indices always exist. */
  static boolean isNone(Lua L, int arg) {
    return arg > 0 && arg > L.getTop();
  }

  static boolean isNoneOrNil(Lua L, int arg) {
    return isNone(L, arg) || L.isNil(arg);
  }

  /** {@code lua_isinteger}: an integer-typed number, never a float or a string. */
  static boolean isInteger(Lua L, int arg) {
    return !isNone(L, arg) && L.isInteger(arg);
  }

  /** {@code luaL_checkinteger}: integers, floats with an exact integer value, numeric strings. */
  static long checkInteger(Lua L, int arg) {
    if (!isNone(L, arg)) {
      if (L.isInteger(arg)) return L.toInteger(arg);
      if (L.isNumber(arg)) {
        double d = L.toNumber(arg);
        if (L.type(arg) == Lua.LuaType.STRING) {
          long i = L.toInteger(arg); // Lua's own string conversion keeps integers above 2^53 exact
          if ((double) i == d) return i;
        } else if (d >= -0x1p63 && d < 0x1p63 && (long) d == d) {
          return (long) d;
        }
        throw argError(arg, "number has no integer representation");
      }
    }
    throw typeError(L, arg, "number");
  }

  static long optInteger(Lua L, int arg, long def) {
    return isNoneOrNil(L, arg) ? def : checkInteger(L, arg);
  }

  /** {@code luaL_checknumber}: numbers and numeric strings. */
  static double checkNumber(Lua L, int arg) {
    if (!isNone(L, arg) && L.isNumber(arg)) return L.toNumber(arg);
    throw typeError(L, arg, "number");
  }

  /** {@code luaL_checklstring}: the bytes of a string, or a number in the firmware's {@code tostring} form. */
  static byte[] checkBytes(Vm vm, Lua L, int arg) {
    if (!isNone(L, arg)) {
      Lua.LuaType t = L.type(arg);
      if (t == Lua.LuaType.STRING) return vm.toBytes(L, arg);
      if (t == Lua.LuaType.NUMBER) return Vm.numberToString(L, arg).getBytes(StandardCharsets.US_ASCII);
    }
    throw typeError(L, arg, "string");
  }

  static byte[] optBytes(Vm vm, Lua L, int arg, byte[] def) {
    return isNoneOrNil(L, arg) ? def : checkBytes(vm, L, arg);
  }

  /** A string argument decoded as UTF-8 (LuatOS strings are UTF-8 text or raw bytes). */
  static String checkString(Vm vm, Lua L, int arg) {
    return new String(checkBytes(vm, L, arg), StandardCharsets.UTF_8);
  }

  static String optString(Vm vm, Lua L, int arg, String def) {
    return isNoneOrNil(L, arg) ? def : checkString(vm, L, arg);
  }

  /** {@code lua_toboolean}: everything but nil and false is true. */
  static boolean toBoolean(Lua L, int arg) {
    return !isNone(L, arg) && L.toBoolean(arg);
  }

  /** True only for an actual boolean true; the firmware honours many flags only when they are booleans. */
  static boolean isTrue(Lua L, int arg) {
    return !isNone(L, arg) && L.isBoolean(arg) && L.toBoolean(arg);
  }

  /** The type name of a value ({@code luaL_typename}), with "no value" for a missing argument. */
  static String basicTypeName(Lua L, int arg) {
    if (isNone(L, arg)) return "no value";
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

  /** The name a type error gives a value: its metatable's {@code __name}, else its type. */
  static String typeName(Lua L, int arg) {
    if (isNone(L, arg)) return "no value";
    int found = L.getMetaField(arg, "__name");
    if (found != LUA_TNIL) {
      String name = found == LUA_TSTRING ? L.toString(-1) : null;
      L.pop(1);
      if (name != null) return name;
    }
    if (L.type(arg) == Lua.LuaType.LIGHTUSERDATA) return "light userdata";
    return basicTypeName(L, arg);
  }
}
