package airemu.lua;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import party.iroiro.luajava.Lua;
import party.iroiro.luajava.LuaException;

/**
 * {@code string.format} as the firmware runs it (Lua 5.3's format scanner feeding the firmware's
 * printf) and the LuatOS string extensions ({@code toHex}, {@code split}, {@code urlEncode} ...).
 */
final class StringLib {
  private static final byte[] HEX = "0123456789ABCDEF".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  private StringLib() {}

  static void install(LuaFirmware fw, Lua L) {
    Vm vm = fw.vm();
    L.getGlobal("tostring");
    vm.stockToString = L.ref(); // luaL_tolstring for %s of tables, userdata and the like
    L.getGlobal("string");
    vm.setFunction(L, -1, "toHex", l -> toHex(vm, l));
    vm.setFunction(L, -1, "fromHex", l -> {
      vm.pushBytes(l, fromHex(Args.checkBytes(vm, l, 1)));
      return 1;
    });
    vm.setFunction(L, -1, "toValue", l -> toValue(vm, l));
    vm.setFunction(L, -1, "split", l -> split(vm, l));
    vm.setFunction(L, -1, "urlEncode", l -> urlEncode(vm, l));
    vm.setFunction(L, -1, "toBase64", l -> {
      vm.pushBytes(l, Base64.getEncoder().encode(Args.checkBytes(vm, l, 1)));
      return 1;
    });
    vm.setFunction(L, -1, "fromBase64", l -> {
      vm.pushBytes(l, fromBase64(Args.checkBytes(vm, l, 1)));
      return 1;
    });
    vm.setFunction(L, -1, "toBase32", l -> {
      vm.pushBytes(l, toBase32(Args.checkBytes(vm, l, 1)));
      return 1;
    });
    vm.setFunction(L, -1, "fromBase32", l -> {
      vm.pushBytes(l, fromBase32(Args.checkBytes(vm, l, 1)));
      return 1;
    });
    vm.setFunction(L, -1, "startsWith", l -> {
      byte[] s = Args.checkBytes(vm, l, 1), p = Args.checkBytes(vm, l, 2);
      l.push(p.length <= s.length && java.util.Arrays.equals(s, 0, p.length, p, 0, p.length));
      return 1;
    });
    vm.setFunction(L, -1, "endsWith", l -> {
      byte[] s = Args.checkBytes(vm, l, 1), p = Args.checkBytes(vm, l, 2);
      l.push(p.length <= s.length && java.util.Arrays.equals(s, s.length - p.length, s.length, p, 0, p.length));
      return 1;
    });
    vm.setFunction(L, -1, "trim", l -> trim(vm, l));
    L.pop(1);
  }

  // --- string.format -------------------------------------------------------------------------------

  static int format(Vm vm, Lua L) {
    int top = L.getTop();
    byte[] fmt = Args.checkBytes(vm, L, 1);
    ByteBuf out = new ByteBuf(fmt.length + 16);
    StringBuilder num = new StringBuilder(32);
    int arg = 1;
    for (int i = 0; i < fmt.length; ) {
      byte c = fmt[i++];
      if (c != '%') {
        out.put(c);
        continue;
      }
      if (i < fmt.length && fmt[i] == '%') {
        out.put('%');
        i++;
        continue;
      }
      if (++arg > top) throw Args.argError(arg, "no value");
      Spec spec = Spec.scan(fmt, i);
      i = spec.end;
      num.setLength(0);
      switch (spec.conv) {
        case 'c' -> Printf.formatChar(out, spec.flags, spec.width, (int) Args.checkInteger(L, arg));
        case 'd', 'i', 'o', 'u', 'x', 'X' -> {
          Printf.formatInteger(num, spec.conv, spec.flags, spec.width, spec.prec, Args.checkInteger(L, arg));
          out.put(num);
        }
        case 'e', 'E', 'f', 'g', 'G' -> {
          Printf.formatDouble(num, spec.conv, spec.flags, spec.width, spec.prec, Args.checkNumber(L, arg));
          out.put(num);
        }
        case 'a', 'A' -> { // the firmware's printf has no %a: it prints the letter
          Args.checkNumber(L, arg);
          out.put(spec.conv);
        }
        case 'q' -> addLiteral(vm, L, arg, out);
        case 's' -> {
          byte[] s = toLString(vm, L, arg);
          if (spec.bare) {
            out.put(s);
          } else {
            for (byte b : s) if (b == 0) throw Args.argError(arg, "string contains zeros");
            if (!spec.dot && s.length >= 100) out.put(s);
            else Printf.formatString(out, spec.flags, spec.width, spec.prec, s);
          }
        }
        default -> throw LuaError.of("invalid option '%" + (char) (spec.conv & 0xFF) + "' to 'format'");
      }
    }
    vm.pushBytes(L, out.array(), 0, out.size());
    return 1;
  }

