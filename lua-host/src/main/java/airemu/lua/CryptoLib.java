package airemu.lua;

import airemu.netif.TlsSuites;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import party.iroiro.luajava.Lua;

/**
 * {@code crypto}: the firmware's digests, HMACs, ciphers, CRCs and friends
 * ({@code components/crypto/luat_lib_crypto.c} over mbedtls 2.28 as the EC7xx builds configure it).
 *
 * <p>Error contract, as on the module: a wrong argument type raises the usual
 * {@code bad argument #n to 'fn' (...)}; a failure inside the library returns no value at all
 * (so the caller sees nil), sometimes with a line in the log ({@code E/crypto ...}); digests are
 * upper-case hex strings, ciphers and random bytes are raw strings, CRCs are integers.
 *
 * <pre>{@code
 * crypto.hmac_sha256("data", "key")                                      -- 64 hex digits
 * crypto.cipher_encrypt("AES-128-CBC", "PKCS7", data, key16, iv16)       -- raw bytes
 * crypto.crc16("MODBUS", "123456789")                                    -- 0x4B37
 * }</pre>
 */
final class CryptoLib {
  /** The userdata type of {@code hash_init} streams (its metatable name, as {@code tostring} shows). */
  static final String STREAM_TYPE = "crypto";


  /** The named CRC-16 models {@code crc16} and {@code crc_file} accept. */
  private record Crc16Model(String name, int poly, int init, int xorOut, boolean refIn, boolean refOut) {}

  private static final List<Crc16Model> CRC16_MODELS = List.of(
      new Crc16Model("IBM", 0x8005, 0x0000, 0x0000, true, false),
      new Crc16Model("MAXIM", 0x8005, 0x0000, 0xFFFF, true, false),
      new Crc16Model("USB", 0x8005, 0xFFFF, 0xFFFF, true, false),
      new Crc16Model("MODBUS", 0x8005, 0xFFFF, 0x0000, true, false),
      new Crc16Model("CCITT", 0x1021, 0x0000, 0x0000, true, false),
      new Crc16Model("CCITT-FALSE", 0x1021, 0xFFFF, 0x0000, false, false),
      new Crc16Model("X25", 0x1021, 0xFFFF, 0xFFFF, true, false),
      new Crc16Model("XMODEM", 0x1021, 0x0000, 0x0000, false, false),
      new Crc16Model("DNP", 0x3D65, 0x0000, 0xFFFF, true, false),
      new Crc16Model("USER-DEFINED", 0x0000, 0x0000, 0x0000, false, false));

  private static final Crc16Model NO_MODEL = new Crc16Model("", 0, 0, 0, false, false);
  private static final byte[] HEX = "0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] NONE = new byte[0];
  /** What mbedtls returns when a finished stream is finished again (MBEDTLS_ERR_MD_BAD_INPUT_DATA). */
  private static final int MD_BAD_INPUT_DATA = -0x5100;
  private static final SecureRandom TRNG = new SecureRandom();

  private CryptoLib() {}

