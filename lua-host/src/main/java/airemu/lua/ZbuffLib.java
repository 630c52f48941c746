package airemu.lua;

import airemu.boards.BoardProfile;
import java.util.Arrays;
import java.util.Base64;
import java.util.function.Supplier;
import party.iroiro.luajava.Lua;

/**
 * {@code zbuff}: the firmware's C memory buffers as userdata ({@code ZBUFF*}) over {@link Zbuff}.
 * The library table holds only {@code create} and the constants, as on the module; everything else
 * is a method, found by the metatable's {@code __index} ({@code buff:write(...)}, or
 * {@code buff.write(buff, ...)}), which also serves {@code buff[i]} with a 0-based index.
 *
 * <p>Every function follows {@code luat_lib_zbuff.c} including its C integer conversions: offsets
 * are truncated to 32-bit {@code int}, sizes to unsigned 32-bit, so {@code buff:read(-1)} reads
 * everything left and {@code zbuff.create(-1)} asks for 4 GiB and gets {@code nil, "memory not enough"}.
 * Where the module would touch memory outside the buffer's block, airemu writes nothing there and
 * reads 0 instead; where it would write exactly one byte past the block ({@code buff:copy} at
 * {@code len}) the buffer grows first, to the size the module picks for the next byte.
 *
 * <p>Error contract: bad arguments raise the module's Lua errors, worded from the call site
 * ({@link ArgError}); running out of memory is a value ({@code nil, "memory not enough"} from
 * {@code create}, 0 from the copying functions) plus the module's {@code zbuff} log lines.
 */
final class ZbuffLib {
  /** The metatable name; {@code tostring(buff)} is {@code ZBUFF*: 0x...}. */
  static final String TYPE = "ZBUFF*";

  static final int SEEK_SET = 0, SEEK_CUR = 1, SEEK_END = 2;
  static final int HEAP_AUTO = 0, HEAP_SRAM = 1, HEAP_PSRAM = 2;

  private static final long U32 = 0xFFFF_FFFFL;
  private static final long LARGE = 64 * 1024; // creating this much forces a full GC first

  /** A firmware log line of this library (printed as {@code <level>/zbuff <text>}). */
  @FunctionalInterface
  interface Log {
    void line(char level, String text);
  }

  static void install(LuaFirmware fw, Lua L) {
    new ZbuffLib(fw.vm(), () -> heapOf(fw), (level, text) -> fw.clog(level, "zbuff", text)).installInto(L);
  }

  /**
   * The zbuffs' share of the module's memory: the free system heap at boot (PSRAM on boards that
   * have it, where zbuffs are allocated by default). Other firmware allocations are not counted.
   */
  static Zbuff.Heap heapOf(LuaFirmware fw) {
    BoardProfile.Memory m = fw.board().memory();
    long pool = m.psram() > 0 ? m.psram() : m.sys();
    return new Zbuff.Heap(Math.max(0, pool - m.sysUsed()), line -> fw.clog('E', "zbuff", line));
  }

  /**
   * @param heap made on first use (a warmed-up VM is prepared before it knows its board)
   */
  ZbuffLib(Vm vm, Supplier<Zbuff.Heap> heap, Log log) {
    this.vm = vm;
    this.heapSupplier = heap;
    this.log = log;
  }

