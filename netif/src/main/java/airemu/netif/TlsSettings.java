package airemu.netif;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.oiw.OIWObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PBES2Parameters;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8DecryptorProviderBuilder;
import org.bouncycastle.openssl.jcajce.JcePEMDecryptorProviderBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.bouncycastle.pkcs.PKCSException;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemReader;

/**
 * A ctrl's TLS configuration after {@code socket.config}, read as {@code luat_lib_socket.c} and
 * {@code network_init_tls} read the arguments (spec 2.3; nothing copied):
 *
 * <ul>
 * <li>The server is verified (mbedtls's authmode "required") when a server or a client certificate
 *     was given, else not at all. A required verification with no CA fails every handshake.
 * <li>TCP: {@code server_cert} is the CA, {@code client_cert} + {@code client_key} (+ password) the
 *     client's credentials for mutual TLS.
 * <li>DTLS (always DTLS 1.2): certificate mode when a key is given, or a CA without a client
 *     certificate, with the arguments meaning the same as for TCP; otherwise PSK mode, where
 *     {@code server_cert} is the PSK and {@code client_cert} its identity. With a PSK the PSK suites
 *     are offered too, as mbedtls offers them once {@code mbedtls_ssl_conf_psk} ran.
 * </ul>
 *
 * Certificates are PEM (every {@code CERTIFICATE} block, as {@code mbedtls_x509_crt_parse}) or one
 * DER certificate; keys are PEM or DER, PKCS#1, SEC1 or PKCS#8. A certificate or key that does not
 * parse is reported by {@link #failure()} with the firmware's log line; the CA certificates that did
 * parse are kept, as mbedtls keeps them in the chain (a client certificate that fails is freed).
 *
 * <p>Encrypted keys are read as mbedtls 2.28 reads what {@code luat_lib_socket.c} hands it: the
 * password with its terminating NUL counted ({@code client_password_len + 1}). That leaves
 * PKCS#8 PBES2 keys working, because PBKDF2's HMAC pads its key with zeros (up to a password of 63
 * bytes), and breaks OpenSSL's legacy {@code Proc-Type: 4,ENCRYPTED} PEM keys and PKCS#12 PBE,
 * whose key derivations see the NUL. mbedtls 2.x's PBES2 knows DES-CBC and DES-EDE3-CBC only
 * ({@code oid_cipher_alg}), so an AES-encrypted PKCS#8 key is refused too, as on the module.
 */
final class TlsSettings {

  static TlsSettings parse(boolean datagram, TlsArgs a) {
    TlsSettings s = new TlsSettings(a.serverCert() != null || a.clientCert() != null);
    boolean certificateMode = !datagram || a.clientKey() != null || (a.serverCert() != null && a.clientCert() == null);
    if (!certificateMode) {
      s.psk = a.serverCert();
      s.pskIdentity = a.clientCert() != null ? a.clientCert() : a.clientKey();
      return s;
    }
    if (a.serverCert() != null) {
      List<X509Certificate> trusted = new ArrayList<>();
      boolean complete = certificates(a.serverCert(), trusted);
      s.trusted = trusted;
      if (!complete || trusted.isEmpty()) {
        s.failure = "network_set_server_cert failed";
        return s;
      }
    }
    if (a.clientCert() != null) {
      List<X509Certificate> chain = new ArrayList<>();
      boolean complete = certificates(a.clientCert(), chain);
      PrivateKeyInfo key = a.clientKey() == null ? null : privateKey(a.clientKey(), a.clientPassword());
      if (!complete || chain.isEmpty() || key == null) {
        s.failure = "network_set_client_cert failed";
        return s;
      }
      s.clientChain = chain;
      s.clientKey = key;
    }
    return s;
  }

  private TlsSettings(boolean verify) {
    this.verify = verify;
  }

  /** The firmware's error line when an argument did not parse ({@code config} returns false), else null. */
  String failure() {
    return failure;
  }

