package airemu.lua;

import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;

/**
 * The firmware's one-shot symmetric cipher ({@code luat_crypto_cipher_xxx} in
 * {@code components/crypto/luat_crypto_mbedtls.c}) over the generic cipher layer of mbedtls 2.28 as
 * the EC7xx builds configure it (AES and DES; ECB, CBC, CTR, GCM and CCM), reproduced with its quirks
 * because scripts depend on the exact bytes:
 *
 * <ul>
 *   <li>the data is fed in block-sized pieces; the first failing piece stops the run and what was
 *       produced before it is still returned (an error line goes to the log);
 *   <li>a bad cipher name, key length or IV returns nothing at all;
 *   <li>ECB pads by hand on encryption (PKCS7, ZERO, ZEROS_AND_LEN, ONE_AND_ZEROS) and always adds a
 *       block (16 bytes of ZERO padding after 16 bytes of data), and unpads by hand on decryption
 *       (PKCS7 strictly, the other two leniently, ZERO not at all);
 *   <li>CBC pads in mbedtls: "ZERO" and "ZEROS" are zero padding, unknown names mean no padding;
 *   <li>GCM with an IV authenticates the fixed data "1234567890123456"; encryption also returns
 *       the 16-byte tag; decryption checks no tag; GCM without an IV runs on a context never started;
 *   <li>CCM is listed but the cipher layer cannot run it: the result is empty.
 * </ul>
 *
 * <pre>{@code
 * MbedCipher.run("AES-128-CBC", "PKCS7", data, key, iv, true, log::error).out()
 * }</pre>
 */
final class MbedCipher {
  /** mbedtls error codes, negated, as the firmware prints them. */
  static final int FEATURE_UNAVAILABLE = 0x6080, BAD_INPUT_DATA = 0x6100, INVALID_PADDING = 0x6200,
      FULL_BLOCK_EXPECTED = 0x6280;

  /** The data GCM authenticates whenever an IV is given (hard-coded in the firmware). */
  static final byte[] GCM_AAD = "1234567890123456".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  enum Mode { ECB, CBC, CTR, GCM, CCM }

  /** One entry of {@code mbedtls_cipher_definitions}. */
  record Info(String name, String algorithm, int keyBits, Mode mode, int ivSize, boolean variableIv, int blockSize) {}

  /** The ciphers of the EC7xx build, in {@code mbedtls_cipher_list()} order. */
  static final List<Info> CIPHERS = List.of(
      aes(128, Mode.ECB), aes(192, Mode.ECB), aes(256, Mode.ECB),
      aes(128, Mode.CBC), aes(192, Mode.CBC), aes(256, Mode.CBC),
      aes(128, Mode.CTR), aes(192, Mode.CTR), aes(256, Mode.CTR),
      aes(128, Mode.GCM), aes(192, Mode.GCM), aes(256, Mode.GCM),
      aes(128, Mode.CCM), aes(192, Mode.CCM), aes(256, Mode.CCM),
      new Info("DES-ECB", "DES", 64, Mode.ECB, 0, false, 8),
      new Info("DES-EDE-ECB", "DESede", 128, Mode.ECB, 0, false, 8),
      new Info("DES-EDE3-ECB", "DESede", 192, Mode.ECB, 0, false, 8),
      new Info("DES-CBC", "DES", 64, Mode.CBC, 8, false, 8),
      new Info("DES-EDE-CBC", "DESede", 128, Mode.CBC, 8, false, 8),
      new Info("DES-EDE3-CBC", "DESede", 192, Mode.CBC, 8, false, 8));

  /** What one call gives Lua: {@code out} null means no values; {@code tag} is set for GCM encryption. */
  record Result(byte[] out, byte[] tag) {}

  private MbedCipher() {}