  /** One conversion specification, scanned as Lua 5.3 does: up to 5 flags, 2 width and 2 precision digits. */
  private record Spec(int flags, int width, int prec, char conv, boolean dot, boolean bare, int end) {
    static Spec scan(byte[] f, int i) {
      int start = i, flags = 0;
      while (i < f.length && "-+ #0".indexOf(f[i]) >= 0) {
        flags |= switch (f[i]) {
          case '-' -> Printf.LEFT;
          case '+' -> Printf.PLUS;
          case ' ' -> Printf.SPACE;
          case '#' -> Printf.HASH;
          default -> Printf.ZEROPAD;
        };
        i++;
      }
      if (i - start >= 6) throw LuaError.of("invalid format (repeated flags)");
      int width = 0;
      for (int d = 0; d < 2 && i < f.length && isDigit(f[i]); d++) width = width * 10 + (f[i++] - '0');
      int prec = 0;
      boolean dot = false;
      if (i < f.length && f[i] == '.') {
        dot = true;
        flags |= Printf.PRECISION;
        i++;
        for (int d = 0; d < 2 && i < f.length && isDigit(f[i]); d++) prec = prec * 10 + (f[i++] - '0');
      }
      if (i < f.length && isDigit(f[i])) throw LuaError.of("invalid format (width or precision too long)");
      char conv = i < f.length ? (char) (f[i] & 0xFF) : '\0';
      return new Spec(flags, width, prec, conv, dot, i == start, i + 1);
    }
  }

  private static boolean isDigit(byte b) {
    return b >= '0' && b <= '9';
  }

  /** {@code luaL_tolstring}: numbers the firmware's way, other values through the stock conversion. */
  static byte[] toLString(Vm vm, Lua L, int arg) {
    switch (L.type(arg)) {
      case STRING:
        return vm.toBytes(L, arg);
      case NUMBER:
        return Vm.numberToString(L, arg).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
      default:
        L.refGet(vm.stockToString);
        L.pushValue(arg);
        try {
          L.pCall(1, 1);
        } catch (LuaException e) {
          String msg = L.toString(-1);
          L.pop(1);
          throw LuaError.bare(msg == null ? String.valueOf(e.getMessage()) : msg);
        }
        byte[] s = vm.toBytes(L, -1);
        L.pop(1);
        return s;
    }
  }

  private static void addLiteral(Vm vm, Lua L, int arg, ByteBuf out) {
    switch (L.type(arg)) {
      case STRING -> {
        byte[] s = vm.toBytes(L, arg);
        out.put('"');
        for (int i = 0; i < s.length; i++) {
          int c = s[i] & 0xFF;
          if (c == '"' || c == '\\' || c == '\n') {
            out.put('\\').put(c);
          } else if (c < 32 || c == 127) {
            boolean digitNext = i + 1 < s.length && isDigit(s[i + 1]);
            out.put(digitNext ? String.format("\\%03d", c) : "\\" + c);
          } else {
            out.put(c);
          }
        }
        out.put('"');
      }
      case NUMBER -> {
        if (L.isInteger(arg)) {
          long n = L.toInteger(arg);
          out.put(n == Long.MIN_VALUE ? "0x8000000000000000" : Long.toString(n));
        } else {
          out.put('a'); // hexadecimal floats go through %a, which the firmware's printf lacks
        }
      }
      case NIL, BOOLEAN -> out.put(toLString(vm, L, arg));
      default -> throw Args.argError(arg, "value has no literal form");
    }
  }