  /**
   * Adds to {@code out} the certificates of {@code data}: every {@code CERTIFICATE} block of a PEM
   * text that parses, or the one DER certificate. Returns false when a block or the DER did not
   * parse (mbedtls then returns the count of failures, which the firmware takes as an error).
   */
  static boolean certificates(byte[] data, List<X509Certificate> out) {
    CertificateFactory f;
    try {
      f = CertificateFactory.getInstance("X.509");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e); // every JDK has X.509
    }
    if (!isPem(data)) return parsed(f, data, out);
    boolean complete = true;
    try (PemReader r = new PemReader(reader(data))) {
      for (PemObject o; (o = r.readPemObject()) != null; ) {
        if (o.getType().equals("CERTIFICATE")) complete &= parsed(f, o.getContent(), out);
      }
    } catch (IOException | RuntimeException e) {
      return false; // a block that is not even PEM: nothing after it is read
    }
    return complete;
  }

  private static boolean parsed(CertificateFactory f, byte[] der, List<X509Certificate> out) {
    try {
      out.add((X509Certificate) f.generateCertificate(new ByteArrayInputStream(der)));
      return true;
    } catch (GeneralSecurityException | RuntimeException e) {
      return false;
    }
  }

  /**
   * A PEM or DER private key, decrypted with {@code password} and its NUL when it is encrypted in a
   * way mbedtls 2.28 reads (see the class comment); null when it fails.
   */
  static PrivateKeyInfo privateKey(byte[] data, byte[] password) {
    try {
      Object o;
      if (isPem(data)) {
        try (PEMParser p = new PEMParser(reader(data))) {
          do {
            o = p.readObject();
          } while (o != null && !isKey(o));
        }
      } else {
        o = PrivateKeyInfo.getInstance(data);
      }
      char[] pw = password == null ? null : (new String(password, StandardCharsets.UTF_8) + "\0").toCharArray();
      if (o instanceof PEMKeyPair kp) return kp.getPrivateKeyInfo();
      if (o instanceof PrivateKeyInfo pk) return pk;
      if (pw == null) return null; // encrypted: mbedtls asks for the password
      if (o instanceof PEMEncryptedKeyPair ekp) {
        return ekp.decryptKeyPair(new JcePEMDecryptorProviderBuilder().setProvider(BC).build(pw)).getPrivateKeyInfo();
      }
      if (o instanceof PKCS8EncryptedPrivateKeyInfo epk) {
        if (!mbedtlsDecrypts(epk.getEncryptionAlgorithm())) return null;
        return epk.decryptPrivateKeyInfo(new JceOpenSSLPKCS8DecryptorProviderBuilder().setProvider(BC).build(pw));
      }
      return null;
    } catch (IOException | OperatorCreationException | PKCSException | RuntimeException e) {
      return null;
    }
  }

  /** PKCS#12 PBE, or PBES2 with PBKDF2 and DES-CBC or DES-EDE3-CBC: what {@code pk_parse_key_pkcs8_encrypted_der} takes. */
  private static boolean mbedtlsDecrypts(AlgorithmIdentifier a) {
    if (a.getAlgorithm().on(PKCSObjectIdentifiers.pkcs_12PbeIds)) return true;
    if (!a.getAlgorithm().equals(PKCSObjectIdentifiers.id_PBES2)) return false;
    PBES2Parameters p = PBES2Parameters.getInstance(a.getParameters());
    ASN1ObjectIdentifier cipher = p.getEncryptionScheme().getAlgorithm();
    return p.getKeyDerivationFunc().getAlgorithm().equals(PKCSObjectIdentifiers.id_PBKDF2)
        && (cipher.equals(OIWObjectIdentifiers.desCBC) || cipher.equals(PKCSObjectIdentifiers.des_EDE3_CBC));
  }

  private static boolean isKey(Object o) {
    return o instanceof PEMKeyPair || o instanceof PrivateKeyInfo || o instanceof PEMEncryptedKeyPair
        || o instanceof PKCS8EncryptedPrivateKeyInfo;
  }

  private static boolean isPem(byte[] data) {
    return new String(data, StandardCharsets.ISO_8859_1).contains("-----BEGIN ");
  }

  private static Reader reader(byte[] data) {
    return new InputStreamReader(new ByteArrayInputStream(data), StandardCharsets.ISO_8859_1);
  }

  private static final BouncyCastleProvider BC = new BouncyCastleProvider();

  final boolean verify; // authmode required: a server or client certificate argument was given
  List<X509Certificate> trusted = List.of(); // the CA chain the server must lead to
  List<X509Certificate> clientChain; // mutual TLS: the client's certificates, leaf first; null: none
  PrivateKeyInfo clientKey;
  byte[] psk; // DTLS PSK mode; null otherwise
  byte[] pskIdentity;
  private String failure;
}
