package airemu.lua;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import party.iroiro.luajava.JFunction;
import party.iroiro.luajava.Lua;
import party.iroiro.luajava.lua54.Lua54;
import party.iroiro.luajava.lua54.Lua54Natives;

/**
 * One device's Lua state and the few operations every binding needs: Java functions that raise
 * proper Lua errors, byte-exact strings both ways, and loading chunks.
 *
 * <p>Lua errors are never raised from inside a native call made by Java (that would unwind through JVM
 * frames): a binding throws {@link LuaError}, and the wrapper returns to the Lua side, which raises it.
 */
final class Vm implements AutoCloseable {
  /** Diagnostics only; looked up when needed so that a normal run never starts the logging system. */
  private static Logger log() {
    return LoggerFactory.getLogger(Vm.class);
  }

  /** A VM that is never given up (tests, tools). */
  Vm() {
    this(() -> false);
  }

  /** @param inert true once the VM's firmware was given up: no binding reaches the device any more */
  Vm(java.util.function.BooleanSupplier inert) {
    this.main = new Lua54();
    this.natives = (Lua54Natives) main.getLuaNatives();
    this.inert = inert;
  }

  Lua main() {
    return main;
  }

  Lua54Natives natives() {
    return natives;
  }

  /**
   * Wraps a binding as a Lua function that turns {@link LuaError} into a Lua error. Once the VM is
   * inert every binding raises instead: a VM given up while stuck in a native call may run on for a
   * moment when the call returns, and must not reach the device it no longer belongs to.
   */
  JFunction function(String name, LuaCall call) {
    return L -> {
      if (inert.getAsBoolean()) return raise(L, GIVEN_UP);
      try {
        return call.call(L);
      } catch (ArgError e) {
        return raise(L, e.toLuaError(this, L));
      } catch (LuaError e) {
        return raise(L, e);
      } catch (RuntimeException | StackOverflowError e) {
        log().error("internal error in {}", name, e);
        return raise(L, LuaError.bare("airemu: internal error in " + name + ": " + e));
      }
    };
  }

  /** Sets {@code table[name]} (table at {@code index}) to a Java function. */
  void setFunction(Lua L, int index, String name, LuaCall call) {
    L.push(function(name, call));
    L.setField(index < 0 ? index - 1 : index, name);
  }

  /**
   * Sets {@code table[name]} to a Java function that works even once the VM is inert: the ones the
   * VM's hook needs to stop the script ({@code must_stop}, {@code abort}).
   */
  void setControlFunction(Lua L, int index, String name, LuaCall call) {
    L.push((JFunction) l -> call.call(l));
    L.setField(index < 0 ? index - 1 : index, name);
  }

  /** Pushes the bytes as a Lua string. */
  void pushBytes(Lua L, byte[] bytes, int off, int len) {
    ByteBuffer buf = scratch(len);
    buf.put(bytes, off, len).flip();
    natives.luaJ_pushlstring(L.getPointer(), buf, 0, len);
  }

  void pushBytes(Lua L, byte[] bytes) {
    pushBytes(L, bytes, 0, bytes.length);
  }

  /** Pushes text as a UTF-8 Lua string. */
  void pushString(Lua L, String s) {
    pushBytes(L, s.getBytes(StandardCharsets.UTF_8));
  }

  /** The bytes of the string at {@code index} (which must be a string). */
  byte[] toBytes(Lua L, int index) {
    ByteBuffer b = L.toBuffer(index);
    byte[] out = new byte[b.remaining()];
    b.get(out);
    return out;
  }

  /** Loads a chunk in text mode; pushes the function, or throws {@link LuaError} with the syntax error. */
  void load(Lua L, byte[] source, String chunkName) {
    ByteBuffer buf = ByteBuffer.allocateDirect(source.length);
    buf.put(source).flip();
    int status = natives.luaJ_loadbuffer(L.getPointer(), buf, 0, source.length, chunkName);
    if (status != 0) {
      String msg = L.toString(-1);
      L.pop(1);
      throw LuaError.bare(msg == null ? "cannot load " + chunkName : msg);
    }
  }

