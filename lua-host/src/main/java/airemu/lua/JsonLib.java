package airemu.lua;

import java.nio.charset.StandardCharsets;
import party.iroiro.luajava.Lua;

/**
 * {@code json}: the firmware's lua-cjson, with LuatOS's changes. Encoding writes integers plainly and
 * floats with {@code %.7f} through the firmware printf (so {@code 1.5} is {@code 1.5000000}); decoding
 * gives integers for numbers without a dot. Errors come back as values, never raised:
 * {@code nil, msg} from encode and {@code nil, false, msg} from decode.
 */
final class JsonLib {
  private static final int MAX_DEPTH = 1000;
  private static final double DBL_EPSILON = Math.ulp(1.0);

  private JsonLib() {}

  static void install(LuaFirmware fw, Lua L) {
    Vm vm = fw.vm();
    L.newTable();
    vm.setFunction(L, -1, "encode", l -> encode(vm, l));
    vm.setFunction(L, -1, "decode", l -> decode(vm, l));
    pushNull(vm, L);
    L.setField(-2, "null");
    L.setGlobal("json");
  }

  private static void pushNull(Vm vm, Lua L) {
    vm.natives().lua_pushlightuserdata(L.getPointer(), 0);
  }

  // --- encode --------------------------------------------------------------------------------------

  private static final class EncodeError extends RuntimeException {
    EncodeError(String message) {
      super(message, null, false, false);
    }
  }

  private static int encode(Vm vm, Lua L) {
    if (Args.isNoneOrNil(L, 1)) {
      L.push("");
      return 1;
    }
    FloatFormat ff = FloatFormat.DEFAULT;
    if (L.getTop() >= 2 && (L.type(2) == Lua.LuaType.STRING || L.type(2) == Lua.LuaType.NUMBER)) {
      ff = FloatFormat.parse(new String(StringLib.toLString(vm, L, 2), StandardCharsets.ISO_8859_1));
    }
    L.setTop(1);
    ByteBuf out = new ByteBuf(64);
    try {
      new Encoder(vm, L, out, ff).value(1, 0);
    } catch (EncodeError e) {
      L.pushNil();
      L.push(e.getMessage());
      return 2;
    }
    vm.pushBytes(L, out.array(), 0, out.size());
    return 1;
  }

  /** The float format of one encode call: "%.7f", or what the second argument names ("12f", "7g", "%.3f"). */
  private record FloatFormat(char conv, int flags, int width, int prec) {
    static final FloatFormat DEFAULT = new FloatFormat('f', Printf.PRECISION, 0, 7);

    static FloatFormat parse(String s) {
      if (s.length() < 2 || s.length() > 7) return DEFAULT;
      char last = s.charAt(s.length() - 1);
      if (last != 'f' && last != 'g') return DEFAULT;
      String f = s.startsWith("%") ? s : "%." + s;
      int i = 1, flags = 0, width = 0, prec = 0;
      while (i < f.length() && "-+ #0".indexOf(f.charAt(i)) >= 0) {
        flags |= switch (f.charAt(i++)) {
          case '-' -> Printf.LEFT;
          case '+' -> Printf.PLUS;
          case ' ' -> Printf.SPACE;
          case '#' -> Printf.HASH;
          default -> Printf.ZEROPAD;
        };
      }
      while (i < f.length() && Character.isDigit(f.charAt(i))) width = width * 10 + (f.charAt(i++) - '0');
      if (i < f.length() && f.charAt(i) == '.') {
        flags |= Printf.PRECISION;
        i++;
        while (i < f.length() && Character.isDigit(f.charAt(i))) prec = prec * 10 + (f.charAt(i++) - '0');
      }
      if (i != f.length() - 1) return DEFAULT;
      return new FloatFormat(last, flags, width, prec);
    }
  }

  private static final class Encoder {
    Encoder(Vm vm, Lua L, ByteBuf out, FloatFormat ff) {
      this.vm = vm;
      this.L = L;
      this.out = out;
      this.ff = ff;
    }

    void value(int idx, int depth) {
      switch (L.type(idx)) {
        case STRING -> string(vm.toBytes(L, idx));
        case NUMBER -> number(idx);
        case BOOLEAN -> out.put(L.toBoolean(idx) ? "true" : "false");
        case NIL -> out.put("null");
        case TABLE -> table(idx, depth + 1);
        case LIGHTUSERDATA -> {
          if (vm.natives().lua_touserdata(L.getPointer(), idx) != 0) unsupported("userdata");
          out.put("null");
        }
        case FUNCTION -> unsupported("function");
        case THREAD -> unsupported("thread");
        default -> unsupported("userdata");
      }
    }

