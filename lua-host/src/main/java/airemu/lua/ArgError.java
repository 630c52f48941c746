package airemu.lua;

import java.nio.charset.StandardCharsets;
import party.iroiro.luajava.Lua;
import party.iroiro.luajava.LuaException;

/**
 * A bad argument, worded as the firmware's {@code luaL_argerror} words it from the call site. The
 * function is named the way the caller named it ({@code buff:seek(...)} gives {@code 'seek'}); a
 * method call does not count self, so the first argument after self is {@code #1} and a bad self
 * reads {@code calling 'seek' on bad self (...)}; a metamethod is named in full, as Lua 5.3 does
 * ({@code '__newindex'}); a function reached without a name is {@code '?'}. Type errors name a
 * userdata by its {@code __name} ({@code ZBUFF* expected, got light userdata}).
 *
 * <p>Bindings whose functions are called as methods throw it from the checks below and register
 * through {@link #wrap}, which turns it into a {@link LuaError} with the caller's position:
 * <pre>{@code
 * vm.setFunction(L, -1, "seek", ArgError.wrap(vm, l -> { long off = ArgError.checkInteger(l, 2); ... }));
 * // buff:seek("x")  ->  main.lua:3: bad argument #1 to 'seek' (number expected, got string)
 * }</pre>
 * {@link Args} words errors with a fixed function name, which is right for plain library functions.
 */
final class ArgError extends RuntimeException {
  private static final String REGISTRY_KEY = "airemu.argerror";
  private static final int LUA_TNIL = 0, LUA_TSTRING = 4;

  /** Names the binding at level 2 (level 1 is this helper) the way luaL_argerror does. */
  private static final String DESCRIBE = """
      local getinfo = ...
      return function(arg, msg)
        local ar = getinfo(2, "n")
        local name, what = ar and ar.name, ar and ar.namewhat
        if what == "method" then
          arg = arg - 1
          if arg == 0 then return "calling '" .. name .. "' on bad self (" .. msg .. ")" end
        elseif what == "metamethod" and name ~= nil then
          name = "__" .. name
        end
        return "bad argument #" .. arg .. " to '" .. (name or "?") .. "' (" .. msg .. ")"
      end
      """;

  ArgError(int arg, String extra) {
    super(extra, null, false, false);
    this.arg = arg;
  }

  /** The stack index of the bad argument. */
  int arg() {
    return arg;
  }

  /**
   * Keeps the stock {@code debug.getinfo} for naming call sites; call once per VM while the
   * libraries are installed, before the prelude replaces {@code debug}. Later calls do nothing.
   */
  static void install(Vm vm, Lua L) {
    L.getRegisteredMetatable(REGISTRY_KEY);
    boolean installed = !L.isNil(-1);
    L.pop(1);
    if (installed) return;
    vm.load(L, DESCRIBE.getBytes(StandardCharsets.UTF_8), "=[C]");
    L.getGlobal("debug");
    L.getField(-1, "getinfo");
    L.replace(-2);
    try {
      L.pCall(1, 1);
    } catch (LuaException e) {
      throw new IllegalStateException("argument error helper failed: " + L.toString(-1), e);
    }
    L.newRegisteredMetatable(REGISTRY_KEY); // a registry table; only its name is borrowed from metatables
    L.insert(-2);
    L.setField(-2, "describe");
    L.pop(1);
  }

  /** The binding with its {@link ArgError}s turned into Lua errors worded from the call site. */
  static LuaCall wrap(Vm vm, LuaCall call) {
    return L -> {
      try {
        return call.call(L);
      } catch (ArgError e) {
        throw e.toLuaError(vm, L);
      }
    };
  }

  /** This error as the firmware words it from the call site; call while the binding is still running. */
  LuaError toLuaError(Vm vm, Lua L) {
    return LuaError.of(message(vm, L, arg, getMessage()));
  }

  // --- checks (luaL_check* and luaL_opt*) ---------------------------------------------------------

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
        throw new ArgError(arg, "number has no integer representation");
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

  /**
   * {@code luaL_typeerror}: {@code <expected> expected, got <type>}, where a value whose metatable
   * has a string {@code __name} is called by it.
   */
  static ArgError typeError(Lua L, int arg, String expected) {
    return new ArgError(arg, expected + " expected, got " + typeName(L, arg));
  }

  // --- private --------------------------------------------------------------------------------------

  private static String typeName(Lua L, int arg) {
    if (isNone(L, arg)) return "no value";
    int found = L.getMetaField(arg, "__name");
    if (found != LUA_TNIL) {
      String name = found == LUA_TSTRING ? L.toString(-1) : null;
      L.pop(1);
      if (name != null) return name;
    }
    if (L.type(arg) == Lua.LuaType.LIGHTUSERDATA) return "light userdata";
    return Args.typeName(L, arg);
  }

  /** Runs the helper while the binding's frame is still on the Lua stack. */
  private static String message(Vm vm, Lua L, int arg, String extra) {
    int top = L.getTop();
    L.getRegisteredMetatable(REGISTRY_KEY);
    if (L.isNil(-1)) {
      L.setTop(top);
      return "bad argument #" + arg + " (" + extra + ")";
    }
    L.getField(-1, "describe");
    L.push(arg);
    vm.pushString(L, extra);
    String message;
    try {
      L.pCall(2, 1);
      message = L.toString(-1);
    } catch (LuaException e) {
      message = null;
    }
    L.setTop(top);
    return message != null ? message : "bad argument #" + arg + " (" + extra + ")";
  }

  private final int arg;
}
