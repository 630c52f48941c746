package airemu.netif;

import java.io.IOException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Vector;
import java.util.function.LongSupplier;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.params.RSAKeyParameters;
import org.bouncycastle.crypto.util.PrivateKeyFactory;
import org.bouncycastle.tls.AbstractTlsClient;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.CertificateRequest;
import org.bouncycastle.tls.NameType;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.RenegotiationPolicy;
import org.bouncycastle.tls.ServerName;
import org.bouncycastle.tls.SignatureAlgorithm;
import org.bouncycastle.tls.SignatureAndHashAlgorithm;
import org.bouncycastle.tls.TlsAuthentication;
import org.bouncycastle.tls.TlsCredentials;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsFatalAlertReceived;
import org.bouncycastle.tls.TlsServerCertificate;
import org.bouncycastle.tls.TlsUtils;
import org.bouncycastle.tls.crypto.TlsCertificate;
import org.bouncycastle.tls.crypto.TlsCryptoParameters;
import org.bouncycastle.tls.crypto.impl.bc.BcDefaultTlsCredentialedSigner;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;

/**
 * The TLS client a module's mbedtls is, for one TCP connection, on Bouncy Castle's non-blocking
 * TLS: TLS 1.0 to 1.2, the suites of {@link TlsSuites}, SNI from the name the script connected to
 * when it is shorter than 256 bytes, the server checked by {@link CertCheck} against the device's
 * wall clock when verification is required, the client certificate sent when one is configured and
 * the server asks, and a renegotiation the server asks for accepted, as {@code network_init_tls}
 * enables it. No TLS 1.3: a server that speaks nothing else answers the hello with a
 * protocol_version alert, as it does to the module. DTLS is {@link DtlsClient}.
 */
final class ModuleTlsClient extends AbstractTlsClient {

  /** What the transport learns from the handshake. Called on the thread driving the protocol. */
  interface Events {
    void handshakeDone();
  }

  ModuleTlsClient(TlsSettings settings, String host, TlsLog log, Events events, LongSupplier wallMillis) {
    super(CRYPTO);
    this.settings = settings;
    this.host = host;
    this.log = log;
    this.events = events;
    this.wall = wallMillis;
  }

  /**
   * The mbedtls error a failed handshake reports ({@code TLS handshake failed 0x%x !!}):
   * {@code X509_CERT_VERIFY_FAILED} for a rejected certificate, {@code SSL_FATAL_ALERT_MESSAGE}
   * for an alert from the server, {@code SSL_INVALID_RECORD} for anything unreadable.
   */
  static int mbedtlsError(Throwable t) {
    if (t instanceof TlsFatalAlertReceived) return 0x7780;
    if (t instanceof TlsFatalAlert a && a.getCause() instanceof Rejected) return 0x2700;
    return 0x7200;
  }

  @Override
  protected ProtocolVersion[] getSupportedVersions() {
    return ProtocolVersion.TLSv12.downTo(ProtocolVersion.TLSv10);
  }

  @Override
  protected int[] getSupportedCipherSuites() {
    return TlsSuites.offered(false); // PSK is DTLS only
  }

  @Override
  protected Vector<ServerName> getSNIServerNames() {
    if (host == null || host.isEmpty() || host.length() >= 256) return null;
    Vector<ServerName> names = new Vector<>();
    names.add(new ServerName(NameType.host_name, host.getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
    return names;
  }

  @Override
  public TlsAuthentication getAuthentication() {
    return new TlsAuthentication() {
      @Override
      public void notifyServerCertificate(TlsServerCertificate server) throws IOException {
        if (!settings.verify) return;
        List<X509Certificate> chain = decode(server.getCertificate());
        int flags = CertCheck.verify(chain, settings.trusted, host, new Date(wall.getAsLong()));
        if (flags == 0) return;
        log.verifyFailed(flags);
        throw new TlsFatalAlert(CertCheck.alert(flags), new Rejected(flags));
      }

      @Override
      public TlsCredentials getClientCredentials(CertificateRequest request) throws IOException {
        return settings.clientChain == null ? null : signer(request);
      }
    };
  }

  @Override
  public void notifySecureRenegotiation(boolean secure) {
    // mbedtls on the module allows legacy renegotiation: a server without RFC 5746 is fine
  }

  @Override
  public int getRenegotiationPolicy() {
    return RenegotiationPolicy.ACCEPT; // mbedtls_ssl_conf_renegotiation(..., MBEDTLS_SSL_RENEGOTIATION_ENABLED)
  }

  @Override
  public void notifyHandshakeBeginning() throws IOException {
    super.notifyHandshakeBeginning();
    log.clientHello();
  }

  @Override
  public void notifySelectedCipherSuite(int suite) {
    super.notifySelectedCipherSuite(suite);
    log.serverHello(suite);
  }

  @Override
  public void notifyHandshakeComplete() throws IOException {
    super.notifyHandshakeComplete();
    log.finished();
    events.handshakeDone();
  }

  @Override
  public void notifyAlertRaised(short level, short description, String message, Throwable cause) {
    log.alertSent(level, description);
  }

  @Override
  public void notifyAlertReceived(short level, short description) {
    log.alertReceived(level, description);
  }

  private TlsCredentials signer(CertificateRequest request) throws IOException {
    AsymmetricKeyParameter key = PrivateKeyFactory.createKey(settings.clientKey);
    TlsCertificate[] certs = new TlsCertificate[settings.clientChain.size()];
    try {
      for (int i = 0; i < certs.length; i++) certs[i] = CRYPTO.createCertificate(settings.clientChain.get(i).getEncoded());
    } catch (java.security.cert.CertificateEncodingException e) {
      throw new TlsFatalAlert(AlertDescription.internal_error, e);
    }
    short algorithm = key instanceof RSAKeyParameters ? SignatureAlgorithm.rsa : SignatureAlgorithm.ecdsa;
    SignatureAndHashAlgorithm sigAlg = TlsUtils.isTLSv12(context)
        ? TlsUtils.chooseSignatureAndHashAlgorithm(context, request.getSupportedSignatureAlgorithms(), algorithm)
        : null;
    return new BcDefaultTlsCredentialedSigner(new TlsCryptoParameters(context), CRYPTO, key, new Certificate(certs), sigAlg);
  }

  private static List<X509Certificate> decode(Certificate chain) throws IOException {
    List<X509Certificate> out = new ArrayList<>();
    try {
      CertificateFactory f = CertificateFactory.getInstance("X.509");
      for (int i = 0; i < chain.getLength(); i++) {
        out.add((X509Certificate) f.generateCertificate(new ByteArrayInputStream(chain.getCertificateAt(i).getEncoded())));
      }
    } catch (CertificateException e) {
      throw new TlsFatalAlert(AlertDescription.bad_certificate, e);
    }
    return out;
  }

  /** Why a server certificate was refused: mbedtls's verification flags. */
  static final class Rejected extends Exception {
    Rejected(int flags) {
      super(String.format("certificate verification flags %08x", flags));
    }
  }

  /** One crypto provider for all connections; Bouncy Castle's lightweight one is thread-safe. */
  private static final BcTlsCrypto CRYPTO = new BcTlsCrypto();

  private final TlsSettings settings;
  private final String host;
  private final TlsLog log;
  private final Events events;
  private final LongSupplier wall;
}