    private void unsupported(String type) {
      throw new EncodeError("Cannot serialise " + type + ": type not supported");
    }

    void number(int idx) {
      if (L.isInteger(idx)) {
        out.put(Long.toString(L.toInteger(idx)));
        return;
      }
      double d = L.toNumber(idx);
      if (Double.isNaN(d) || Double.isInfinite(d)) throw new EncodeError("Cannot serialise number: must not be NaN or Inf");
      if (d >= -DBL_EPSILON && d <= DBL_EPSILON) { // the firmware writes a lone 0 for (almost) zero
        out.put('0');
        return;
      }
      StringBuilder sb = new StringBuilder(24);
      Printf.formatDouble(sb, ff.conv, ff.flags, ff.width, ff.prec, d);
      out.put(sb);
    }

    void string(byte[] s) {
      out.put('"');
      for (byte b : s) {
        int c = b & 0xFF;
        switch (c) {
          case '"' -> out.put('\\').put('"');
          case '\\' -> out.put('\\').put('\\');
          case '/' -> out.put('\\').put('/');
          case '\b' -> out.put('\\').put('b');
          case '\t' -> out.put('\\').put('t');
          case '\n' -> out.put('\\').put('n');
          case '\f' -> out.put('\\').put('f');
          case '\r' -> out.put('\\').put('r');
          default -> {
            if (c < 0x20 || c == 0x7F) out.put(String.format("\\u%04x", c));
            else out.put(c);
          }
        }
      }
      out.put('"');
    }

    void table(int idx, int depth) {
      if (depth > MAX_DEPTH || vm.natives().lua_checkstack(L.getPointer(), 3) == 0) {
        throw new EncodeError("Cannot serialise, excessive nesting (" + depth + ")");
      }
      int t = idx < 0 ? L.getTop() + idx + 1 : idx;
      long max = 0, items = 0;
      boolean array = true;
      L.pushNil();
      while (L.next(t) != 0) {
        items++;
        if (array && L.type(-2) == Lua.LuaType.NUMBER && L.isInteger(-2) && L.toInteger(-2) >= 1) {
          max = Math.max(max, L.toInteger(-2));
        } else {
          array = false;
        }
        L.pop(1);
      }
      if (array && items > 0) {
        if (max > items * 2 && max > 10) throw new EncodeError("Cannot serialise table: excessively sparse array");
        out.put('[');
        for (long i = 1; i <= max; i++) {
          if (i > 1) out.put(',');
          L.rawGetI(t, (int) i);
          value(-1, depth);
          L.pop(1);
        }
        out.put(']');
        return;
      }
      out.put('{');
      boolean first = true;
      L.pushNil();
      while (L.next(t) != 0) {
        if (!first) out.put(',');
        first = false;
        switch (L.type(-2)) {
          case STRING -> string(vm.toBytes(L, -2));
          case NUMBER -> {
            out.put('"');
            number(-2);
            out.put('"');
          }
          default -> throw new EncodeError("Cannot serialise " + Args.basicTypeName(L, L.getTop() - 1)
              + ": table key must be a number or string");
        }
        out.put(':');
        value(-1, depth);
        L.pop(1);
      }
      out.put('}');
    }

    private final Vm vm;
    private final Lua L;
    private final ByteBuf out;
    private final FloatFormat ff;
  }

  // --- decode --------------------------------------------------------------------------------------

  private static final class DecodeError extends RuntimeException {
    DecodeError(String message) {
      super(message, null, false, false);
    }
  }

  private static int decode(Vm vm, Lua L) {
    int base = L.getTop();
    try {
      if (L.getTop() != 1) throw new DecodeError("bad argument #1 to '?' (expected 1 argument)");
      if (L.type(1) != Lua.LuaType.STRING && L.type(1) != Lua.LuaType.NUMBER) {
        throw new DecodeError("bad argument #1 to '?' (string expected, got " + Args.basicTypeName(L, 1) + ")");
      }
      byte[] text = StringLib.toLString(vm, L, 1);
      if (text.length >= 2 && (text[0] == 0 || text[1] == 0)) {
        throw new DecodeError("JSON parser does not support UTF-16 or UTF-32");
      }
      new Decoder(vm, L, text).document();
      L.push(1);
      return 2;
    } catch (DecodeError e) {
      L.setTop(base);
      L.pushNil();
      L.push(false);
      vm.pushString(L, e.getMessage());
      return 3;
    }
  }