  /**
   * Runs the firmware's cipher routine. {@code cipher} and {@code pad} are compared as C strings;
   * {@code logError} receives the lines the firmware logs at error level (tag "crypto").
   */
  static Result run(String cipher, String pad, byte[] data, byte[] key, byte[] iv, boolean encrypt,
      Consumer<String> logError) {
    Info info = CIPHERS.stream().filter(c -> c.name.equals(cipher)).findFirst().orElse(null);
    if (info == null) {
      logError.accept("mbedtls_cipher_info fail " + cipher + " not support");
      return null;
    }
    if ((long) key.length * 8 != info.keyBits) {
      logError.accept(String.format("mbedtls_cipher_setkey fail -0x%04x %s", BAD_INPUT_DATA, cipher));
      return null;
    }
    Block block = new Block(info.algorithm, key);
    byte[] ivState = new byte[16]; // mbedtls_cipher_init zeroes it: no IV means an all-zero IV
    Gcm gcm = info.mode == Mode.GCM ? new Gcm(block) : null;
    if (iv.length > 0) {
      if (iv.length > 16) {
        logError.accept(String.format("mbedtls_cipher_set_iv fail -0x%04x %s", FEATURE_UNAVAILABLE, cipher));
        return null;
      }
      int actual = info.variableIv ? iv.length : info.ivSize;
      if (actual > iv.length) {
        logError.accept(String.format("mbedtls_cipher_set_iv fail -0x%04x %s", BAD_INPUT_DATA, cipher));
        return null;
      }
      System.arraycopy(iv, 0, ivState, 0, actual);
      if (gcm != null) gcm.start(encrypt, Arrays.copyOf(iv, actual), GCM_AAD);
    }
    Padding padding = switch (pad) {
      case "PKCS7" -> Padding.PKCS7;
      case "ZERO", "ZEROS" -> Padding.ZEROS;
      case "ONE_AND_ZEROS" -> Padding.ONE_AND_ZEROS;
      case "ZEROS_AND_LEN" -> Padding.ZEROS_AND_LEN;
      default -> Padding.NONE;
    };
    int bs = info.blockSize;
    boolean ecb = info.mode == Mode.ECB;
    boolean handPadded = List.of("PKCS7", "ZERO", "ZEROS_AND_LEN", "ONE_AND_ZEROS").contains(pad);
    boolean handUnpadded = List.of("PKCS7", "ZEROS_AND_LEN", "ONE_AND_ZEROS").contains(pad);
    byte[] in = ecb && encrypt && handPadded ? padByHand(data, bs, pad) : data;
    Engine engine = switch (info.mode) {
      case ECB -> new Ecb(block, encrypt);
      case CBC -> new Cbc(block, encrypt, padding, ivState, info.ivSize);
      case CTR -> new Ctr(block, ivState);
      case GCM -> gcm::update;
      case CCM -> new Engine() {
        @Override
        public byte[] update(byte[] b, int off, int len) throws Fail {
          throw new Fail(FEATURE_UNAVAILABLE);
        }

        @Override
        public byte[] finish() throws Fail {
          throw new Fail(FEATURE_UNAVAILABLE);
        }
      };
    };
    ByteBuf out = new ByteBuf(in.length + 32);
    for (int i = 0; i < in.length; i += bs) {
      int n = Math.min(bs, in.length - i);
      boolean lastPiece = in.length - i <= bs;
      byte[] piece;
      try {
        piece = engine.update(in, i, n);
      } catch (Fail f) {
        logError.accept(String.format("mbedtls_cipher_update fail 0x%04X %s", f.code, cipher));
        return new Result(out.toByteArray(), null);
      }
      if (lastPiece && ecb && !encrypt && handUnpadded) {
        int keep = unpadByHand(piece, pad);
        if (keep < 0) {
          logError.accept(String.format("get_pkcs_padding fail 0x%04X %s", INVALID_PADDING, cipher));
          return new Result(out.toByteArray(), null);
        }
        piece = Arrays.copyOf(piece, keep);
      }
      out.put(piece);
    }
    try {
      out.put(engine.finish());
    } catch (Fail f) {
      logError.accept(String.format("mbedtls_cipher_finish fail 0x%04X %s", f.code, cipher));
      return new Result(out.toByteArray(), null);
    }
    return new Result(out.toByteArray(), gcm != null && encrypt ? gcm.tag() : null);
  }

