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
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
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
 * DER certificate; keys are PEM (PKCS#1, SEC1, PKCS#8, also encrypted with the password) or DER.
 * A certificate or key that does not parse is reported by {@link #failure()} with the firmware's
 * log line; what did parse is kept, as the firmware keeps it.
 *
 * <p>One difference from the C source we read: it hands mbedtls the password with its terminating
 * NUL counted, which no encrypted PEM key would decrypt with; airemu uses the password as given.
 */
final class TlsSettings {

  static TlsSettings parse(boolean datagram, TlsArgs a) {
    TlsSettings s = new TlsSettings(datagram, a.serverCert() != null || a.clientCert() != null);
    boolean certificateMode = !datagram || a.clientKey() != null || (a.serverCert() != null && a.clientCert() == null);
    if (!certificateMode) {
      s.psk = a.serverCert();
      s.pskIdentity = a.clientCert() != null ? a.clientCert() : a.clientKey();
      return s;
    }
    if (a.serverCert() != null) {
      s.trusted = certificates(a.serverCert());
      if (s.trusted.isEmpty()) {
        s.failure = "network_set_server_cert failed";
        return s;
      }
    }
    if (a.clientCert() != null) {
      List<X509Certificate> chain = certificates(a.clientCert());
      PrivateKeyInfo key = a.clientKey() == null ? null : privateKey(a.clientKey(), a.clientPassword());
      if (chain.isEmpty() || key == null) {
        s.failure = "network_set_client_cert failed";
        return s;
      }
      s.clientChain = chain;
      s.clientKey = key;
    }
    return s;
  }

  private TlsSettings(boolean datagram, boolean verify) {
    this.datagram = datagram;
    this.verify = verify;
  }

  /** The firmware's error line when an argument did not parse ({@code config} returns false), else null. */
  String failure() {
    return failure;
  }

  /**
   * The certificates of {@code data}: every parsable {@code CERTIFICATE} block of a PEM text, or the
   * one DER certificate; empty when there is none or one of them is broken (mbedtls then reports
   * the count of failures, which the firmware takes as an error).
   */
  static List<X509Certificate> certificates(byte[] data) {
    List<X509Certificate> out = new ArrayList<>();
    try {
      CertificateFactory f = CertificateFactory.getInstance("X.509");
      if (isPem(data)) {
        try (PemReader r = new PemReader(reader(data))) {
          for (PemObject o; (o = r.readPemObject()) != null; ) {
            if (!o.getType().equals("CERTIFICATE")) continue;
            out.add((X509Certificate) f.generateCertificate(new ByteArrayInputStream(o.getContent())));
          }
        }
      } else {
        out.add((X509Certificate) f.generateCertificate(new ByteArrayInputStream(data)));
      }
      return out;
    } catch (IOException | GeneralSecurityException | RuntimeException e) {
      return List.of();
    }
  }

  /** A PEM or DER private key, decrypted with {@code password} when it is encrypted; null when it fails. */
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
      char[] pw = password == null ? null : new String(password, StandardCharsets.UTF_8).toCharArray();
      if (o instanceof PEMKeyPair kp) return kp.getPrivateKeyInfo();
      if (o instanceof PrivateKeyInfo pk) return pk;
      if (pw == null) return null; // encrypted: mbedtls asks for the password
      if (o instanceof PEMEncryptedKeyPair ekp) {
        return ekp.decryptKeyPair(new JcePEMDecryptorProviderBuilder().setProvider(BC).build(pw)).getPrivateKeyInfo();
      }
      if (o instanceof PKCS8EncryptedPrivateKeyInfo epk) {
        return epk.decryptPrivateKeyInfo(new JceOpenSSLPKCS8DecryptorProviderBuilder().setProvider(BC).build(pw));
      }
      return null;
    } catch (IOException | OperatorCreationException | PKCSException | RuntimeException e) {
      return null;
    }
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

  final boolean datagram; // DTLS over the UDP socket, else TLS over TCP
  final boolean verify; // authmode required: a server or client certificate argument was given
  List<X509Certificate> trusted = List.of(); // the CA chain the server must lead to
  List<X509Certificate> clientChain; // mutual TLS: the client's certificates, leaf first; null: none
  PrivateKeyInfo clientKey;
  byte[] psk; // DTLS PSK mode; null otherwise
  byte[] pskIdentity;
  private String failure;
}