  /** cjson's tokenizer and recursive parser, with its error texts and character positions. */
  private static final class Decoder {
    private enum T { OBJ_BEGIN, OBJ_END, ARR_BEGIN, ARR_END, STRING, NUMBER, INTEGER, BOOLEAN, NULL, COLON, COMMA, END, ERROR }

    Decoder(Vm vm, Lua L, byte[] s) {
      this.vm = vm;
      this.L = L;
      this.s = s;
    }

    void document() {
      next();
      value();
      next();
      if (type != T.END) fail("the end");
    }

    private void value() {
      switch (type) {
        case STRING -> vm.pushBytes(L, str);
        case NUMBER -> L.push(number);
        case INTEGER -> L.push(integer);
        case BOOLEAN -> L.push(bool);
        case NULL -> pushNull(vm, L);
        case OBJ_BEGIN -> object();
        case ARR_BEGIN -> array();
        default -> fail("value");
      }
    }

    private void object() {
      descend();
      L.newTable();
      next();
      if (type == T.OBJ_END) {
        depth--;
        return;
      }
      while (true) {
        if (type != T.STRING) fail("object key string");
        vm.pushBytes(L, str);
        next();
        if (type != T.COLON) fail("colon");
        next();
        value();
        L.rawSet(-3);
        next();
        if (type == T.OBJ_END) {
          depth--;
          return;
        }
        if (type != T.COMMA) fail("comma or object end");
        next();
      }
    }

    private void array() {
      descend();
      L.newTable();
      next();
      if (type == T.ARR_END) {
        depth--;
        return;
      }
      for (int i = 1; ; i++) {
        value();
        L.rawSetI(-2, i);
        next();
        if (type == T.ARR_END) {
          depth--;
          return;
        }
        if (type != T.COMMA) fail("comma or array end");
        next();
      }
    }

    private void descend() {
      depth++;
      if (depth > MAX_DEPTH || vm.natives().lua_checkstack(L.getPointer(), 3) == 0) {
        throw new DecodeError("Found too many nested data structures (" + depth + ") at character " + pos);
      }
    }

    private void fail(String expected) {
      String found = type == T.ERROR ? error : "T_" + type.name();
      throw new DecodeError("Expected " + expected + " but found " + found + " at character " + (index + 1));
    }

    private int at(int i) {
      return i < s.length ? s[i] & 0xFF : 0; // the C parser stops at a NUL byte
    }

    private void next() {
      while (at(pos) == ' ' || at(pos) == '\t' || at(pos) == '\n' || at(pos) == '\r') pos++;
      index = pos;
      int c = at(pos);
      switch (c) {
        case 0 -> type = T.END;
        case '{' -> single(T.OBJ_BEGIN);
        case '}' -> single(T.OBJ_END);
        case '[' -> single(T.ARR_BEGIN);
        case ']' -> single(T.ARR_END);
        case ':' -> single(T.COLON);
        case ',' -> single(T.COMMA);
        case '"' -> stringToken();
        case 't' -> literal("true", T.BOOLEAN, true);
        case 'f' -> literal("false", T.BOOLEAN, false);
        case 'n' -> literal("null", T.NULL, false);
        default -> {
          if (c == '-' || (c >= '0' && c <= '9')) numberToken();
          else error("invalid token");
        }
      }
    }

    private void single(T t) {
      type = t;
      pos++;
    }

    private void literal(String word, T t, boolean value) {
      for (int i = 0; i < word.length(); i++) {
        if (at(pos + i) != word.charAt(i)) {
          error("invalid token");
          return;
        }
      }
      pos += word.length();
      type = t;
      bool = value;
    }

    private void error(String what) {
      type = T.ERROR;
      error = what;
      index = pos;
    }

