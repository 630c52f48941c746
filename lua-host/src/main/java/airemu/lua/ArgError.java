package airemu.lua;

import java.nio.charset.StandardCharsets;
import party.iroiro.luajava.Lua;
import party.iroiro.luajava.LuaException;

/**
 * A bad argument, worded as the firmware's {@code luaL_argerror} words it from the call site. The
 * function is named the way the caller named it ({@code buff:seek(...)} gives {@code 'seek'}); a
 * method call does not count self, so the first argument after self is {@code #1} and a bad self
 * reads {@code calling 'seek' on bad self (...)}; a metamethod is named in full, as Lua 5.3 does
 * ({@code '__newindex'}); a function reached without a name (through {@code pcall}) is named by
 * where {@code package.loaded} holds it ({@code 'crypto.md5'}), as {@code pushglobalfuncname} does,
 * or {@code '?'}. Type errors name a
 * userdata by its {@code __name} ({@code ZBUFF* expected, got light userdata}).
 *
 * <p>The checks of {@link Args} throw it; the VM bridge turns it into a Lua error with the caller's
 * position while the binding is still running:
 * <pre>{@code
 * buff:seek("x")  ->  main.lua:3: bad argument #1 to 'seek' (number expected, got string)
 * }</pre>
 */
final class ArgError extends RuntimeException {
  private static final String REGISTRY_KEY = "airemu.argerror";

  /** Names the binding at level 2 (level 1 is this helper) the way luaL_argerror does. */
  private static final String DESCRIBE = """
      local getinfo, getregistry, pairs, type = ...
      local registry = getregistry()
      local function loadedName(fn)
        local loaded = registry._LOADED
        if type(loaded) ~= "table" then return nil end
        for module, lib in pairs(loaded) do
          if lib == fn then return module end
          if type(lib) == "table" and type(module) == "string" then
            for key, value in pairs(lib) do
              if value == fn and type(key) == "string" then
                return module == "_G" and key or module .. "." .. key
              end
            end
          end
        end
      end
      return function(arg, msg)
        local ar = getinfo(2, "nf")
        local name, what = ar and ar.name, ar and ar.namewhat
        if what == "method" then
          arg = arg - 1
          if arg == 0 then return "calling '" .. name .. "' on bad self (" .. msg .. ")" end
        elseif what == "metamethod" and name ~= nil then
          name = "__" .. name
        end
        if name == nil and ar then name = loadedName(ar.func) end
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
    L.getField(-2, "getregistry");
    L.remove(-3);
    L.getGlobal("pairs");
    L.getGlobal("type");
    try {
      L.pCall(4, 1);
    } catch (LuaException e) {
      throw new IllegalStateException("argument error helper failed: " + L.toString(-1), e);
    }
    L.newRegisteredMetatable(REGISTRY_KEY); // a registry table; only its name is borrowed from metatables
    L.insert(-2);
    L.setField(-2, "describe");
    L.pop(1);
  }

  /** The Lua error this becomes, worded from the binding's call site. */
  LuaError toLuaError(Vm vm, Lua L) {
    return LuaError.of(message(vm, L, arg, getMessage()));
  }

  // --- private --------------------------------------------------------------------------------------

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