  // --- the firmware's own ECB padding -------------------------------------------------------------

  /** Always one more block than whole blocks of data, as the firmware allocates it. */
  private static byte[] padByHand(byte[] data, int bs, String pad) {
    int newLen = (data.length / bs + 1) * bs;
    byte[] t = Arrays.copyOf(data, newLen);
    int padLen = newLen - data.length;
    switch (pad) {
      case "PKCS7" -> Arrays.fill(t, data.length, newLen, (byte) padLen);
      case "ZEROS_AND_LEN" -> t[newLen - 1] = (byte) padLen;
      case "ONE_AND_ZEROS" -> t[data.length] = (byte) 0x80;
      default -> { } // ZERO: the zeros are already there
    }
    return t;
  }

  /** How many bytes of the last decrypted ECB block to keep, or -1 for bad PKCS7 padding. */
  private static int unpadByHand(byte[] b, String pad) {
    int n = b.length;
    switch (pad) {
      case "PKCS7" -> {
        return Padding.pkcs7Length(b);
      }
      case "ZEROS_AND_LEN" -> {
        int p = b[n - 1] & 0xFF;
        return p > 0 && p <= n ? n - p : n;
      }
      default -> { // ONE_AND_ZEROS: strip only when the last non-zero byte is 0x80
        int j = n;
        while (j > 0 && b[j - 1] == 0) j--;
        return j > 0 && (b[j - 1] & 0xFF) == 0x80 ? j - 1 : n;
      }
    }
  }

  // --- mbedtls 2.28 cipher layer ------------------------------------------------------------------

  /** An mbedtls error, by its negated code. */
  static final class Fail extends Exception {
    Fail(int code) {
      super(null, null, false, false);
      this.code = code;
    }

    final int code;
  }

  /** One {@code mbedtls_cipher_update} per piece, then {@code mbedtls_cipher_finish}. */
  private interface Engine {
    byte[] update(byte[] b, int off, int len) throws Fail;

    default byte[] finish() throws Fail {
      return new byte[0];
    }
  }

  /** The padding modes of mbedtls's CBC. */
  enum Padding {
    PKCS7, ZEROS, ONE_AND_ZEROS, ZEROS_AND_LEN, NONE;

    /** Fills {@code block} after {@code dataLen} bytes. */
    void add(byte[] block, int dataLen) {
      int n = block.length;
      switch (this) {
        case PKCS7 -> Arrays.fill(block, dataLen, n, (byte) (n - dataLen));
        case ZEROS -> Arrays.fill(block, dataLen, n, (byte) 0);
        case ONE_AND_ZEROS -> {
          block[dataLen] = (byte) 0x80;
          Arrays.fill(block, dataLen + 1, n, (byte) 0);
        }
        case ZEROS_AND_LEN -> {
          Arrays.fill(block, dataLen, n - 1, (byte) 0);
          block[n - 1] = (byte) (n - dataLen);
        }
        default -> throw new IllegalStateException("no padding to add");
      }
    }

