package airemu.lua;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * One message digest of the firmware's mbedtls 2.28 build, found by its mbedtls name
 * ({@code mbedtls_md_info_from_string}: exact, upper case: "MD5", "SHA1" or "SHA", "SHA224",
 * "SHA256", "SHA384", "SHA512"). The firmware computes an HMAC only when the key is not empty: with
 * an empty key every crypto function returns the plain digest.
 *
 * <pre>{@code
 * Md.byName("SHA256").digest(data, key)   // HMAC-SHA256, or SHA-256 when key is empty
 * }</pre>
 */
final class Md {
  private static final Map<String, Md> BY_NAME = Map.of(
      "MD5", new Md("MD5", "HmacMD5", 16),
      "SHA1", new Md("SHA-1", "HmacSHA1", 20),
      "SHA", new Md("SHA-1", "HmacSHA1", 20),
      "SHA224", new Md("SHA-224", "HmacSHA224", 28),
      "SHA256", new Md("SHA-256", "HmacSHA256", 32),
      "SHA384", new Md("SHA-384", "HmacSHA384", 48),
      "SHA512", new Md("SHA-512", "HmacSHA512", 64));

  static final Md MD5 = BY_NAME.get("MD5");
  static final Md SHA1 = BY_NAME.get("SHA1");
  static final Md SHA256 = BY_NAME.get("SHA256");
  static final Md SHA512 = BY_NAME.get("SHA512");

  private Md(String digest, String hmac, int size) {
    this.digest = digest;
    this.hmac = hmac;
    this.size = size;
  }

  /** The digest named {@code name}, or null when the firmware has none by that name. */
  static Md byName(String name) {
    return BY_NAME.get(name);
  }

  /** The digest of {@code data}, keyed (HMAC) when {@code key} is not empty. */
  byte[] digest(byte[] data, byte[] key) {
    Stream s = start(key);
    s.update(data, 0, data.length);
    return s.finish();
  }

  /** A streaming computation, keyed when {@code key} is not empty. */
  Stream start(byte[] key) {
    try {
      if (key.length == 0) return new Stream(MessageDigest.getInstance(digest), null);
      Mac mac = Mac.getInstance(hmac);
      mac.init(new SecretKeySpec(key, hmac));
      return new Stream(null, mac);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK lacks " + digest, e);
    }
  }

  int size() {
    return size;
  }

  /** A digest being computed; {@link #finish} ends it, after which it takes nothing and gives null. */
  static final class Stream {
    private Stream(MessageDigest md, Mac mac) {
      this.md = md;
      this.mac = mac;
    }

    void update(byte[] b, int off, int len) {
      if (md != null) md.update(b, off, len);
      else if (mac != null) mac.update(b, off, len);
    }

    /** The result, or null when already finished (the firmware's freed context). */
    byte[] finish() {
      byte[] out = md != null ? md.digest() : mac != null ? mac.doFinal() : null;
      md = null;
      mac = null;
      return out;
    }

    private MessageDigest md; // exactly one of md and mac is set until finish
    private Mac mac;
  }

  private final String digest; // JCA name of the plain digest
  private final String hmac; // JCA name of its HMAC
  private final int size; // bytes of output
}
