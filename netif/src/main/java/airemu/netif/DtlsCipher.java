package airemu.netif;

import airemu.netif.TlsSuites.Suite;
import java.security.SecureRandom;
import java.util.Arrays;
import org.bouncycastle.crypto.Digest;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.digests.SHA1Digest;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.digests.SHA384Digest;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.macs.HMac;
import org.bouncycastle.crypto.modes.AEADBlockCipher;
import org.bouncycastle.crypto.modes.CBCBlockCipher;
import org.bouncycastle.crypto.modes.CCMBlockCipher;
import org.bouncycastle.crypto.modes.GCMBlockCipher;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.crypto.params.ParametersWithIV;

/**
 * The record protection of a DTLS 1.2 connection once ChangeCipherSpec turned it on (epoch 1), for
 * the suites of {@link TlsSuites}, on Bouncy Castle's primitives: AES-GCM and AES-CCM (16- or 8-byte
 * tag) with a 4-byte implicit and an 8-byte explicit nonce (RFC 5288, RFC 6655), and AES-CBC with an
 * explicit IV and an HMAC, MAC-then-encrypt or, when the server took the extension, encrypt-then-MAC
 * (RFC 7366). The sequence number in the MAC and the additional data is the epoch and the record's
 * number together (RFC 6347 4.1.2.1). Also TLS 1.2's PRF, on SHA-256 or SHA-384.
 */
final class DtlsCipher {
  /** DTLS 1.2 on the wire. */
  static final int VERSION = 0xFEFD;

  /** Keys of both directions from the master secret ({@code key expansion}, RFC 5246 6.3). */
  DtlsCipher(Suite suite, byte[] master, byte[] clientRandom, byte[] serverRandom, boolean encryptThenMac) {
    this.suite = suite;
    this.etm = encryptThenMac && !suite.aead();
    this.macBytes = suite.aead() ? 0 : digest(suite.macHash()).getDigestSize();
    int ivBytes = suite.aead() ? 4 : 0;
    byte[] block = prf(suite.sha384(), master, "key expansion", concat(serverRandom, clientRandom),
        2 * (macBytes + suite.keyBytes() + ivBytes));
    int p = 0;
    clientMac = Arrays.copyOfRange(block, p, p += macBytes);
    serverMac = Arrays.copyOfRange(block, p, p += macBytes);
    clientKey = Arrays.copyOfRange(block, p, p += suite.keyBytes());
    serverKey = Arrays.copyOfRange(block, p, p += suite.keyBytes());
    clientIv = Arrays.copyOfRange(block, p, p += ivBytes);
    serverIv = Arrays.copyOfRange(block, p, p + ivBytes);
  }

  /** The protected fragment of a record of {@code type} numbered {@code seq} (epoch in the top 16 bits). */
  byte[] seal(int type, long seq, byte[] plain) {
    try {
      if (suite.aead()) {
        byte[] explicit = new byte[8];
        putLong(explicit, 0, seq);
        AEADBlockCipher c = aead();
        c.init(true, new AEADParameters(new KeyParameter(clientKey), suite.tagBytes() * 8, concat(clientIv, explicit),
            header(seq, type, plain.length)));
        byte[] out = new byte[8 + c.getOutputSize(plain.length)];
        System.arraycopy(explicit, 0, out, 0, 8);
        int n = c.processBytes(plain, 0, plain.length, out, 8);
        c.doFinal(out, 8 + n);
        return out;
      }
      byte[] iv = new byte[16];
      RANDOM.nextBytes(iv);
      byte[] body = etm ? plain : concat(plain, mac(clientMac, seq, type, plain));
      byte[] cipher = cbc(true, clientKey, iv, pad(body));
      byte[] out = concat(iv, cipher);
      return etm ? concat(out, mac(clientMac, seq, type, out)) : out;
    } catch (InvalidCipherTextException e) {
      throw new IllegalStateException(e); // encrypting cannot fail
    }
  }