  static void install(LuaFirmware fw, Lua L) {
    Vm vm = fw.vm();
    vm.natives().luaL_newmetatable(L.getPointer(), STREAM_TYPE);
    vm.setFunction(L, -1, "__gc", l -> {
      vm.forgetUserdata(vm.natives().lua_touserdata(l.getPointer(), 1));
      return 0;
    });
    L.pop(1);

    L.newTable();
    digest(vm, L, "md5", Md.MD5);
    digest(vm, L, "sha1", Md.SHA1);
    digest(vm, L, "sha256", Md.SHA256);
    digest(vm, L, "sha512", Md.SHA512);
    hmac(vm, L, "hmac_md5", Md.MD5);
    hmac(vm, L, "hmac_sha1", Md.SHA1);
    hmac(vm, L, "hmac_sha256", Md.SHA256);
    hmac(vm, L, "hmac_sha512", Md.SHA512);
    vm.setFunction(L, -1, "cipher", l -> cipher(fw, l, true, "cipher"));
    vm.setFunction(L, -1, "cipher_encrypt", l -> cipher(fw, l, true, "cipher_encrypt"));
    vm.setFunction(L, -1, "cipher_decrypt", l -> cipher(fw, l, false, "cipher_decrypt"));
    vm.setFunction(L, -1, "cipher_list", l -> pushList(vm, l, MbedCipher.CIPHERS.stream().map(MbedCipher.Info::name).toList()));
    // mbedtls_ssl_list_ciphersuites(): what the socket library's TLS client really offers, mbedtls's names
    vm.setFunction(L, -1, "cipher_suites", l -> pushList(vm, l, TlsSuites.names()));
    vm.setFunction(L, -1, "crc16", l -> crc16(vm, l));
    vm.setFunction(L, -1, "crc16_modbus", l -> {
      l.push((long) Crc.crc16Modbus(Args.checkBytes(vm, l, 1)));
      return 1;
    });
    vm.setFunction(L, -1, "crc32", l -> {
      byte[] data = Args.checkBytes(vm, l, 1);
      long start = Args.optInteger(l, 2, 0xFFFFFFFFL);
      long poly = Args.optInteger(l, 3, 0x04C11DB7L);
      long end = Args.optInteger(l, 4, 0xFFFFFFFFL);
      l.push((Crc.crc32(data, 0, data.length, start, poly) ^ end) & 0xFFFFFFFFL);
      return 1;
    });
    vm.setFunction(L, -1, "crc8", l -> crc8(vm, l));
    vm.setFunction(L, -1, "crc7", l -> {
      byte[] data = Args.checkBytes(vm, l, 1);
      int poly = (int) Args.optInteger(l, 2, 0xE5) & 0xFF;
      int start = (int) Args.optInteger(l, 3, 0) & 0xFF;
      l.push((long) Crc.crc7(data, poly, start));
      return 1;
    });
    vm.setFunction(L, -1, "trng", l -> trng(vm, l));
    vm.setFunction(L, -1, "totp", l -> totp(fw, l));
    vm.setFunction(L, -1, "base64_encode", l -> {
      vm.pushBytes(l, Base64.getEncoder().encode(Args.checkBytes(vm, l, 1)));
      return 1;
    });
    vm.setFunction(L, -1, "base64_decode", l -> {
      vm.pushBytes(l, StringLib.fromBase64(Args.checkBytes(vm, l, 1)));
      return 1;
    });
    vm.setFunction(L, -1, "md_file", l -> mdFile(fw, l));
    vm.setFunction(L, -1, "md", l -> md(fw, l));
    vm.setFunction(L, -1, "checksum", l -> {
      byte[] data = Args.checkBytes(vm, l, 1);
      int mode = (int) Args.optInteger(l, 2, 0);
      l.push((long) Crc.checksum(data, mode == 1));
      return 1;
    });
    vm.setFunction(L, -1, "hash_init", l -> hashInit(vm, l));
    vm.setFunction(L, -1, "hash_update", l -> {
      Md.Stream s = checkStream(vm, l, 1, "hash_update");
      byte[] data = Args.checkBytes(vm, l, 2);
      s.update(data, 0, data.length);
      return 0;
    });
    vm.setFunction(L, -1, "hash_finish", l -> {
      byte[] out = checkStream(vm, l, 1, "hash_finish").finish();
      if (out == null) {
        fw.clog('I', "crypto", "md finish ret " + MD_BAD_INPUT_DATA);
        return 0;
      }
      vm.pushBytes(l, hex(out));
      return 1;
    });
    vm.setFunction(L, -1, "crc_file", l -> crcFile(fw, l));
    L.setGlobal("crypto");
  }

  // --- digests -------------------------------------------------------------------------------------

  private static void digest(Vm vm, Lua L, String fn, Md md) {
    vm.setFunction(L, -1, fn, l -> {
      vm.pushBytes(l, hex(md.digest(Args.checkBytes(vm, l, 1), NONE)));
      return 1;
    });
  }

