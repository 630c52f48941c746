package airemu.lua;

/**
 * A Lua error raised by a library binding, as the firmware's {@code luaL_error} raises it: the bridge
 * prefixes the caller's position ({@code main.lua:12: }) unless the error is {@linkplain #bare bare}.
 */
final class LuaError extends RuntimeException {
  private final boolean positioned;

  private LuaError(String message, boolean positioned) {
    super(message, null, false, false);
    this.positioned = positioned;
  }

  /** An error the way {@code luaL_error} reports it: with the calling script's file and line. */
  static LuaError of(String message) {
    return new LuaError(message, true);
  }

  /** An error message used exactly as given (errors the firmware raises from C without a position). */
  static LuaError bare(String message) {
    return new LuaError(message, false);
  }

  boolean positioned() {
    return positioned;
  }
}