  /** Registers the {@code ZBUFF*} metatable and the {@code zbuff} global. */
  void installInto(Lua L) {
    L.newTable();
    method(L, "write", this::write);
    method(L, "read", this::read);
    method(L, "clear", this::clear);
    method(L, "seek", this::seek);
    method(L, "pack", this::pack);
    method(L, "unpack", this::unpack);
    method(L, "get", this::get);
    for (Num t : Num.values()) {
      method(L, "read" + t.name(), l -> readNumber(l, t));
      method(L, "write" + t.name(), l -> writeNumber(l, t));
    }
    method(L, "toStr", this::toStr);
    method(L, "len", this::len);
    method(L, "setFrameBuffer", this::setFrameBuffer);
    method(L, "pixel", this::pixel);
    method(L, "drawLine", this::drawLine);
    method(L, "drawRect", this::drawRect);
    method(L, "drawCircle", this::drawCircle);
    method(L, "free", this::free);
    method(L, "copy", this::copy);
    method(L, "set", this::set);
    method(L, "query", this::query);
    method(L, "del", this::del);
    method(L, "resize", this::resize);
    method(L, "reSize", this::resize);
    method(L, "used", this::used);
    method(L, "isEqual", this::isEqual);
    method(L, "toBase64", this::toBase64);
    L.pushValue(-1);
    methods = L.ref();
    vm.newMetatable(L, TYPE, o -> ((Zbuff) o).release());
    L.getRegisteredMetatable(TYPE); // the module's metatable: __name, __gc, __index, __newindex, __len
    method(L, "__index", this::metaIndex);
    method(L, "__newindex", this::metaNewIndex);
    method(L, "__len", this::len);
    L.pop(1);

    L.newTable();
    method(L, "create", this::create);
    constant(L, "SEEK_SET", SEEK_SET);
    constant(L, "SEEK_CUR", SEEK_CUR);
    constant(L, "SEEK_END", SEEK_END);
    constant(L, "HEAP_AUTO", HEAP_AUTO);
    constant(L, "HEAP_SRAM", HEAP_SRAM);
    constant(L, "HEAP_PSRAM", HEAP_PSRAM);
    L.setGlobal("zbuff");
  }

  // --- for other bindings ---------------------------------------------------------------------------

  /** {@code luaL_testudata}: the zbuff at {@code arg}, or null when it is not a (full) {@code ZBUFF*} userdata. */
  static Zbuff test(Vm vm, Lua L, int arg) {
    if (Args.isNone(L, arg) || L.type(arg) != Lua.LuaType.USERDATA) return null;
    return vm.userdata(L, arg, Zbuff.class);
  }

  /**
   * {@code luaL_checkudata}: the zbuff at {@code arg}; otherwise an {@link ArgError}
   * {@code ZBUFF* expected, got ...}.
   */
  static Zbuff check(Vm vm, Lua L, int arg) {
    Zbuff z = test(vm, L, arg);
    if (z == null) throw Args.typeError(L, arg, TYPE);
    return z;
  }

  /** Pushes {@code z} as a new {@code ZBUFF*} userdata (the library must be installed). */
  static void push(Vm vm, Lua L, Zbuff z) {
    vm.pushUserdata(L, TYPE, z);
  }

  // --- zbuff.create --------------------------------------------------------------------------------

  private int create(Lua L) {
    long len;
    long width = 0, height = 0;
    int bit = 0;
    boolean frame = !Args.isNone(L, 1) && L.type(1) == Lua.LuaType.TABLE;
    if (frame) { // {width, height, bit}, checked from the stack top: errors name arguments #-1 .. #-3
      L.rawGetI(1, 3);
      L.rawGetI(1, 2);
      L.rawGetI(1, 1);
      width = Args.checkInteger(L, -1) & U32;
      height = Args.checkInteger(L, -2) & U32;
      bit = (int) (Args.checkInteger(L, -3) & 0xFF);
      if (bit != 1 && bit != 4 && bit != 8 && bit != 16 && bit != 24 && bit != 32) return 0;
      long bits = (((width * height) & U32) * bit) & U32;
      len = ((bits - 1) & U32) / 8 + 1;
      L.pop(3);
    } else {
      len = Args.checkInteger(L, 1) & U32;
    }
    if (len == 0) return 0;
    if (len >= LARGE) {
      log.line('I', "create large size: " + (int) (len / 1024) + " kbyte, trigger force GC");
      fullGc(L);
    }
    Zbuff z = Zbuff.allocate(heap(), len);
    if (z == null) {
      log.line('I', "create size: " + (int) len + " byte but memory not enough, trigger GC");
      fullGc(L);
      z = Zbuff.allocate(heap(), len);
    }
    if (z == null) {
      log.line('W', "create size: " + (int) len + " byte but memory not enough!!!");
      L.pushNil();
      L.push("memory not enough");
      return 2;
    }
    if (frame) {
      z.width = width;
      z.height = height;
      z.bit = bit;
      if (Args.isInteger(L, 2)) ZbuffFrame.fill(z, L.toInteger(2));
    } else if (Args.isInteger(L, 2)) {
      Arrays.fill(z.array(), (byte) L.toInteger(2));
    } else if (!Args.isNone(L, 2) && L.isString(2)) { // a string, or a float in its tostring form
      byte[] s = Args.checkBytes(vm, L, 2);
      int n = Math.min(s.length, z.len());
      System.arraycopy(s, 0, z.array(), 0, n);
      z.used(n);
    }
    vm.pushUserdata(L, TYPE, z);
    return 1;
  }