  /** An empty key gives the plain digest: the firmware hands it to mbedtls as "no key". */
  private static void hmac(Vm vm, Lua L, String fn, Md md) {
    vm.setFunction(L, -1, fn, l -> {
      byte[] data = Args.checkBytes(vm, l, 1);
      byte[] key = Args.checkBytes(vm, l, 2);
      vm.pushBytes(l, hex(md.digest(data, key)));
      return 1;
    });
  }

  private static int md(LuaFirmware fw, Lua l) {
    Vm vm = fw.vm();
    String name = cString(Args.checkBytes(vm, l, 1));
    byte[] data = Args.checkBytes(vm, l, 2);
    byte[] key = optKey(vm, l, 3);
    Md md = Md.byName(name);
    if (md == null) {
      fw.clog('W', "crypto", "no such message digest " + name);
      fw.clog('E', "crypto", "luat_crypto_md return -1");
      return 0;
    }
    vm.pushBytes(l, hex(md.digest(data, key)));
    return 1;
  }

  private static int mdFile(LuaFirmware fw, Lua l) {
    Vm vm = fw.vm();
    String name = cString(Args.checkBytes(vm, l, 1));
    byte[] path = Args.checkBytes(vm, l, 2);
    if (path.length < 2) return 0;
    byte[] key = optKey(vm, l, 3);
    Md md = Md.byName(name);
    if (md == null) {
      fw.clog('I', "crypto", "no such message digest " + name);
      return 0;
    }
    byte[] content = readFile(fw, cString(path));
    if (content == null) return 0;
    vm.pushBytes(l, hex(md.digest(content, key)));
    return 1;
  }

  private static int hashInit(Vm vm, Lua l) {
    String name = cString(Args.checkBytes(vm, l, 1));
    byte[] key = optKey(vm, l, 2);
    Md md = Md.byName(name);
    if (md == null) return 0;
    vm.pushUserdata(l, STREAM_TYPE, md.start(key));
    return 1;
  }

  /** {@code luaL_checkudata(L, arg, "crypto")}. */
  private static Md.Stream checkStream(Vm vm, Lua l, int arg, String fn) {
    if (arg <= l.getTop() && l.type(arg) == Lua.LuaType.USERDATA) {
      Md.Stream s = vm.userdata(l, arg, Md.Stream.class);
      if (s != null) return s;
    }
    throw Args.typeError(l, arg, STREAM_TYPE);
  }

  /** An HMAC key is taken only from an actual string argument (numbers do not count). */
  private static byte[] optKey(Vm vm, Lua l, int arg) {
    return arg <= l.getTop() && l.type(arg) == Lua.LuaType.STRING ? vm.toBytes(l, arg) : NONE;
  }

  // --- ciphers -------------------------------------------------------------------------------------

  private static int cipher(LuaFirmware fw, Lua l, boolean encrypt, String fn) {
    Vm vm = fw.vm();
    String cipher = cString(Args.optBytes(vm, l, 1, ascii("AES-128-ECB")));
    String pad = cString(Args.optBytes(vm, l, 2, ascii("PKCS7")));
    byte[] data = Args.checkBytes(vm, l, 3);
    byte[] key = Args.checkBytes(vm, l, 4);
    byte[] iv = Args.optBytes(vm, l, 5, NONE);
    MbedCipher.Result r = MbedCipher.run(cipher, pad, data, key, iv, encrypt, msg -> fw.clog('E', "crypto", msg));
    if (r == null) return 0;
    vm.pushBytes(l, r.out());
    if (r.tag() == null) return 1;
    vm.pushBytes(l, r.tag());
    return 2;
  }

  // --- CRCs ----------------------------------------------------------------------------------------

  private static int crc16(Vm vm, Lua l) {
    String method = cString(Args.checkBytes(vm, l, 1));
    byte[] data = toLString(vm, l, 2, "crc16");
    Crc16Model m = CRC16_MODELS.stream().filter(x -> x.name.equals(method)).findFirst().orElse(NO_MODEL);
    int crc = crc16(l, "crc16", data, m);
    l.push((long) crc);
    return 1;
  }

