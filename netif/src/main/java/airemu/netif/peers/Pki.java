package airemu.netif.peers;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A small certificate authority for TLS peers and tests: a self-signed CA with an EC P-256 key that
 * issues server and client certificates, written as the PEM texts {@code socket.config} and
 * {@code openssl s_server} take.
 *
 * <pre>{@code
 * Pki ca = Pki.create("airemu test CA");
 * Pki.Issued server = ca.issue("tls.test", List.of("tls.test"), Duration.ofDays(1));
 * Files.writeString(dir.resolve("server.pem"), server.certificatePem());
 * }</pre>
 */
public final class Pki {

  /** A new CA named {@code cn}, valid from an hour ago for ten days. */
  public static Pki create(String cn) {
    Instant now = Instant.now();
    return create(cn, now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(10)));
  }

  /** A new CA valid from {@code notBefore} to {@code notAfter}. */
  public static Pki create(String cn, Instant notBefore, Instant notAfter) {
    KeyPair key = newKey();
    X500Name name = new X500Name("CN=" + cn);
    X509CertificateHolder cert = sign(name, name, key, key.getPrivate(), notBefore, notAfter, true, List.of());
    return new Pki(name, key, cert);
  }

  /** A certificate and its key, as PEM. */
  public record Issued(String certificatePem, PrivateKey key) {
    /** The key, unencrypted (PKCS#8 {@code PRIVATE KEY}). */
    public String keyPem() {
      try {
        return pem(new Object[] {new JcaPKCS8Generator(key, null)});
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    /**
     * The key as an {@code ENCRYPTED PRIVATE KEY} under {@code password}: PKCS#8 PBES2, PBKDF2 and
     * DES-EDE3-CBC, what {@code openssl pkcs8 -topk8 -v2 des3} writes and a module's mbedtls reads.
     */
    public String encryptedKeyPem(String password) {
      return pkcs8(password, org.bouncycastle.openssl.PKCS8Generator.DES3_CBC);
    }

    /** The key as PKCS#8 PBES2 with AES-256-CBC, which mbedtls 2.x cannot decrypt. */
    public String aesEncryptedKeyPem(String password) {
      return pkcs8(password, org.bouncycastle.openssl.PKCS8Generator.AES_256_CBC);
    }

    /** The key in OpenSSL's legacy encrypted PEM ({@code Proc-Type: 4,ENCRYPTED}, DES-EDE3-CBC). */
    public String legacyEncryptedKeyPem(String password) {
      try {
        return pem(new Object[] {new org.bouncycastle.openssl.jcajce.JcaMiscPEMGenerator(key,
            new org.bouncycastle.openssl.jcajce.JcePEMEncryptorBuilder("DES-EDE3-CBC").setProvider(BC).build(password.toCharArray()))});
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    private String pkcs8(String password, org.bouncycastle.asn1.ASN1ObjectIdentifier cipher) {
      try {
        return pem(new Object[] {new JcaPKCS8Generator(key, new JceOpenSSLPKCS8EncryptorBuilder(cipher)
            .setProvider(BC).setPassword(password.toCharArray()).build())});
      } catch (OperatorCreationException | IOException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  /** The CA certificate, what a client trusts. */
  public String certificatePem() {
    return pem(new Object[] {cert});
  }

  /** A certificate for {@code cn} and the {@code dnsNames} (subjectAltName), valid from an hour ago for {@code validity}. */
  public Issued issue(String cn, List<String> dnsNames, Duration validity) {
    Instant now = Instant.now();
    return issue(cn, dnsNames, now.minus(Duration.ofHours(1)), now.plus(validity));
  }

  /** A certificate valid from {@code notBefore} to {@code notAfter} (one in the past is expired). */
  public Issued issue(String cn, List<String> dnsNames, Instant notBefore, Instant notAfter) {
    return issue(cn, dnsNames, notBefore, notAfter, newKey());
  }

  /** Like {@link #issue(String, List, Duration)} with an RSA 2048 key, for the RSA key exchanges. */
  public Issued issueRsa(String cn, List<String> dnsNames, Duration validity) {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
      g.initialize(2048);
      Instant now = Instant.now();
      return issue(cn, dnsNames, now.minus(Duration.ofHours(1)), now.plus(validity), g.generateKeyPair());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private Issued issue(String cn, List<String> dnsNames, Instant notBefore, Instant notAfter, KeyPair key) {
    X509CertificateHolder c = sign(new X500Name("CN=" + cn), name, key, caKey.getPrivate(), notBefore, notAfter, false, dnsNames);
    return new Issued(pem(new Object[] {c}), key.getPrivate());
  }

  private Pki(X500Name name, KeyPair caKey, X509CertificateHolder cert) {
    this.name = name;
    this.caKey = caKey;
    this.cert = cert;
  }

  private static X509CertificateHolder sign(X500Name subject, X500Name issuer, KeyPair subjectKey, PrivateKey issuerKey,
      Instant notBefore, Instant notAfter, boolean ca, List<String> dnsNames) {
    try {
      JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuer, BigInteger.valueOf(SERIAL.incrementAndGet()),
          Date.from(notBefore), Date.from(notAfter), subject, subjectKey.getPublic());
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
      if (!dnsNames.isEmpty()) {
        GeneralName[] names = dnsNames.stream().map(n -> new GeneralName(GeneralName.dNSName, n)).toArray(GeneralName[]::new);
        b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names));
      }
      return b.build(new JcaContentSignerBuilder("SHA256withECDSA").setProvider(BC).build(issuerKey));
    } catch (IOException | OperatorCreationException e) {
      throw new IllegalStateException(e);
    }
  }

  private static KeyPair newKey() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"));
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String pem(Object[] objects) {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(out)) {
      for (Object o : objects) w.writeObject(o);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  private static final BouncyCastleProvider BC = new BouncyCastleProvider();
  private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

  private final X500Name name;
  private final KeyPair caKey;
  private final X509CertificateHolder cert;
}