  // --- cursor: write, read, seek, pack, unpack, readXX, writeXX ------------------------------------

  private int write(Lua L) {
    if (Args.isInteger(L, 2)) { // bytes given as integers, until the first non-integer or the end
      Zbuff z = self(L);
      byte[] a = z.array();
      int n = 0;
      while (Args.isInteger(L, 2 + n) && z.used() < z.len()) {
        a[z.used()] = (byte) L.toInteger(2 + n);
        z.used(z.used() + 1);
        n++;
      }
      L.push(n);
      return 1;
    }
    byte[] s = Args.checkBytes(vm, L, 2);
    Zbuff z = self(L);
    L.push(z.write(s, 0, s.length));
    return 1;
  }

  private int read(Lua L) {
    Zbuff z = self(L);
    int n = (int) Args.optInteger(L, 2, 1);
    if ((n & U32) > z.remaining()) n = z.remaining(); // compared unsigned: a negative count reads all
    if (n <= 0) {
      L.push("");
      return 1;
    }
    vm.pushBytes(L, z.array(), z.used(), n);
    z.used(z.used() + n);
    return 1;
  }

  private int seek(Lua L) {
    Zbuff z = self(L);
    int offset = (int) Args.checkInteger(L, 2);
    int whence = (int) Args.optInteger(L, 3, SEEK_SET);
    switch (whence) {
      case SEEK_SET -> {}
      case SEEK_CUR -> offset = z.used() + offset;
      case SEEK_END -> offset = z.len() + offset;
      default -> {
        return 0;
      }
    }
    if (offset <= 0) offset = 0;
    if (offset > z.len()) offset = z.len();
    z.used(offset);
    L.push(offset);
    return 1;
  }

  /**
   * buff:pack(format, ...): lpack's letters as zbuff.c has them. {@code < > =} set the byte order
   * (little endian, as the module, unless {@code >}); {@code A} a string; {@code f d n} float, double,
   * Lua number; {@code c b h H i I l L} 1, 1, 2, 2, 4, 4, 8, 8 byte integers; spaces and commas are
   * ignored; a count after a letter repeats it. Writes what fits and stops when the buffer is full.
   */
  private int pack(Lua L) {
    Zbuff z = self(L);
    byte[] f = cString(Args.checkBytes(vm, L, 2));
    int arg = 3;
    boolean swap = false;
    int written = 0;
    for (int p = 0; p < f.length; ) {
      if (z.used() == z.len()) break;
      int c = f[p++] & 0xFF;
      int count = 1;
      if (p < f.length && isDigit(f[p])) {
        count = 0;
        while (p < f.length && isDigit(f[p])) count = 10 * count + (f[p++] - '0');
      }
      while (count-- != 0) {
        if (z.used() == z.len()) break;
        switch (c) {
          case '<', '=' -> {
            swap = false;
            count = 0;
          }
          case '>' -> {
            swap = true;
            count = 0;
          }
          case 'A' -> {
            byte[] s = Args.checkBytes(vm, L, arg++);
            written += z.write(s, 0, s.length);
          }
          case 'n', 'd' -> written += put(z, Double.doubleToRawLongBits(Args.checkNumber(L, arg++)), 8, swap);
          case 'f' -> written += put(z, Float.floatToRawIntBits((float) Args.checkNumber(L, arg++)), 4, swap);
          case 'c', 'b' -> written += put(z, Args.checkInteger(L, arg++), 1, swap);
          case 'h', 'H' -> written += put(z, Args.checkInteger(L, arg++), 2, swap);
          case 'i', 'I' -> written += put(z, Args.checkInteger(L, arg++), 4, swap);
          case 'l', 'L' -> written += put(z, Args.checkInteger(L, arg++), 8, swap);
          case ' ', ',' -> count = 0; // nothing to do, however often
          default -> throw badCode(c);
        }
      }
    }
    L.push(written);
    return 1;
  }

