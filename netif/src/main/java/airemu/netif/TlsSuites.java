package airemu.netif;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.bouncycastle.tls.CipherSuite;
import org.bouncycastle.tls.TlsUtils;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;

/**
 * The cipher suites a module's TLS client offers, named as mbedtls names them
 * ({@code crypto.cipher_suites()}): {@code mbedtls_ssl_list_ciphersuites()} of the EC7xx build,
 * in LuatOS's preference order (plain RSA first), keeping what its configuration defines: AES only;
 * RSA, ECDHE-RSA, ECDHE-ECDSA, PSK and RSA-PSK key exchanges; no 3DES, no ChaCha20. airemu's client
 * offers exactly these, in this order, as far as Bouncy Castle implements them (all of them today);
 * a suite Bouncy Castle lacks would drop out of the list rather than be advertised and not offered.
 * TLS 1.0 and 1.1 take the CBC-SHA ones only, as mbedtls does.
 */
public final class TlsSuites {
  private TlsSuites() {}

  /** The names, in the order the client offers them. */
  public static List<String> names() {
    return NAMES;
  }

  /** Bouncy Castle's numbers of {@link #names()}; the PSK ones only when {@code psk}. */
  static int[] offered(boolean psk) {
    return psk ? ALL : NO_PSK;
  }

  /**
   * What the suite numbered {@code suite} is made of, read from its mbedtls name
   * ({@code TLS-<key exchange>-WITH-AES-<bits>-<mode>[-<hash>]}); null for a number not offered.
   */
  static Suite suite(int suite) {
    for (int i = 0; i < ALL.length; i++) {
      if (ALL[i] == suite) return Suite.of(suite, NAMES.get(i));
    }
    return null;
  }

  /** How a suite exchanges keys. */
  enum KeyExchange {
    RSA, ECDHE_ECDSA, ECDHE_RSA, PSK, RSA_PSK;

    boolean ecdhe() {
      return this == ECDHE_ECDSA || this == ECDHE_RSA;
    }

    /** The server sends its certificate. */
    boolean certificate() {
      return this != PSK;
    }

    boolean psk() {
      return this == PSK || this == RSA_PSK;
    }
  }

  /**
   * One suite: key exchange, AES key length, record protection (GCM, CCM with a 16- or 8-byte tag,
   * or CBC with an HMAC of {@code macHash}), and whether TLS 1.2's PRF runs on SHA-384 (else SHA-256).
   */
  record Suite(int number, String name, KeyExchange keyExchange, int keyBytes, String mode, int tagBytes, String macHash,
      boolean sha384) {
    static Suite of(int number, String name) {
      String kx = name.substring("TLS-".length(), name.indexOf("-WITH-"));
      String[] cipher = name.substring(name.indexOf("-WITH-AES-") + "-WITH-AES-".length()).split("-");
      int keyBytes = Integer.parseInt(cipher[0]) / 8;
      String mode = cipher[1];
      String hash = cipher.length > 2 && !cipher[2].equals("8") ? cipher[2] : null;
      int tag = mode.equals("CCM") && cipher.length > 2 && cipher[2].equals("8") ? 8 : 16;
      String macHash = mode.equals("CBC") ? (hash.equals("SHA") ? "SHA1" : hash) : null;
      return new Suite(number, name, KeyExchange.valueOf(kx.replace('-', '_')), keyBytes, mode, tag, macHash,
          "SHA384".equals(hash));
    }

    boolean aead() {
      return !mode.equals("CBC");
    }
  }

  /** The mbedtls name of Bouncy Castle's suite {@code suite}, or its number in hex. */
  static String name(int suite) {
    for (int i = 0; i < ALL.length; i++) {
      if (ALL[i] == suite) return NAMES.get(i);
    }
    return "0x" + Integer.toHexString(suite);
  }