  // --- userdata -----------------------------------------------------------------------------------

  /**
   * Creates the metatable {@code name} (e.g. {@code "ZBUFF*"}, so {@code tostring} shows
   * {@code ZBUFF*: 0x...}) whose {@code __index} is the methods table at the top of the stack, and
   * whose {@code __gc} forgets the Java object and calls {@code onGc} with it. Pops the methods table.
   */
  void newMetatable(Lua L, String name, java.util.function.Consumer<Object> onGc) {
    natives.luaL_newmetatable(L.getPointer(), name);
    L.insert(-2); // metatable, methods
    L.setField(-2, "__index");
    setFunction(L, -1, "__gc", l -> {
      long address = natives.lua_touserdata(l.getPointer(), 1);
      Object o = userdata.remove(address);
      if (o != null && onGc != null) onGc.accept(o);
      return 0;
    });
    L.pop(1);
  }

  /** Pushes a new full userdata with metatable {@code metatable} standing for {@code object}; returns its address. */
  long pushUserdata(Lua L, String metatable, Object object) {
    long address = natives.lua_newuserdatauv(L.getPointer(), 8, 0);
    natives.luaL_setmetatable(L.getPointer(), metatable);
    userdata.put(address, object);
    return address;
  }

  /** Pushes a light userdata with the address of a full userdata (what firmware callbacks receive). */
  void pushLightUserdata(Lua L, long address) {
    natives.lua_pushlightuserdata(L.getPointer(), address);
  }

  /**
   * The Java object behind the userdata at {@code index} (full, or light with the same address), or
   * null when it is not one of {@code type}, or was collected or released.
   */
  <T> T userdata(Lua L, int index, Class<T> type) {
    if (index > L.getTop()) return null;
    Lua.LuaType t = L.type(index);
    if (t != Lua.LuaType.USERDATA && t != Lua.LuaType.LIGHTUSERDATA) return null;
    Object o = userdata.get(natives.lua_touserdata(L.getPointer(), index));
    return type.isInstance(o) ? type.cast(o) : null;
  }

  /** Forgets the Java object behind {@code address}: later lookups find nothing (a released ctrl). */
  void forgetUserdata(long address) {
    userdata.remove(address);
  }

  /** Java objects standing behind live userdata; for leak checks. */
  int userdataCount() {
    return userdata.size();
  }

  /** A number as the firmware's {@code tostring} writes it. */
  static String numberToString(Lua L, int index) {
    return L.isInteger(index) ? Long.toString(L.toInteger(index)) : Printf.luaNumber(L.toNumber(index));
  }

  @Override
  public void close() {
    main.close();
  }

  private int raise(Lua L, LuaError e) {
    byte[] msg = String.valueOf(e.getMessage()).getBytes(StandardCharsets.UTF_8);
    if (e.positioned()) {
      natives.luaL_where(L.getPointer(), 1);
      pushBytes(L, msg);
      L.concat(2);
    } else {
      pushBytes(L, msg);
    }
    return -1;
  }

  private ByteBuffer scratch(int len) {
    if (scratch == null || scratch.capacity() < len) {
      scratch = ByteBuffer.allocateDirect(Math.max(len, Math.max(256, scratch == null ? 0 : scratch.capacity() * 2)));
    }
    scratch.clear();
    return scratch;
  }

  /** Registry reference of the stock {@code tostring} ({@code luaL_tolstring}), kept before the prelude replaces it. */
  int stockToString;

  private static final LuaError GIVEN_UP = LuaError.bare("airemu: this VM was reset by the watchdog");

  private final Lua54 main;
  private final java.util.function.BooleanSupplier inert;
  private final Lua54Natives natives;
  private final java.util.Map<Long, Object> userdata = new java.util.HashMap<>(); // address -> Java object
  private ByteBuffer scratch; // reused to hand bytes to Lua; the device thread is the only user
}