  /**
   * buff:unpack(format): the letters of {@link #pack}; {@code A<n>} reads an n-byte string. Returns
   * the bytes consumed, then the values; stops at the first item that does not fit before the end.
   */
  private int unpack(Lua L) {
    Zbuff z = self(L);
    byte[] f = cString(Args.checkBytes(vm, L, 2));
    byte[] a = z.array();
    int base = z.used();
    long avail = z.remaining();
    int i = 0, n = 0;
    boolean swap = false;
    L.pushNil(); // replaced by the byte count
    scan:
    for (int p = 0; p < f.length; ) {
      int c = f[p++] & 0xFF;
      int count = 1;
      if (p < f.length && isDigit(f[p])) {
        count = 0;
        while (p < f.length && isDigit(f[p])) count = 10 * count + (f[p++] - '0');
        if (count == 0 && c == 'A') {
          L.push("");
          n++;
        }
      }
      while (count-- != 0) {
        if (vm.natives().lua_checkstack(L.getPointer(), n) == 0) throw LuaError.of("too many results to unpack");
        int size = switch (c) {
          case 'n', 'd', 'l', 'L' -> 8;
          case 'f', 'i', 'I' -> 4;
          case 'h', 'H' -> 2;
          case 'c', 'b' -> 1;
          default -> 0;
        };
        switch (c) {
          case '<', '=' -> {
            swap = false;
            count = 0;
          }
          case '>' -> {
            swap = true;
            count = 0;
          }
          case 'A' -> {
            count++;
            if (count < 0 || ((i + count) & U32) > avail) break scan; // count < 0: an overflowed repeat
            vm.pushBytes(L, a, base + i, count);
            i += count;
            n++;
            count = 0;
          }
          case 'n', 'd', 'f', 'c', 'b', 'h', 'H', 'i', 'I', 'l', 'L' -> {
            if (i + size > avail) break scan;
            long v = get(a, base + i, size, swap);
            i += size;
            n++;
            switch (c) {
              case 'n', 'd' -> L.push((Number) Double.longBitsToDouble(v));
              case 'f' -> L.push((Number) (double) Float.intBitsToFloat((int) v));
              case 'c' -> L.push((long) (byte) v);
              case 'h' -> L.push((long) (short) v);
              case 'i' -> L.push((long) (int) v);
              default -> L.push(v); // unsigned ones read zero-extended; L wraps into the sign
            }
          }
          case ' ', ',' -> count = 0;
          default -> throw badCode(c);
        }
      }
    }
    z.used(base + i);
    L.push(i);
    L.replace(-n - 2);
    return n + 1;
  }

  /** buff:readU16() and the like: nothing at all when fewer bytes are left. */
  private int readNumber(Lua L, Num t) {
    Zbuff z = self(L);
    if (z.remaining() < t.size) return 0;
    long v = get(z.array(), z.used(), t.size, false);
    switch (t) {
      case I8 -> L.push((long) (byte) v);
      case I16 -> L.push((long) (short) v);
      case I32 -> L.push((long) (int) v);
      case F32 -> L.push((Number) (double) Float.intBitsToFloat((int) v));
      case F64 -> L.push((Number) Double.longBitsToDouble(v));
      default -> L.push(v);
    }
    z.used(z.used() + t.size);
    return 1;
  }

  /** buff:writeU16(v) and the like: 0 (and the value unchecked) when fewer bytes are left. */
  private int writeNumber(Lua L, Num t) {
    Zbuff z = self(L);
    if (z.remaining() < t.size) {
      L.push(0);
      return 1;
    }
    long v = switch (t) {
      case F32 -> Float.floatToRawIntBits((float) Args.checkNumber(L, 2));
      case F64 -> Double.doubleToRawLongBits(Args.checkNumber(L, 2));
      default -> Args.checkInteger(L, 2);
    };
    put(z, v, t.size, false);
    L.push(t.size);
    return 1;
  }