  /** The model's parameters, each overridable by arguments 3 to 7 (numbers cast as C casts them). */
  private static int crc16(Lua l, String fn, byte[] data, Crc16Model m) {
    int poly = (int) optNumberAsC(l, 3, fn, m.poly) & 0xFFFF;
    int init = (int) optNumberAsC(l, 4, fn, m.init) & 0xFFFF;
    int xorOut = (int) optNumberAsC(l, 5, fn, m.xorOut) & 0xFFFF;
    boolean refIn = (optNumberAsC(l, 6, fn, m.refIn ? 1 : 0) & 0xFF) != 0;
    boolean refOut = (optNumberAsC(l, 7, fn, m.refOut ? 1 : 0) & 0xFF) != 0;
    int crc = Crc.crc16(data, 0, data.length, init, xorOut, poly, refIn);
    return refOut ? Crc.reverse16(crc) : crc;
  }

  /** With no integer polynomial, CRC-8 with polynomial 0x07 from zero, whatever else is given. */
  private static int crc8(Vm vm, Lua l) {
    byte[] data = Args.checkBytes(vm, l, 1);
    int crc;
    if (l.getTop() >= 2 && l.isInteger(2)) {
      int poly = (int) l.toInteger(2) & 0xFF;
      int start = (int) Args.optInteger(l, 3, 0) & 0xFF;
      boolean reflected = l.getTop() >= 4 && l.isBoolean(4) && l.toBoolean(4);
      crc = Crc.crc8(data, 0, data.length, start, poly, reflected);
    } else {
      crc = Crc.crc8(data, 0, data.length, 0x00, 0x07, false);
    }
    l.push((long) crc);
    return 1;
  }

  /** {@code crc_file}: "crc32", "crc8", "crc16_modbus" (any of them also in capitals) or a CRC-16 model. */
  private static int crcFile(LuaFirmware fw, Lua l) {
    Vm vm = fw.vm();
    String mode = cString(Args.checkBytes(vm, l, 1));
    byte[] path = Args.checkBytes(vm, l, 2);
    if (path.length < 2) return 0;
    byte[] data = readFile(fw, cString(path));
    if (data == null) return 0;
    long result;
    if (mode.equals("crc32") || mode.equals("CRC32")) {
      long start = Args.optInteger(l, 3, 0xFFFFFFFFL);
      long poly = Args.optInteger(l, 4, 0x04C11DB7L);
      long end = Args.optInteger(l, 5, 0xFFFFFFFFL);
      result = (Crc.crc32(data, 0, data.length, start, poly) ^ end) & 0xFFFFFFFFL;
    } else if (mode.equals("crc8") || mode.equals("CRC8")) {
      int start = (int) Args.optInteger(l, 3, 0) & 0xFF;
      int poly = (int) Args.optInteger(l, 4, 0x07) & 0xFF;
      boolean reflected = (Args.optInteger(l, 5, 0) & 0xFF) != 0;
      result = Crc.crc8(data, 0, data.length, start, poly, reflected);
    } else {
      String model = mode.equals("crc16_modbus") || mode.equals("CRC16_MODBUS") ? "MODBUS" : mode;
      Crc16Model m = CRC16_MODELS.stream().filter(x -> x.name.equals(model)).findFirst().orElse(NO_MODEL);
      result = crc16(l, "crc_file", data, m);
    }
    l.push(result);
    return 1;
  }

  // --- the rest ------------------------------------------------------------------------------------

  /** At most 128 bytes; zero gives nothing; a negative length, being a huge size_t, gives 128. */
  private static int trng(Vm vm, Lua l) {
    long n = Args.checkInteger(l, 1);
    if (n == 0) return 0;
    byte[] b = new byte[n < 0 || n > 128 ? 128 : (int) n];
    TRNG.nextBytes(b);
    vm.pushBytes(l, b);
    return 1;
  }