  // --- LuatOS extensions ---------------------------------------------------------------------------

  private static int toHex(Vm vm, Lua L) {
    byte[] s = Args.checkBytes(vm, L, 1);
    byte[] sep = Args.optBytes(vm, L, 2, new byte[0]);
    ByteBuf out = new ByteBuf(s.length * (2 + sep.length));
    for (byte b : s) {
      out.put(HEX[(b >> 4) & 0xF]).put(HEX[b & 0xF]).put(sep);
    }
    vm.pushBytes(L, out.array(), 0, out.size());
    L.push((long) s.length * 2); // the firmware counts hex digits only, never the separators
    return 2;
  }

  /** Hex digits pair into bytes; any other character drops a pending half byte and is skipped. */
  static byte[] fromHex(byte[] hex) {
    ByteBuf out = new ByteBuf(hex.length / 2 + 1);
    int pending = -1;
    for (byte b : hex) {
      int v = Character.digit(b & 0xFF, 16);
      if (v < 0 || b < 0) {
        pending = -1;
      } else if (pending < 0) {
        pending = v;
      } else {
        out.put((pending << 4) | v);
        pending = -1;
      }
    }
    return out.toByteArray();
  }

  private static int toValue(Vm vm, Lua L) {
    byte[] s = Args.checkBytes(vm, L, 1);
    byte[] v = new byte[s.length];
    for (int i = 0; i < s.length; i++) {
      int c = s[i] & 0xFF;
      v[i] = (byte) (((c > '9') ? c + 9 : c) & 0x0F);
    }
    vm.pushBytes(L, v);
    L.push(s.length);
    return 2;
  }

  private static int split(Vm vm, Lua L) {
    byte[] s = Args.checkBytes(vm, L, 1);
    byte[] delim = Args.optBytes(vm, L, 2, new byte[0]);
    if (delim.length == 0) delim = new byte[] {','};
    boolean keep = Args.isTrue(L, 3);
    List<byte[]> parts = new ArrayList<>();
    if (s.length > 0) {
      int from = 0;
      for (int i = 0; i + delim.length <= s.length; ) {
        if (java.util.Arrays.equals(s, i, i + delim.length, delim, 0, delim.length)) {
          if (keep || i > from) parts.add(java.util.Arrays.copyOfRange(s, from, i));
          i += delim.length;
          from = i;
        } else {
          i++;
        }
      }
      if (keep || s.length > from) parts.add(java.util.Arrays.copyOfRange(s, from, s.length));
    }
    L.createTable(parts.size(), 0);
    for (int i = 0; i < parts.size(); i++) {
      vm.pushBytes(L, parts.get(i));
      L.rawSetI(-2, i + 1);
    }
    return 1;
  }