  // --- whole buffer: clear, toStr, len, free, resize, used ----------------------------------------

  private int clear(Lua L) {
    Zbuff z = self(L);
    int value = (int) Args.optInteger(L, 2, 0);
    Arrays.fill(z.array(), (byte) value);
    return 0;
  }

  private int toStr(Lua L) {
    Zbuff z = self(L);
    int start = (int) Args.optInteger(L, 2, 0);
    if ((start & U32) > z.len()) start = z.len(); // compared unsigned: a negative start is past the end
    int n = (int) Args.optInteger(L, 3, z.len());
    if (n < 0) {
      log.line('W', "zbuff:toStr length cannot be negative");
      L.push("");
      return 1;
    }
    if (((start + n) & U32) > z.len()) n = z.len() - start;
    vm.pushBytes(L, z.array(), start, n);
    return 1;
  }

  private int len(Lua L) {
    L.push(self(L).len());
    return 1;
  }

  private int free(Lua L) {
    self(L).release();
    return 0;
  }

  private int resize(Lua L) {
    Zbuff z = self(L);
    if (Args.isInteger(L, 2)) z.resize(L.toInteger(2) & U32);
    return 0;
  }

  private int used(Lua L) {
    Zbuff z = self(L);
    if (Args.isInteger(L, 2)) z.used((int) Math.min(L.toInteger(2) & U32, z.len()));
    L.push(z.used());
    return 1;
  }

  // --- absolute: copy, set, query, del, isEqual, toBase64, buff[i] ---------------------------------

  /**
   * buff:copy(start, data...): writes at {@code start} (default used, negative counts back from
   * used), growing the buffer as needed, and raises used to the end of what was written.
   */
  private int copy(Lua L) {
    Zbuff z = self(L);
    int t = (int) Args.optInteger(L, 2, z.used());
    if (t < 0) {
      t = z.used() + t;
      if (t < 0) {
        L.push(0);
        return 1;
      }
    }
    if (Args.isInteger(L, 3)) {
      int n = 0;
      while (Args.isInteger(L, 3 + n)) {
        if (t >= z.len()) {
          // the module grows once t passes len, to 2 * t; at t == len it first writes one byte past
          // its block. Growing now, to the size it picks for the next byte, keeps every byte.
          long target = t == z.len() ? 2L * (t + 1) : 2L * t;
          if (!z.resize(target & U32)) {
            L.push(n); // used is not raised on this path
            return 1;
          }
        }
        z.array()[t] = (byte) L.toInteger(3 + n);
        t++;
        n++;
      }
      if (t > z.used()) z.used(t);
      L.push(n);
      return 1;
    }
    Lua.LuaType type = Args.isNone(L, 3) ? Lua.LuaType.NONE : L.type(3);
    byte[] src;
    long start = 0, n;
    if (type == Lua.LuaType.STRING || type == Lua.LuaType.NUMBER) {
      src = Args.checkBytes(vm, L, 3);
      n = src.length;
      if (!grow(z, t, n)) return pushZero(L);
    } else if (type == Lua.LuaType.USERDATA || type == Lua.LuaType.LIGHTUSERDATA) {
      Zbuff other = check(vm, L, 3);
      start = Args.optInteger(L, 4, 0) & U32;
      n = Args.optInteger(L, 5, other.used()) & U32;
      if (!grow(z, t, n)) return pushZero(L);
      src = other.array(); // read after growing: the source may be this very buffer
    } else {
      return pushZero(L);
    }
    // the module copies blindly; airemu keeps what lies inside both blocks and reads 0 past the source
    byte[] dst = z.array();
    int fit = (int) Math.max(0, Math.min(n, dst.length - (long) t));
    int have = (int) Math.max(0, Math.min(fit, src.length - start));
    if (have > 0) System.arraycopy(src, (int) start, dst, t, have);
    if (fit > have) Arrays.fill(dst, t + have, t + fit, (byte) 0);
    if (t + fit > z.used()) z.used(t + fit);
    L.push(n);
    return 1;
  }