  private static final String[] MBEDTLS = {
      "TLS-RSA-WITH-AES-128-CCM",
      "TLS-RSA-WITH-AES-128-CBC-SHA",
      "TLS-RSA-WITH-AES-128-CCM-8",
      "TLS-RSA-WITH-AES-128-CBC-SHA256",
      "TLS-RSA-WITH-AES-256-CCM",
      "TLS-RSA-WITH-AES-256-CBC-SHA256",
      "TLS-RSA-WITH-AES-256-CBC-SHA",
      "TLS-RSA-WITH-AES-256-CCM-8",
      "TLS-RSA-WITH-AES-128-GCM-SHA256",
      "TLS-RSA-WITH-AES-256-GCM-SHA384",
      "TLS-ECDHE-ECDSA-WITH-AES-256-GCM-SHA384",
      "TLS-ECDHE-RSA-WITH-AES-256-GCM-SHA384",
      "TLS-ECDHE-ECDSA-WITH-AES-256-CCM",
      "TLS-ECDHE-ECDSA-WITH-AES-256-CBC-SHA384",
      "TLS-ECDHE-RSA-WITH-AES-256-CBC-SHA384",
      "TLS-ECDHE-ECDSA-WITH-AES-256-CBC-SHA",
      "TLS-ECDHE-RSA-WITH-AES-256-CBC-SHA",
      "TLS-ECDHE-ECDSA-WITH-AES-256-CCM-8",
      "TLS-ECDHE-ECDSA-WITH-AES-128-GCM-SHA256",
      "TLS-ECDHE-RSA-WITH-AES-128-GCM-SHA256",
      "TLS-ECDHE-ECDSA-WITH-AES-128-CCM",
      "TLS-ECDHE-ECDSA-WITH-AES-128-CBC-SHA256",
      "TLS-ECDHE-RSA-WITH-AES-128-CBC-SHA256",
      "TLS-ECDHE-ECDSA-WITH-AES-128-CBC-SHA",
      "TLS-ECDHE-RSA-WITH-AES-128-CBC-SHA",
      "TLS-ECDHE-ECDSA-WITH-AES-128-CCM-8",
      "TLS-RSA-PSK-WITH-AES-256-GCM-SHA384",
      "TLS-RSA-PSK-WITH-AES-256-CBC-SHA384",
      "TLS-RSA-PSK-WITH-AES-256-CBC-SHA",
      "TLS-RSA-PSK-WITH-AES-128-GCM-SHA256",
      "TLS-RSA-PSK-WITH-AES-128-CBC-SHA256",
      "TLS-RSA-PSK-WITH-AES-128-CBC-SHA",
      "TLS-PSK-WITH-AES-256-GCM-SHA384",
      "TLS-PSK-WITH-AES-256-CCM",
      "TLS-PSK-WITH-AES-256-CBC-SHA384",
      "TLS-PSK-WITH-AES-256-CBC-SHA",
      "TLS-PSK-WITH-AES-256-CCM-8",
      "TLS-PSK-WITH-AES-128-GCM-SHA256",
      "TLS-PSK-WITH-AES-128-CCM",
      "TLS-PSK-WITH-AES-128-CBC-SHA256",
      "TLS-PSK-WITH-AES-128-CBC-SHA",
      "TLS-PSK-WITH-AES-128-CCM-8"};

  private static final List<String> NAMES;
  private static final int[] ALL;
  private static final int[] NO_PSK;

  static {
    BcTlsCrypto crypto = new BcTlsCrypto();
    List<String> names = new ArrayList<>();
    List<Integer> all = new ArrayList<>();
    List<Integer> noPsk = new ArrayList<>();
    for (String name : MBEDTLS) {
      Integer suite = bouncyCastleNumber(name.replace('-', '_'));
      if (suite == null || !TlsUtils.isSupportedCipherSuite(crypto, suite)) continue;
      names.add(name);
      all.add(suite);
      if (!name.contains("PSK")) noPsk.add(suite);
    }
    NAMES = Collections.unmodifiableList(names);
    ALL = all.stream().mapToInt(Integer::intValue).toArray();
    NO_PSK = noPsk.stream().mapToInt(Integer::intValue).toArray();
  }

  private static Integer bouncyCastleNumber(String field) {
    try {
      Field f = CipherSuite.class.getField(field);
      return Modifier.isStatic(f.getModifiers()) ? f.getInt(null) : null;
    } catch (NoSuchFieldException | IllegalAccessException e) {
      return null;
    }
  }
}