  /**
   * RFC 6238 with HMAC-SHA1, 30-second steps and six digits, returned as an integer. The time is the
   * integer second argument, or the device clock.
   */
  private static int totp(LuaFirmware fw, Lua l) {
    byte[] secret = decodeBase32(Args.checkBytes(fw.vm(), l, 1));
    if (secret == null) return 0; // the firmware would read past its buffer; nothing sensible to return
    long seconds = l.getTop() >= 2 && l.isInteger(2) ? l.toInteger(2) : Math.floorDiv(fw.wallMillis(), 1000);
    long step = Long.divideUnsigned(seconds, 30);
    byte[] counter = new byte[8];
    for (int i = 0; i < 8; i++) counter[i] = (byte) (step >>> (56 - 8 * i));
    byte[] h = Md.SHA1.digest(counter, secret);
    int o = h[19] & 0x0F;
    long code = ((h[o] & 0x7FL) << 24 | (h[o + 1] & 0xFFL) << 16 | (h[o + 2] & 0xFFL) << 8 | (h[o + 3] & 0xFFL)) % 1_000_000;
    l.push(code);
    return 1;
  }

  /**
   * The firmware's base32 decoder (RFC 4648 alphabet, either case, blanks and '-' skipped, 0/1/8 read
   * as O/L/B, stops at a NUL), or null on any other character.
   */
  static byte[] decodeBase32(byte[] in) {
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
      else return null;
      buffer = (buffer << 5) | v;
      bits += 5;
      if (bits >= 8) {
        out.put(buffer >> (bits - 8));
        bits -= 8;
      }
    }
    return out.toByteArray();
  }

  // --- helpers -------------------------------------------------------------------------------------

  private static int pushList(Vm vm, Lua l, List<String> names) {
    l.createTable(names.size(), 0);
    for (int i = 0; i < names.size(); i++) {
      vm.pushString(l, names.get(i));
      l.rawSetI(-2, i + 1);
    }
    return 1;
  }

  /** The file's bytes, or null after logging, as {@code luat_fs_fopen} failing does. */
  private static byte[] readFile(LuaFirmware fw, String path) {
    byte[] data = fw.fs().read(path);
    if (data == null) fw.clog('I', "crypto", "no such file " + path);
    return data;
  }

  /**
   * {@code lua_tolstring}: a string, a number in its string form, and for anything else no data
   * (a userdata must be a zbuff; zbuff is not bound yet, so every userdata is refused).
   */
  private static byte[] toLString(Vm vm, Lua l, int arg, String fn) {
    if (arg > l.getTop()) return NONE;
    return switch (l.type(arg)) {
      case STRING -> vm.toBytes(l, arg);
      case NUMBER -> Vm.numberToString(l, arg).getBytes(StandardCharsets.US_ASCII);
      case USERDATA, LIGHTUSERDATA -> throw Args.typeError(l, arg, "ZBUFF*");
      default -> NONE;
    };
  }

  /** {@code (uintN_t) luaL_optnumber(...)}: truncated toward zero, then the caller masks. */
  private static long optNumberAsC(Lua l, int arg, String fn, long def) {
    return Args.isNoneOrNil(l, arg) ? def : (long) Args.checkNumber(l, arg);
  }

  /** A Lua string as C sees it: up to the first NUL. */
  private static String cString(byte[] b) {
    int n = 0;
    while (n < b.length && b[n] != 0) n++;
    return new String(b, 0, n, StandardCharsets.UTF_8);
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  /** Upper-case hex, as {@code luat_str_tohex} writes it. */
  static byte[] hex(byte[] b) {
    byte[] out = new byte[b.length * 2];
    for (int i = 0; i < b.length; i++) {
      out[2 * i] = HEX[(b[i] >> 4) & 0xF];
      out[2 * i + 1] = HEX[b[i] & 0xF];
    }
    return out;
  }
}