  private static int pushZero(Lua L) {
    L.push(0);
    return 1;
  }

  /** Grows like the module before a copy of {@code n} bytes at {@code t}: to len + n + t; false if that failed. */
  private static boolean grow(Zbuff z, int t, long n) {
    return ((n + t) & U32) <= z.len() || z.resize((z.len() + n + t) & U32);
  }

  /** buff:set(start, value, len): memset, cut at the end of the buffer. The value is read first. */
  private int set(Lua L) {
    Zbuff z = self(L);
    int value = (int) Args.optInteger(L, 3, 0);
    long start = Args.optInteger(L, 2, 0) & U32;
    long n = Args.optInteger(L, 4, z.len()) & U32;
    if (start < z.len()) {
      int count = (int) Math.min(n, z.len() - start);
      Arrays.fill(z.array(), (int) start, (int) start + count, (byte) value);
    }
    return 0;
  }

  /**
   * buff:query(start, len, bigEndian, signed, float): bytes of {@code [0, used)}, or nil when none;
   * with a boolean byte order and 1, 2, 4 or 8 bytes, a number. A 4-byte integer is always signed;
   * floats are always read little endian.
   */
  private int query(Lua L) {
    Zbuff z = self(L);
    int used = z.used();
    int start = (int) Args.optInteger(L, 2, 0);
    if (start < 0) {
      start += used;
      if (start < 0) {
        L.pushNil();
        return 1;
      }
    }
    if (start > used) start = used;
    long n = Args.optInteger(L, 3, used) & U32;
    if (start + n > used) n = used - start;
    if (n == 0) {
      L.pushNil();
      return 1;
    }
    byte[] a = z.array();
    if (!Args.isNone(L, 4) && L.isBoolean(4) && n <= 8) {
      boolean big = L.toBoolean(4);
      boolean signed = !Args.isNone(L, 5) && L.isBoolean(5) && L.toBoolean(5);
      boolean real = !Args.isNone(L, 6) && L.isBoolean(6) && L.toBoolean(6);
      switch ((int) n) {
        case 1 -> L.push(signed ? (long) a[start] : a[start] & 0xFF);
        case 2 -> {
          long v = get(a, start, 2, big);
          L.push(signed ? (long) (short) v : v);
        }
        case 4 -> {
          if (real) L.push((Number) (double) Float.intBitsToFloat((int) get(a, start, 4, false)));
          else L.push((long) (int) get(a, start, 4, big));
        }
        case 8 -> {
          if (real) L.push((Number) Double.longBitsToDouble(get(a, start, 8, false)));
          else L.push(get(a, start, 8, big));
        }
        default -> vm.pushBytes(L, a, start, (int) n);
      }
      return 1;
    }
    vm.pushBytes(L, a, start, (int) n);
    return 1;
  }

  /**
   * buff:del(start, len): removes bytes from {@code [0, used)}. The module moves {@code used - len}
   * bytes from {@code start + len}, more than it holds after {@code start}; airemu moves the same
   * bytes as far as the block reaches.
   */
  private int del(Lua L) {
    Zbuff z = self(L);
    int used = z.used();
    int start = (int) Args.optInteger(L, 2, 0);
    if (start < 0) {
      start += used;
      if (start < 0) return 0;
    }
    if (start >= used) return 0;
    long n = Args.optInteger(L, 3, used) & U32;
    if (start + n > used) n = used - start;
    if (n == 0) return 0;
    if (start + n == used) {
      z.used(start);
      return 0;
    }
    int rest = (int) (used - n);
    int from = (int) (start + n);
    System.arraycopy(z.array(), from, z.array(), start, Math.min(rest, z.len() - from));
    z.used(rest);
    return 0;
  }