  /** The plaintext of a record from the server, or null when it does not decrypt and authenticate. */
  byte[] open(int type, long seq, byte[] fragment) {
    try {
      if (suite.aead()) {
        int plainLength = fragment.length - 8 - suite.tagBytes();
        if (plainLength < 0) return null;
        AEADBlockCipher c = aead();
        c.init(false, new AEADParameters(new KeyParameter(serverKey), suite.tagBytes() * 8,
            concat(serverIv, Arrays.copyOfRange(fragment, 0, 8)), header(seq, type, plainLength)));
        byte[] out = new byte[c.getOutputSize(fragment.length - 8)];
        int n = c.processBytes(fragment, 8, fragment.length - 8, out, 0);
        c.doFinal(out, n);
        return out;
      }
      byte[] body = fragment;
      if (etm) {
        if (fragment.length < 32 + macBytes) return null;
        body = Arrays.copyOf(fragment, fragment.length - macBytes);
        byte[] tag = Arrays.copyOfRange(fragment, body.length, fragment.length);
        if (!java.security.MessageDigest.isEqual(tag, mac(serverMac, seq, type, body))) return null;
      }
      if (body.length < 32 || body.length % 16 != 0) return null;
      byte[] plain = unpad(cbc(false, serverKey, Arrays.copyOf(body, 16), Arrays.copyOfRange(body, 16, body.length)));
      if (plain == null || etm) return plain;
      if (plain.length < macBytes) return null;
      byte[] content = Arrays.copyOf(plain, plain.length - macBytes);
      byte[] tag = Arrays.copyOfRange(plain, content.length, plain.length);
      return java.security.MessageDigest.isEqual(tag, mac(serverMac, seq, type, content)) ? content : null;
    } catch (InvalidCipherTextException | RuntimeException e) {
      return null;
    }
  }

  /** TLS 1.2's PRF (RFC 5246 5): P_SHA256, or P_SHA384 for the SHA-384 suites. */
  static byte[] prf(boolean sha384, byte[] secret, String label, byte[] seed, int length) {
    HMac h = new HMac(sha384 ? new SHA384Digest() : new SHA256Digest());
    h.init(new KeyParameter(secret));
    byte[] labelSeed = concat(label.getBytes(java.nio.charset.StandardCharsets.US_ASCII), seed);
    byte[] out = new byte[length];
    byte[] a = labelSeed;
    for (int off = 0; off < length; ) {
      a = hmac(h, a);
      byte[] block = hmac(h, concat(a, labelSeed));
      int n = Math.min(block.length, length - off);
      System.arraycopy(block, 0, out, off, n);
      off += n;
    }
    return out;
  }

  static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  static void putLong(byte[] b, int off, long v) {
    for (int i = 7; i >= 0; i--, v >>>= 8) b[off + i] = (byte) v;
  }

  private AEADBlockCipher aead() {
    return suite.mode().equals("GCM") ? GCMBlockCipher.newInstance(AESEngine.newInstance())
        : CCMBlockCipher.newInstance(AESEngine.newInstance());
  }

  /** seq_num, type, version and length: the MAC's prefix and the AEAD's additional data. */
  private static byte[] header(long seq, int type, int length) {
    byte[] h = new byte[13];
    putLong(h, 0, seq);
    h[8] = (byte) type;
    h[9] = (byte) (VERSION >> 8);
    h[10] = (byte) VERSION;
    h[11] = (byte) (length >> 8);
    h[12] = (byte) length;
    return h;
  }

  private byte[] mac(byte[] key, long seq, int type, byte[] content) {
    HMac h = new HMac(digest(suite.macHash()));
    h.init(new KeyParameter(key));
    byte[] head = header(seq, type, content.length);
    h.update(head, 0, head.length);
    return hmac(h, content);
  }

  private static byte[] hmac(HMac h, byte[] data) {
    h.update(data, 0, data.length);
    byte[] out = new byte[h.getMacSize()];
    h.doFinal(out, 0);
    return out;
  }

  private static byte[] cbc(boolean encrypt, byte[] key, byte[] iv, byte[] data) {
    CBCBlockCipher c = (CBCBlockCipher) CBCBlockCipher.newInstance(AESEngine.newInstance());
    c.init(encrypt, new ParametersWithIV(new KeyParameter(key), iv));
    byte[] out = new byte[data.length];
    for (int off = 0; off < data.length; off += 16) c.processBlock(data, off, out, off);
    return out;
  }

  /** TLS's CBC padding: {@code n+1} bytes of value {@code n} up to a whole block. */
  private static byte[] pad(byte[] data) {
    int n = 15 - data.length % 16;
    byte[] out = Arrays.copyOf(data, data.length + n + 1);
    Arrays.fill(out, data.length, out.length, (byte) n);
    return out;
  }

  private static byte[] unpad(byte[] data) {
    int n = data[data.length - 1] & 0xFF;
    if (n + 1 > data.length) return null;
    for (int i = data.length - n - 1; i < data.length; i++) {
      if ((data[i] & 0xFF) != n) return null;
    }
    return Arrays.copyOf(data, data.length - n - 1);
  }

  private static Digest digest(String name) {
    return switch (name) {
      case "SHA1" -> new SHA1Digest();
      case "SHA256" -> new SHA256Digest();
      default -> new SHA384Digest();
    };
  }

  private static final SecureRandom RANDOM = new SecureRandom();

  private final Suite suite;
  private final boolean etm;
  private final int macBytes;
  private final byte[] clientMac, serverMac, clientKey, serverKey, clientIv, serverIv;
}