    /** The data length of the padded {@code block}. */
    int strip(byte[] block) throws Fail {
      int n = block.length;
      switch (this) {
        case PKCS7 -> {
          int len = pkcs7Length(block);
          if (len < 0) throw new Fail(INVALID_PADDING);
          return len;
        }
        case ZEROS -> { // never fails: an all-zero block is all padding
          int j = n;
          while (j > 0 && block[j - 1] == 0) j--;
          return j;
        }
        case ONE_AND_ZEROS -> {
          int j = n;
          while (j > 0 && block[j - 1] == 0) j--;
          if (j == 0 || (block[j - 1] & 0xFF) != 0x80) throw new Fail(INVALID_PADDING);
          return j - 1;
        }
        case ZEROS_AND_LEN -> {
          int p = block[n - 1] & 0xFF;
          if (p == 0 || p > n) throw new Fail(INVALID_PADDING);
          for (int i = n - p; i < n - 1; i++) if (block[i] != 0) throw new Fail(INVALID_PADDING);
          return n - p;
        }
        default -> {
          return n;
        }
      }
    }

    /** PKCS7's data length, or -1 when the padding is bad (zero, too long, or unequal bytes). */
    static int pkcs7Length(byte[] b) {
      int n = b.length;
      int p = b[n - 1] & 0xFF;
      if (p == 0 || p > n) return -1;
      for (int i = n - p; i < n; i++) if ((b[i] & 0xFF) != p) return -1;
      return n - p;
    }
  }

  private static final class Ecb implements Engine {
    Ecb(Block block, boolean encrypt) {
      this.block = block;
      this.encrypt = encrypt;
    }

    @Override
    public byte[] update(byte[] b, int off, int len) throws Fail {
      if (len != block.size) throw new Fail(FULL_BLOCK_EXPECTED);
      byte[] out = new byte[len];
      block.crypt(encrypt, b, off, out, 0);
      return out;
    }

    private final Block block;
    private final boolean encrypt;
  }

  /**
   * CBC with mbedtls's caching: encryption keeps back a partial block, decryption with padding always
   * keeps back the last whole block; {@link #finish} pads or unpads it.
   */
  private static final class Cbc implements Engine {
    Cbc(Block block, boolean encrypt, Padding padding, byte[] iv, int ivSize) {
      this.block = block;
      this.encrypt = encrypt;
      this.padding = padding;
      this.iv = Arrays.copyOf(iv, block.size);
      this.unprocessed = new byte[block.size];
      this.padBlock = ivSize; // mbedtls pads to the IV size, which is the block size here
    }

    @Override
    public byte[] update(byte[] b, int off, int len) {
      int bs = block.size;
      boolean keepWhole = !encrypt && padding != Padding.NONE;
      if (keepWhole ? len <= bs - cached : len < bs - cached) {
        System.arraycopy(b, off, unprocessed, cached, len);
        cached += len;
        return new byte[0];
      }
      ByteBuf out = new ByteBuf(len + bs);
      if (cached != 0) {
        int copy = bs - cached;
        System.arraycopy(b, off, unprocessed, cached, copy);
        out.put(chain(unprocessed, 0));
        cached = 0;
        off += copy;
        len -= copy;
      }
      if (len != 0) {
        int copy = len % bs;
        if (copy == 0 && keepWhole) copy = bs;
        System.arraycopy(b, off + len - copy, unprocessed, 0, copy);
        cached = copy;
        len -= copy;
      }
      for (int i = 0; i < len; i += bs) out.put(chain(b, off + i));
      return out.toByteArray();
    }

    @Override
    public byte[] finish() throws Fail {
      int bs = block.size;
      if (encrypt) {
        if (padding == Padding.NONE) {
          if (cached != 0) throw new Fail(FULL_BLOCK_EXPECTED);
          return new byte[0];
        }
        byte[] last = Arrays.copyOf(unprocessed, padBlock);
        padding.add(last, cached);
        return chain(last, 0);
      }
      if (cached != bs) {
        if (padding == Padding.NONE && cached == 0) return new byte[0];
        throw new Fail(FULL_BLOCK_EXPECTED);
      }
      byte[] plain = chain(unprocessed, 0);
      return Arrays.copyOf(plain, padding.strip(plain));
    }