  /** buff:isEqual(start, other, start2, len): memcmp; returns true, 0 or false and the first differing index. */
  private int isEqual(Lua L) {
    Zbuff z = self(L);
    long off1 = Args.optInteger(L, 2, 0) & U32;
    Zbuff other = check(vm, L, 3);
    long off2 = Args.optInteger(L, 4, 0) & U32;
    long n = Args.optInteger(L, 5, 1) & U32;
    byte[] a = z.array(), b = other.array();
    for (long i = 0; i < n; i++) {
      long p = off1 + i, q = off2 + i;
      if (p >= a.length && q >= b.length) break; // past both blocks: all zeros here, so equal
      int x = p < a.length ? a[(int) p] & 0xFF : 0;
      int y = q < b.length ? b[(int) q] & 0xFF : 0;
      if (x != y) {
        L.push(false);
        L.push(i);
        return 2;
      }
    }
    L.push(true);
    L.push(0);
    return 2;
  }

  /** buff:toBase64(dst): encodes {@code [0, used)} into dst (NUL-terminated, as mbedTLS does). */
  private int toBase64(Lua L) {
    Zbuff src = check(vm, L, 1);
    Zbuff dst = check(vm, L, 2);
    if (src.used() == 0) {
      dst.used(0);
      L.push(0);
      return 1;
    }
    long need = 4L * ((src.used() + 2L) / 3);
    if (dst.len() < need + 1) {
      log.line('E', "zbuff toBase64 failed -1");
      L.push(0);
      return 1;
    }
    byte[] enc = Base64.getEncoder().encode(src.copyUsed());
    System.arraycopy(enc, 0, dst.array(), 0, enc.length);
    dst.array()[enc.length] = 0;
    dst.used(enc.length);
    L.push(enc.length);
    return 1;
  }

  /** buff:get(i) and buff[i]: a metatable field by that key if there is one, else the byte at i or nothing. */
  private int get(Lua L) {
    L.getRegisteredMetatable(TYPE);
    L.pushValue(2);
    L.rawGet(-2);
    if (!L.isNil(-1)) return 1;
    Zbuff z = self(L);
    int i = (int) Args.checkInteger(L, 2);
    if ((i & U32) >= z.len()) return 0;
    L.push(z.array()[i] & 0xFF);
    return 1;
  }

  /** __index: integers index bytes; strings (and numbers as strings) name methods. */
  private int metaIndex(Lua L) {
    if (Args.isInteger(L, 2)) return get(L);
    if (!Args.isNone(L, 2) && L.isString(2)) {
      byte[] key = cString(Args.checkBytes(vm, L, 2)); // compared as a C string
      L.refGet(methods);
      vm.pushBytes(L, key);
      L.rawGet(-2);
      return 1;
    }
    return 0;
  }

  /** __newindex: buff[i] = v for integer keys inside the buffer; anything else is ignored. */
  private int metaNewIndex(Lua L) {
    if (!Args.isInteger(L, 2)) return 0;
    Zbuff z = self(L);
    int i = (int) Args.checkInteger(L, 2);
    int v = (int) (Args.checkInteger(L, 3) % 256);
    // the module also stores at i == len, one byte past its block, where no zbuff call can see it
    if ((i & U32) >= z.len()) return 0;
    z.array()[i] = (byte) v;
    return 0;
  }

  // --- framebuffer ---------------------------------------------------------------------------------

  private int setFrameBuffer(Lua L) {
    Zbuff z = self(L);
    long need = (Args.checkInteger(L, 2) * Args.checkInteger(L, 3) * Args.checkInteger(L, 4) - 1) / 8 + 1;
    if (need > z.len()) return 0; // a signed comparison: negative sizes pass
    z.width = Args.checkInteger(L, 2) & U32;
    z.height = Args.checkInteger(L, 3) & U32;
    z.bit = (int) (Args.checkInteger(L, 4) & 0xFF);
    if (Args.isInteger(L, 5)) ZbuffFrame.fill(z, L.toInteger(5));
    L.push(true);
    return 1;
  }

  private int pixel(Lua L) {
    Zbuff z = self(L);
    long x = Args.checkInteger(L, 2) & U32;
    long y = Args.checkInteger(L, 3) & U32;
    if (x >= z.width || y >= z.height) return 0;
    long point = x + y * z.width;
    if (Args.isInteger(L, 4)) {
      ZbuffFrame.set(z, point, L.toInteger(4));
      L.push(true);
    } else {
      L.push(ZbuffFrame.get(z, point));
    }
    return 1;
  }

