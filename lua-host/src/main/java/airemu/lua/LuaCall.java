package airemu.lua;

import party.iroiro.luajava.Lua;

/**
 * A library function implemented in Java: reads its arguments from {@code L}'s stack, pushes its
 * results and returns how many. Throwing {@link LuaError} raises a Lua error in the calling script.
 */
@FunctionalInterface
interface LuaCall {
  int call(Lua L);
}