    /** One CBC step on the block at {@code b[off]}. */
    private byte[] chain(byte[] b, int off) {
      int bs = block.size;
      byte[] out = new byte[bs];
      if (encrypt) {
        byte[] x = new byte[bs];
        for (int i = 0; i < bs; i++) x[i] = (byte) (b[off + i] ^ iv[i]);
        block.crypt(true, x, 0, out, 0);
        System.arraycopy(out, 0, iv, 0, bs);
      } else {
        byte[] c = Arrays.copyOfRange(b, off, off + bs);
        block.crypt(false, c, 0, out, 0);
        for (int i = 0; i < bs; i++) out[i] ^= iv[i];
        System.arraycopy(c, 0, iv, 0, bs);
      }
      return out;
    }

    private final Block block;
    private final boolean encrypt;
    private final Padding padding;
    private final byte[] iv; // chaining value
    private final byte[] unprocessed; // bytes kept back for the next update or finish
    private final int padBlock;
    private int cached; // valid bytes in unprocessed
  }

  /** CTR with a 128-bit big-endian counter, continuing across pieces. */
  private static final class Ctr implements Engine {
    Ctr(Block block, byte[] iv) {
      this.block = block;
      this.counter = Arrays.copyOf(iv, 16);
    }

    @Override
    public byte[] update(byte[] b, int off, int len) {
      byte[] out = new byte[len];
      for (int i = 0; i < len; i++) {
        if (used == 0) {
          block.crypt(true, counter, 0, stream, 0);
          for (int k = 15; k >= 0 && ++counter[k] == 0; k--) {
            // carry
          }
        }
        out[i] = (byte) (b[off + i] ^ stream[used]);
        used = (used + 1) & 15;
      }
      return out;
    }

    private final Block block;
    private final byte[] counter;
    private final byte[] stream = new byte[16];
    private int used; // bytes of stream consumed
  }

  /**
   * GCM as mbedtls 2.28 computes it, including a context that was never started (zero counter,
   * "decrypt" hashing of the input, zero base mask) when the firmware gets no IV.
   */
  static final class Gcm {
    Gcm(Block block) {
      this.block = block;
      byte[] h = new byte[16];
      block.crypt(true, new byte[16], 0, h, 0);
      hHi = be64(h, 0);
      hLo = be64(h, 8);
    }

    /** {@code mbedtls_gcm_starts}: the counter from the IV, the base mask, and the additional data hashed. */
    void start(boolean encrypt, byte[] iv, byte[] aad) {
      this.encrypt = encrypt;
      Arrays.fill(y, (byte) 0);
      Arrays.fill(buf, (byte) 0);
      len = 0;
      if (iv.length == 12) {
        System.arraycopy(iv, 0, y, 0, 12);
        y[15] = 1;
      } else {
        for (int p = 0; p < iv.length; p += 16) {
          for (int i = 0; i < Math.min(16, iv.length - p); i++) y[i] ^= iv[p + i];
          mult(y);
        }
        long bits = (long) iv.length * 8;
        for (int i = 0; i < 8; i++) y[8 + i] ^= (byte) (bits >>> (56 - 8 * i));
        mult(y);
      }
      block.crypt(true, y, 0, baseEctr, 0);
      addLen = aad.length;
      for (int p = 0; p < aad.length; p += 16) {
        for (int i = 0; i < Math.min(16, aad.length - p); i++) buf[i] ^= aad[p + i];
        mult(buf);
      }
    }

    byte[] update(byte[] in, int off, int length) {
      byte[] out = new byte[length];
      len += length;
      byte[] ectr = new byte[16];
      for (int p = 0; p < length; p += 16) {
        int use = Math.min(16, length - p);
        for (int i = 15; i > 11 && ++y[i] == 0; i--) {
          // 32-bit counter increment
        }
        block.crypt(true, y, 0, ectr, 0);
        for (int i = 0; i < use; i++) {
          byte c = in[off + p + i];
          if (!encrypt) buf[i] ^= c;
          out[p + i] = (byte) (ectr[i] ^ c);
          if (encrypt) buf[i] ^= out[p + i];
        }
        mult(buf);
      }
      return out;
    }