    private void stringToken() {
      ByteBuf buf = new ByteBuf(16);
      pos++;
      int c;
      while ((c = at(pos)) != '"') {
        if (c == 0) {
          error("unexpected end of string");
          return;
        }
        if (c == '\\') {
          int e = at(pos + 1);
          int mapped = switch (e) {
            case '"' -> '"';
            case '\\' -> '\\';
            case '/' -> '/';
            case 'b' -> '\b';
            case 'f' -> '\f';
            case 'n' -> '\n';
            case 'r' -> '\r';
            case 't' -> '\t';
            case 'u' -> -2;
            default -> -1;
          };
          if (mapped == -2) {
            if (!unicodeEscape(buf)) {
              error("invalid unicode escape code");
              return;
            }
            continue;
          }
          if (mapped == -1) {
            error("invalid escape code");
            return;
          }
          pos++;
          c = mapped;
        }
        buf.put(c);
        pos++;
      }
      pos++;
      type = T.STRING;
      str = buf.toByteArray();
    }

    /** \\uXXXX (and a following low surrogate for a high one) as UTF-8; advances past it. */
    private boolean unicodeEscape(ByteBuf buf) {
      int cp = hex4(pos + 2);
      if (cp < 0) return false;
      int consumed = 6;
      if (cp >= 0xDC00 && cp <= 0xDFFF) return false;
      if (cp >= 0xD800 && cp <= 0xDBFF) {
        if (at(pos + 6) != '\\' || at(pos + 7) != 'u') return false;
        int low = hex4(pos + 8);
        if (low < 0xDC00 || low > 0xDFFF) return false;
        cp = (((cp & 0x3FF) << 10) | (low & 0x3FF)) + 0x10000;
        consumed = 12;
      }
      buf.put(new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8));
      pos += consumed;
      return true;
    }

    private int hex4(int i) {
      int v = 0;
      for (int k = 0; k < 4; k++) {
        int d = Character.digit(at(i + k), 16);
        if (d < 0) return -1;
        v = (v << 4) | d;
      }
      return v;
    }

    /**
     * Numbers: the token is what strtod accepts. Without a '.', LuatOS re-reads it with strtoll and
     * moves on from where strtoll stopped (so "1e5" fails at the 'e'); a non-zero result or a bare
     * "0" becomes an integer, saturating at the int64 limits.
     */
    private void numberToken() {
      int p = pos;
      if (at(p) == '-') p++;
      if (at(p) == '0' && ((at(p + 1) | 0x20) == 'x' || (at(p + 1) >= '0' && at(p + 1) <= '9'))) {
        error("invalid number");
        return;
      }
      int end = strtodEnd(pos);
      if (end == pos) {
        error("invalid number");
        return;
      }
      String token = new String(s, pos, end - pos, StandardCharsets.US_ASCII);
      if (token.indexOf('.') < 0) {
        int q = pos;
        if (at(q) == '-') q++;
        while (at(q) >= '0' && at(q) <= '9') q++;
        String digits = new String(s, pos, q - pos, StandardCharsets.US_ASCII);
        long v = saturatingParse(digits);
        if (v != 0 || digits.equals("0")) {
          type = T.INTEGER;
          integer = v;
          pos = q;
          return;
        }
        type = T.NUMBER;
        number = Double.parseDouble(digits);
        pos = q;
        return;
      }
      type = T.NUMBER;
      number = Double.parseDouble(token);
      pos = end;
    }

    private int strtodEnd(int p) {
      int i = p;
      if (at(i) == '-') i++;
      int digits = 0;
      while (at(i) >= '0' && at(i) <= '9') {
        i++;
        digits++;
      }
      if (at(i) == '.') {
        i++;
        while (at(i) >= '0' && at(i) <= '9') {
          i++;
          digits++;
        }
      }
      if (digits == 0) return p;
      if ((at(i) | 0x20) == 'e') {
        int j = i + 1;
        if (at(j) == '+' || at(j) == '-') j++;
        if (at(j) >= '0' && at(j) <= '9') {
          while (at(j) >= '0' && at(j) <= '9') j++;
          i = j;
        }
      }
      return i;
    }

    private static long saturatingParse(String digits) {
      if (digits.equals("-") || digits.isEmpty()) return 0;
      try {
        return Long.parseLong(digits);
      } catch (NumberFormatException e) {
        return digits.startsWith("-") ? Long.MIN_VALUE : Long.MAX_VALUE;
      }
    }

    private final Vm vm;
    private final Lua L;
    private final byte[] s;
    private int pos; // next byte to read
    private int index; // where the current token starts
    private int depth;
    private T type;
    private String error;
    private byte[] str;
    private double number;
    private long integer;
    private boolean bool;
  }
}