  private int drawLine(Lua L) {
    Zbuff z = self(L);
    if (z.width == 0) return 0;
    long x0 = Args.checkInteger(L, 2) & U32, y0 = Args.checkInteger(L, 3) & U32;
    long x1 = Args.checkInteger(L, 4) & U32, y1 = Args.checkInteger(L, 5) & U32;
    long color = Args.optInteger(L, 6, 0) & U32;
    ZbuffFrame.line(z, x0, y0, x1, y1, color);
    L.push(true);
    return 1;
  }

  private int drawRect(Lua L) {
    Zbuff z = self(L);
    if (z.width == 0) return 0;
    int x1 = (int) Args.checkInteger(L, 2), y1 = (int) Args.checkInteger(L, 3);
    int x2 = (int) Args.checkInteger(L, 4), y2 = (int) Args.checkInteger(L, 5);
    int color = (int) Args.optInteger(L, 6, 0);
    ZbuffFrame.rect(z, x1, y1, x2, y2, color & U32, Args.toBoolean(L, 7));
    L.push(true);
    return 1;
  }

  private int drawCircle(Lua L) {
    Zbuff z = self(L);
    if (z.width == 0) return 0;
    int xc = (int) Args.checkInteger(L, 2), yc = (int) Args.checkInteger(L, 3);
    int r = (int) Args.checkInteger(L, 4);
    int color = (int) Args.optInteger(L, 5, 0);
    if (!ZbuffFrame.circle(z, xc, yc, r, color & U32, Args.toBoolean(L, 6))) return 0;
    L.push(true);
    return 1;
  }

  // --- helpers --------------------------------------------------------------------------------------

  private Zbuff self(Lua L) {
    return check(vm, L, 1);
  }

  private Zbuff.Heap heap() {
    if (heap == null) heap = heapSupplier.get();
    return heap;
  }

  private void fullGc(Lua L) {
    vm.natives().luaJ_gc(L.getPointer()); // the module collects twice
    vm.natives().luaJ_gc(L.getPointer());
  }

  private void method(Lua L, String name, LuaCall call) {
    vm.setFunction(L, -1, name, (call));
  }

  private static void constant(Lua L, String name, int value) {
    L.push(value);
    L.setField(-2, name);
  }

  /** Writes the low {@code size} bytes of {@code v} at the cursor (little endian, or big when swapped). */
  private static int put(Zbuff z, long v, int size, boolean swap) {
    byte[] b = new byte[size];
    for (int k = 0; k < size; k++) b[swap ? size - 1 - k : k] = (byte) (v >>> (8 * k));
    return z.write(b, 0, size);
  }

  /** Reads {@code size} bytes at {@code off} as an unsigned value (little endian, or big when {@code big}). */
  private static long get(byte[] a, int off, int size, boolean big) {
    long v = 0;
    for (int k = 0; k < size; k++) v |= (a[off + (big ? size - 1 - k : k)] & 0xFFL) << (8 * k);
    return v;
  }

  private static ArgError badCode(int c) {
    return new ArgError(1, "bad code `" + (char) c + "'");
  }

  private static boolean isDigit(byte b) {
    return b >= '0' && b <= '9';
  }

  /** The bytes before the first NUL: what the C code sees of a Lua string. */
  private static byte[] cString(byte[] s) {
    for (int i = 0; i < s.length; i++) if (s[i] == 0) return Arrays.copyOf(s, i);
    return s;
  }

  private final Vm vm;
  private final Supplier<Zbuff.Heap> heapSupplier;
  private final Log log;
  private Zbuff.Heap heap; // made on first use
  private int methods; // registry reference of the method table __index searches

  /** The fixed-size reads and writes: native (little endian) byte order. */
  private enum Num {
    I8(1), U8(1), I16(2), U16(2), I32(4), U32(4), I64(8), U64(8), F32(4), F64(8);

    final int size;

    Num(int size) {
      this.size = size;
    }
  }
}