  private static int urlEncode(Vm vm, Lua L) {
    byte[] s = Args.checkBytes(vm, L, 1);
    long mode = L.getTop() >= 2 ? Args.checkInteger(L, 2) : 0;
    boolean spaceAsPlus;
    byte[] keep;
    if (mode == -1) {
      spaceAsPlus = Args.checkInteger(L, 3) == 0;
      keep = Args.checkBytes(vm, L, 4);
    } else if (mode == 1) {
      spaceAsPlus = false;
      keep = ".-_".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    } else {
      spaceAsPlus = true;
      keep = ".-*_".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }
    ByteBuf out = new ByteBuf(s.length * 3);
    for (byte b : s) {
      int c = b & 0xFF;
      if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || contains(keep, b)) {
        out.put(c);
      } else if (c == ' ') {
        if (spaceAsPlus) out.put('+');
        else out.put('%').put('2').put('0');
      } else {
        out.put('%').put(HEX[c >> 4]).put(HEX[c & 0xF]);
      }
    }
    vm.pushBytes(L, out.array(), 0, out.size());
    return 1;
  }

  private static boolean contains(byte[] set, byte b) {
    for (byte x : set) if (x == b) return true;
    return false;
  }

  /** mbedTLS-style decoding: invalid input gives an empty string; an unpadded tail is dropped. */
  static byte[] fromBase64(byte[] in) {
    ByteBuf clean = new ByteBuf(in.length);
    int pads = 0;
    for (int i = 0; i < in.length; i++) {
      int c = in[i] & 0xFF;
      if (c == '\r' || c == '\n') continue;
      if (c == ' ') { // spaces only at the end of a line or of the input
        int j = i;
        while (j < in.length && in[j] == ' ') j++;
        if (j < in.length && in[j] != '\n' && in[j] != '\r') return new byte[0];
        i = j - 1;
        continue;
      }
      if (c == '=') {
        if (++pads > 2) return new byte[0];
      } else {
        if (pads > 0 || base64Value(c) < 0) return new byte[0];
      }
      clean.put(c);
    }
    int full = clean.size() / 4 * 4;
    ByteBuf out = new ByteBuf(full / 4 * 3);
    for (int i = 0; i < full; i += 4) {
      int n = 0, eq = 0;
      for (int k = 0; k < 4; k++) {
        int c = clean.at(i + k) & 0xFF;
        if (c == '=') eq++;
        n = (n << 6) | (c == '=' ? 0 : base64Value(c));
      }
      out.put(n >> 16);
      if (eq < 2) out.put(n >> 8);
      if (eq < 1) out.put(n);
    }
    return out.toByteArray();
  }

  private static int base64Value(int c) {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
  }

  private static final byte[] BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  /** Base32 without '=' padding (the Google Authenticator convention the firmware uses). */
  static byte[] toBase32(byte[] in) {
    ByteBuf out = new ByteBuf(in.length * 8 / 5 + 2);
    int buffer = 0, bits = 0;
    for (byte b : in) {
      buffer = (buffer << 8) | (b & 0xFF);
      bits += 8;
      while (bits >= 5) {
        out.put(BASE32[(buffer >> (bits - 5)) & 31]);
        bits -= 5;
      }
    }
    if (bits > 0) out.put(BASE32[(buffer << (5 - bits)) & 31]);
    return out.toByteArray();
  }

  static byte[] fromBase32(byte[] in) {
    ByteBuf out = new ByteBuf(in.length * 5 / 8 + 1);
    int buffer = 0, bits = 0;
    for (byte b : in) {
      int c = b & 0xFF;
      if (c == 0) break;
      if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '-') continue;
      if (c == '0') c = 'O';
      else if (c == '1') c = 'L';
      else if (c == '8') c = 'B';
      int v;
      if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')) v = (c & 0x1F) - 1;
      else if (c >= '2' && c <= '7') v = c - '2' + 26;
      else return new byte[0];
      buffer = (buffer << 5) | v;
      bits += 5;
      if (bits >= 8) {
        out.put(buffer >> (bits - 8));
        bits -= 8;
      }
    }
    return out.toByteArray();
  }

  private static int trim(Vm vm, Lua L) {
    byte[] s = Args.checkBytes(vm, L, 1);
    boolean left = !(L.getTop() >= 2 && L.isBoolean(2)) || L.toBoolean(2);
    boolean right = !(L.getTop() >= 3 && L.isBoolean(3)) || L.toBoolean(3);
    int from = 0, to = s.length;
    if (left) while (from < to && isSpace(s[from])) from++;
    if (right) while (to > from && isSpace(s[to - 1])) to--;
    vm.pushBytes(L, s, from, to - from);
    return 1;
  }

  private static boolean isSpace(byte b) {
    return b == ' ' || b == '\t' || b == '\n' || b == '\r';
  }
}