    /** {@code mbedtls_gcm_finish} with a 16-byte tag. */
    byte[] tag() {
      byte[] tag = baseEctr.clone();
      if (len != 0 || addLen != 0) {
        long aBits = addLen * 8, cBits = len * 8;
        for (int i = 0; i < 8; i++) {
          buf[i] ^= (byte) (aBits >>> (56 - 8 * i));
          buf[8 + i] ^= (byte) (cBits >>> (56 - 8 * i));
        }
        mult(buf);
        for (int i = 0; i < 16; i++) tag[i] ^= buf[i];
      }
      return tag;
    }

    /** x = x * H in GF(2^128), GCM bit order. */
    private void mult(byte[] x) {
      long zHi = 0, zLo = 0, vHi = hHi, vLo = hLo;
      for (int i = 0; i < 128; i++) {
        if (((x[i >>> 3] >>> (7 - (i & 7))) & 1) != 0) {
          zHi ^= vHi;
          zLo ^= vLo;
        }
        boolean lsb = (vLo & 1) != 0;
        vLo = (vLo >>> 1) | (vHi << 63);
        vHi >>>= 1;
        if (lsb) vHi ^= 0xE100000000000000L;
      }
      for (int i = 0; i < 8; i++) {
        x[i] = (byte) (zHi >>> (56 - 8 * i));
        x[8 + i] = (byte) (zLo >>> (56 - 8 * i));
      }
    }

    private static long be64(byte[] b, int off) {
      long v = 0;
      for (int i = 0; i < 8; i++) v = (v << 8) | (b[off + i] & 0xFF);
      return v;
    }

    private final Block block;
    private final long hHi, hLo; // H = E(K, 0^128)
    private final byte[] y = new byte[16]; // counter block
    private final byte[] buf = new byte[16]; // GHASH accumulator
    private final byte[] baseEctr = new byte[16]; // E(K, Y0), the tag mask
    private boolean encrypt; // a context never started hashes its input, as a decryption does
    private long len; // bytes of data so far
    private long addLen; // bytes of additional data
  }

  /** The raw block cipher (AES, DES, two- or three-key DES-EDE) from the JDK. */
  static final class Block {
    Block(String algorithm, byte[] key) {
      try {
        byte[] k = algorithm.equals("DESede") && key.length == 16 ? concat(key, Arrays.copyOf(key, 8)) : key;
        SecretKeySpec spec = new SecretKeySpec(k, algorithm);
        enc = Cipher.getInstance(algorithm + "/ECB/NoPadding");
        enc.init(Cipher.ENCRYPT_MODE, spec);
        dec = Cipher.getInstance(algorithm + "/ECB/NoPadding");
        dec.init(Cipher.DECRYPT_MODE, spec);
        size = enc.getBlockSize();
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("the JDK cannot run " + algorithm, e);
      }
    }

    void crypt(boolean encrypt, byte[] in, int inOff, byte[] out, int outOff) {
      try {
        (encrypt ? enc : dec).update(in, inOff, size, out, outOff);
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException(e);
      }
    }

    private static byte[] concat(byte[] a, byte[] b) {
      byte[] r = Arrays.copyOf(a, a.length + b.length);
      System.arraycopy(b, 0, r, a.length, b.length);
      return r;
    }

    final int size;
    private final Cipher enc;
    private final Cipher dec;
  }

  private static Info aes(int bits, Mode mode) {
    int ivSize = switch (mode) {
      case ECB -> 0;
      case CBC, CTR -> 16;
      case GCM, CCM -> 12;
    };
    return new Info("AES-" + bits + "-" + mode, "AES", bits, mode, ivSize, mode == Mode.GCM || mode == Mode.CCM, 16);
  }
}
