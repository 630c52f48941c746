package airemu.netif;

import static airemu.netif.DtlsCipher.concat;

import airemu.netif.TlsSuites.KeyExchange;
import airemu.netif.TlsSuites.Suite;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPublicKey;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import javax.crypto.Cipher;
import org.bouncycastle.crypto.Digest;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.digests.SHA384Digest;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.tls.NamedGroup;
import org.bouncycastle.tls.crypto.TlsAgreement;
import org.bouncycastle.tls.crypto.TlsECConfig;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;

/**
 * The DTLS 1.2 client of a module's mbedtls (RFC 6347 over RFC 5246), for one connection, driven by
 * the datagrams it is given on one thread and never waiting: {@link #start} sends the ClientHello,
 * {@link #datagram} takes what the peer sent, and what the handshake answers goes out through
 * {@link Link#send} at once. Bouncy Castle's own DTLS client blocks a thread for the whole
 * handshake, so this one is written on Bouncy Castle's primitives ({@link DtlsCipher}, its ECDH,
 * the JDK's RSA and signatures) for exactly what the module speaks: DTLS 1.2 only
 * ({@code network_init_tls} sets it as minimum and maximum), the suites of {@link TlsSuites} with
 * RSA, ECDHE-ECDSA, ECDHE-RSA, PSK and RSA-PSK key exchanges, a cookie exchange when the server asks
 * for one, fragmented server messages, the client certificate when the server asks, SNI, the
 * extended master secret and encrypt-then-MAC, no session resumption and no renegotiation.
 *
 * <p>Retransmission follows mbedtls as the firmware drives it ({@code ssl_msg.c}): the handshake
 * only moves when a datagram arrives, since the firmware steps it on {@code EV_NW_SOCKET_RX_NEW}
 * and its DTLS timers post no event. A flight's timer starts at 2 s
 * ({@code mbedtls_ssl_conf_handshake_timeout(2000, MBEDTLS_SSL_DTLS_TIMEOUT_DFL_MAX)}); a datagram
 * arriving after it expired is left unread, the timeout doubles up to 60 s and the flight is sent
 * again; once the timeout is 60 s, the next expiry fails the handshake
 * ({@code MBEDTLS_ERR_SSL_TIMEOUT}). A retransmission of the last message of the server's previous
 * flight makes the client resend its own. A server that says nothing leaves the handshake waiting
 * until the script closes the socket, as on a module. Records that do not parse or authenticate
 * are dropped, as DTLS drops them, and so is a datagram from anyone but the peer (the caller's job).
 *
 * <p>A failure reports the mbedtls error {@code network_state_shakehand} prints
 * ({@code TLS handshake failed 0x...}), after sending the alert mbedtls sends.
 */
final class DtlsClient {

  /** Where the client's output goes. Called on the thread that drives the client. */
  interface Link {
    /** One datagram for the peer. */
    void send(byte[] datagram);

    /** The handshake finished: application data flows. */
    void established();

    /** The connection failed with the mbedtls error {@code code} (positive: 0x7780 for -0x7780). */
    void failed(int code);

    /** One application record from the peer, decrypted. */
    void data(byte[] plain);
  }

  /**
   * A client for the server named {@code host} (SNI and the name checked, null for none);
   * {@code clockMillis} is the device's monotonic clock (the retransmission timer), {@code wallMillis}
   * its wall clock (certificate dates).
   */
  DtlsClient(TlsSettings settings, String host, TlsLog log, Link link, LongSupplier clockMillis, LongSupplier wallMillis) {
    this.settings = settings;
    this.host = host;
    this.log = log;
    this.link = link;
    this.clock = clockMillis;
    this.wall = wallMillis;
  }

  /** Sends the ClientHello. */
  void start() {
    long seconds = wall.getAsLong() / 1000;
    RANDOM.nextBytes(clientRandom);
    for (int i = 0; i < 4; i++) clientRandom[i] = (byte) (seconds >>> (24 - 8 * i)); // gmt_unix_time
    log.clientHello();
    sendFlight(List.of(handshake(CLIENT_HELLO, clientHello())));
  }

  /** A datagram from the peer. */
  void datagram(byte[] d) {
    if (stage == Stage.FAILED) return;
    unread.add(d);
    if (stage != Stage.OPEN && timerExpired()) { // mbedtls looks at the timer before it reads
      retransmitOnTimeout();
      return;
    }
    while (!unread.isEmpty() && stage != Stage.FAILED) {
      byte[] next = unread.poll();
      log.received(next.length);
      records(next);
    }
  }

  /** The datagram carrying {@code plain} as application data; only once established. */
  byte[] seal(byte[] plain) {
    return recordBytes(1, APPLICATION_DATA, plain);
  }

  boolean established() {
    return stage == Stage.OPEN;
  }

  // --- flights out ----------------------------------------------------------------------------

  private byte[] clientHello() {
    Buf b = new Buf();
    b.u16(DtlsCipher.VERSION).bytes(clientRandom).u8(0); // no session to resume
    b.u8(cookie.length).bytes(cookie);
    int[] suites = TlsSuites.offered(settings.psk != null);
    b.u16(2 * suites.length + 2);
    for (int s : suites) b.u16(s);
    b.u16(EMPTY_RENEGOTIATION_INFO_SCSV);
    b.u8(1).u8(0); // null compression
    Buf ext = new Buf();
    if (host != null && !host.isEmpty() && host.length() < 256) {
      byte[] name = host.getBytes(StandardCharsets.US_ASCII);
      ext.u16(0).u16(name.length + 5).u16(name.length + 3).u8(0).u16(name.length).bytes(name);
    }
    ext.u16(13).u16(2 + 2 * SIGNATURE_ALGORITHMS.length).u16(2 * SIGNATURE_ALGORITHMS.length);
    for (int a : SIGNATURE_ALGORITHMS) ext.u16(a);
    ext.u16(10).u16(2 + 2 * GROUPS.length).u16(2 * GROUPS.length);
    for (int g : GROUPS) ext.u16(g);
    ext.u16(11).u16(2).u8(1).u8(0); // uncompressed points
    ext.u16(22).u16(0); // encrypt_then_mac
    ext.u16(23).u16(0); // extended_master_secret
    return b.u16(ext.size()).bytes(ext.toByteArray()).toByteArray();
  }

  /** Flight 5: [Certificate], ClientKeyExchange, [CertificateVerify], ChangeCipherSpec, Finished. */
  private void clientFlight() throws Failure {
    List<Out> flight = new ArrayList<>();
    boolean signs = certificateRequested && settings.clientChain != null;
    if (certificateRequested) flight.add(handshake(CERTIFICATE, certificateBody(signs ? settings.clientChain : List.of())));
    byte[] premaster;
    Buf kx = new Buf();
    KeyExchange exchange = suite.keyExchange();
    if (exchange.ecdhe()) {
      try {
        byte[] point = agreement.generateEphemeral();
        kx.u8(point.length).bytes(point);
        premaster = agreement.calculateSecret().extract();
      } catch (java.io.IOException | RuntimeException e) {
        throw new Failure(0x7C00, ILLEGAL_PARAMETER); // MBEDTLS_ERR_SSL_BAD_HS_CLIENT_KEY_EXCHANGE
      }
    } else {
      byte[] identity = settings.pskIdentity == null ? new byte[0] : settings.pskIdentity;
      byte[] rsa = null;
      if (exchange.psk()) kx.u16(identity.length).bytes(identity);
      if (exchange == KeyExchange.RSA || exchange == KeyExchange.RSA_PSK) {
        rsa = new byte[48];
        RANDOM.nextBytes(rsa);
        rsa[0] = (byte) (DtlsCipher.VERSION >> 8);
        rsa[1] = (byte) DtlsCipher.VERSION;
        byte[] encrypted = rsaEncrypt(rsa);
        kx.u16(encrypted.length).bytes(encrypted);
      }
      premaster = exchange.psk() ? pskPremaster(rsa) : rsa;
    }
    flight.add(handshake(CLIENT_KEY_EXCHANGE, kx.toByteArray()));
    master = ems
        ? DtlsCipher.prf(suite.sha384(), premaster, "extended master secret", transcriptHash(), 48)
        : DtlsCipher.prf(suite.sha384(), premaster, "master secret", concat(clientRandom, serverRandom), 48);
    cipher = new DtlsCipher(suite, master, clientRandom, serverRandom, etm);
    if (signs) flight.add(handshake(CERTIFICATE_VERIFY, certificateVerify()));
    flight.add(new Out(0, CHANGE_CIPHER_SPEC, new byte[] {1}));
    writeEpoch = 1;
    byte[] verify = DtlsCipher.prf(suite.sha384(), master, "client finished", transcriptHash(), 12);
    flight.add(handshake(FINISHED, verify));
    stage = Stage.FINISHED;
    sendFlight(flight);
  }

  private byte[] pskPremaster(byte[] other) {
    byte[] psk = settings.psk;
    byte[] first = other != null ? other : new byte[psk.length];
    return new Buf().u16(first.length).bytes(first).u16(psk.length).bytes(psk).toByteArray();
  }

  private byte[] rsaEncrypt(byte[] secret) throws Failure {
    try {
      if (!(serverChain.get(0).getPublicKey() instanceof RSAPublicKey key)) throw new Failure(0x6D00, HANDSHAKE_FAILURE);
      Cipher c = Cipher.getInstance("RSA/ECB/PKCS1Padding");
      c.init(Cipher.ENCRYPT_MODE, key, RANDOM);
      return c.doFinal(secret);
    } catch (GeneralSecurityException e) {
      throw new Failure(0x7C00, INTERNAL_ERROR);
    }
  }

  /** Signed with the client's key over the handshake so far; SHA-384 for the SHA-384 suites, as mbedtls. */
  private byte[] certificateVerify() throws Failure {
    try {
      PrivateKey key = new JcaPEMKeyConverter().getPrivateKey(settings.clientKey);
      boolean rsa = key.getAlgorithm().equals("RSA");
      String hash = suite.sha384() ? "SHA384" : "SHA256";
      Signature s = Signature.getInstance(hash + "with" + (rsa ? "RSA" : "ECDSA"));
      s.initSign(key, RANDOM);
      s.update(transcript.toByteArray());
      byte[] sig = s.sign();
      return new Buf().u8(suite.sha384() ? 5 : 4).u8(rsa ? 1 : 3).u16(sig.length).bytes(sig).toByteArray();
    } catch (java.io.IOException | GeneralSecurityException e) {
      throw new Failure(0x7D80, INTERNAL_ERROR); // MBEDTLS_ERR_SSL_BAD_HS_CERTIFICATE_VERIFY
    }
  }

  private static byte[] certificateBody(List<X509Certificate> chain) {
    Buf list = new Buf();
    try {
      for (X509Certificate c : chain) {
        byte[] der = c.getEncoded();
        list.u24(der.length).bytes(der);
      }
    } catch (java.security.cert.CertificateEncodingException e) {
      throw new IllegalStateException(e); // parsed from this encoding by TlsSettings
    }
    return new Buf().u24(list.size()).bytes(list.toByteArray()).toByteArray();
  }

  /** A handshake message as the next of ours, in the transcript, for the current write epoch. */
  private Out handshake(int type, byte[] body) {
    byte[] m = wire(type, sendSeq++, body);
    transcript.writeBytes(m);
    return new Out(writeEpoch, HANDSHAKE, m);
  }

  private static byte[] wire(int type, int seq, byte[] body) {
    return new Buf().u8(type).u24(body.length).u16(seq).u24(0).u24(body.length).bytes(body).toByteArray();
  }

  private void sendFlight(List<Out> flight) {
    this.flight = flight;
    timeoutMillis = MIN_TIMEOUT;
    transmit();
  }

  /** Sends the current flight in one datagram, each record with a new sequence number; starts its timer. */
  private void transmit() {
    ByteArrayOutputStream d = new ByteArrayOutputStream();
    for (Out o : flight) d.writeBytes(recordBytes(o.epoch, o.type, o.payload));
    timerStart = clock.getAsLong();
    timerRunning = true;
    send(d.toByteArray());
  }

  private void send(byte[] datagram) {
    log.sent(datagram.length);
    link.send(datagram);
  }

  private byte[] recordBytes(int epoch, int type, byte[] payload) {
    long seq = ((long) epoch << 48) | writeSeq[epoch]++;
    byte[] fragment = epoch == 0 ? payload : cipher.seal(type, seq, payload);
    Buf r = new Buf().u8(type).u16(DtlsCipher.VERSION).u16(epoch).u16((int) (seq >>> 32) & 0xFFFF).u16((int) (seq >>> 16) & 0xFFFF)
        .u16((int) seq & 0xFFFF).u16(fragment.length);
    return r.bytes(fragment).toByteArray();
  }

  private boolean timerExpired() {
    return timerRunning && clock.getAsLong() - timerStart >= timeoutMillis;
  }

  /** {@code mbedtls_ssl_fetch_input} finding the timer expired: back off and resend, or give up. */
  private void retransmitOnTimeout() {
    if (timeoutMillis >= MAX_TIMEOUT) {
      log.timeout();
      fail(new Failure(0x6800, -1)); // MBEDTLS_ERR_SSL_TIMEOUT, no alert
      return;
    }
    timeoutMillis = Math.min(2 * timeoutMillis, MAX_TIMEOUT);
    transmit();
  }

  // --- records in -----------------------------------------------------------------------------

  private void records(byte[] d) {
    int p = 0;
    while (p + 13 <= d.length && stage != Stage.FAILED) {
      int type = d[p] & 0xFF;
      int epoch = u16(d, p + 3);
      long seq = ((long) u16(d, p + 5) << 32) | ((long) u16(d, p + 7) << 16) | u16(d, p + 9);
      int length = u16(d, p + 11);
      if ((d[p + 1] & 0xFF) != 0xFE || p + 13 + length > d.length) return; // not DTLS, or cut: the rest goes
      byte[] fragment = Arrays.copyOfRange(d, p + 13, p + 13 + length);
      p += 13 + length;
      onRecord(type, epoch, seq, fragment);
    }
  }

  private void onRecord(int type, int epoch, long seq, byte[] fragment) {
    if (epoch == readEpoch + 1 && stage == Stage.FINISHED) { // the Finished may overtake the ChangeCipherSpec
      if (early.size() < 8) early.add(new Early(type, seq, fragment));
      return;
    }
    if (epoch != readEpoch || replay.seen(seq)) return;
    byte[] plain = epoch == 0 ? fragment : cipher.open(type, ((long) epoch << 48) | seq, fragment);
    if (plain == null) return; // does not authenticate: dropped
    replay.mark(seq);
    try {
      switch (type) {
        case CHANGE_CIPHER_SPEC -> changeCipherSpec(plain);
        case ALERT -> alert(plain);
        case HANDSHAKE -> handshakeFragments(plain);
        case APPLICATION_DATA -> {
          if (stage == Stage.OPEN) link.data(plain);
        }
        default -> { } // unknown content: dropped
      }
    } catch (Failure f) {
      fail(f);
    }
  }

  private void changeCipherSpec(byte[] plain) {
    if (stage != Stage.FINISHED || readEpoch != 0 || plain.length != 1 || plain[0] != 1) return; // out of place: dropped
    readEpoch = 1;
    replay = new ReplayWindow();
    List<Early> held = new ArrayList<>(early);
    early.clear();
    for (Early e : held) onRecord(e.type, 1, e.seq, e.fragment);
  }

  private void alert(byte[] plain) throws Failure {
    if (plain.length != 2) return;
    int level = plain[0] & 0xFF;
    int description = plain[1] & 0xFF;
    log.alertReceived(level, description);
    if (level == 2) throw new Failure(0x7780, -1); // MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE
    if (description == 0) throw new Failure(0x7880, -1); // close_notify: MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY
  }

  private void handshakeFragments(byte[] plain) throws Failure {
    int p = 0;
    while (p + 12 <= plain.length && stage != Stage.FAILED) {
      int type = plain[p] & 0xFF;
      int length = u24(plain, p + 1);
      int seq = u16(plain, p + 4);
      int offset = u24(plain, p + 6);
      int fragmentLength = u24(plain, p + 9);
      if (p + 12 + fragmentLength > plain.length || offset + fragmentLength > length || length > MAX_MESSAGE) return;
      byte[] fragment = Arrays.copyOfRange(plain, p + 12, p + 12 + fragmentLength);
      p += 12 + fragmentLength;
      if (stage == Stage.OPEN) continue; // after the handshake: a repeated Finished, a HelloRequest
      fragment(type, length, seq, offset, fragment);
    }
  }

  private void fragment(int type, int length, int seq, int offset, byte[] fragment) throws Failure {
    if (seq < recvSeq) {
      // mbedtls resends only on the last message of the server's previous flight, and never for a HelloVerifyRequest
      if (seq == flightStartSeq - 1 && type != HELLO_VERIFY_REQUEST && flight != null) transmit();
      return;
    }
    if (seq > recvSeq + MAX_AHEAD) return;
    Assembly a = assemblies.computeIfAbsent(seq, k -> new Assembly(type, length));
    if (a.type != type || a.body.length != length) return;
    a.add(offset, fragment);
    while ((a = assemblies.get(recvSeq)) != null && a.complete()) {
      assemblies.remove(recvSeq);
      serverMessage(a.type, recvSeq++, a.body);
      if (stage == Stage.FAILED) return;
    }
  }

  // --- the server's messages ------------------------------------------------------------------

  private void serverMessage(int type, int seq, byte[] body) throws Failure {
    switch (stage) {
      case HELLO -> {
        if (type == HELLO_VERIFY_REQUEST) {
          helloVerifyRequest(body);
          return;
        }
        if (type != SERVER_HELLO) throw new Failure(0x7980, DECODE_ERROR); // "bad server hello message"
        transcript.writeBytes(wire(type, seq, body));
        serverHello(body);
      }
      case SERVER_FLIGHT -> {
        transcript.writeBytes(wire(type, seq, body));
        switch (type) {
          case CERTIFICATE -> serverCertificate(body);
          case SERVER_KEY_EXCHANGE -> serverKeyExchange(body);
          case CERTIFICATE_REQUEST -> certificateRequested = true;
          case SERVER_HELLO_DONE -> serverHelloDone();
          default -> throw new Failure(0x7700, UNEXPECTED_MESSAGE);
        }
      }
      case FINISHED -> {
        if (type != FINISHED || readEpoch != 1) throw new Failure(0x7700, UNEXPECTED_MESSAGE);
        byte[] expected = DtlsCipher.prf(suite.sha384(), master, "server finished", transcriptHash(), 12);
        if (!java.security.MessageDigest.isEqual(expected, body)) throw new Failure(0x7E80, DECRYPT_ERROR);
        log.finished();
        stage = Stage.OPEN;
        timerRunning = false;
        flight = null;
        link.established();
      }
      default -> { }
    }
  }

  private void helloVerifyRequest(byte[] body) throws Failure {
    Reader r = new Reader(body, 0x7980);
    int version = r.u16();
    if (version != DtlsCipher.VERSION && version != 0xFEFF) throw new Failure(0x6E80, PROTOCOL_VERSION);
    cookie = r.bytes(r.u8());
    transcript.reset(); // the first ClientHello and the HelloVerifyRequest are not part of the handshake's hash
    flightDone();
    sendFlight(List.of(handshake(CLIENT_HELLO, clientHello())));
  }

  private void serverHello(byte[] body) throws Failure {
    Reader r = new Reader(body, 0x7980); // MBEDTLS_ERR_SSL_BAD_HS_SERVER_HELLO
    if (r.u16() != DtlsCipher.VERSION) {
      log.line(1, "ssl_cli.c", "server version out of bounds -  min: [3:3], server: [3:2], max: [3:3]");
      throw new Failure(0x6E80, PROTOCOL_VERSION);
    }
    serverRandom = r.bytes(32);
    int sessionLength = r.u8();
    if (sessionLength > 32) throw new Failure(0x7980, DECODE_ERROR);
    r.bytes(sessionLength);
    int number = r.u16();
    int compression = r.u8();
    suite = TlsSuites.suite(number);
    if (suite == null || (suite.keyExchange().psk() && settings.psk == null)) throw new Failure(0x7980, ILLEGAL_PARAMETER);
    if (compression != 0) throw new Failure(0x7080, ILLEGAL_PARAMETER); // MBEDTLS_ERR_SSL_FEATURE_UNAVAILABLE
    if (r.left() > 0) {
      Reader ext = new Reader(r.bytes(r.u16()), 0x7980);
      while (ext.left() > 0) {
        int id = ext.u16();
        byte[] data = ext.bytes(ext.u16());
        if (id == 0xFF01 && (data.length != 1 || data[0] != 0)) throw new Failure(0x7980, HANDSHAKE_FAILURE);
        if (id == 22) etm = true;
        if (id == 23) ems = true;
      }
    }
    if (r.left() > 0) throw new Failure(0x7980, DECODE_ERROR);
    log.serverHello(number);
    stage = Stage.SERVER_FLIGHT;
  }

  private void serverCertificate(byte[] body) throws Failure {
    if (!suite.keyExchange().certificate() || serverChain != null) throw new Failure(0x7700, UNEXPECTED_MESSAGE);
    List<X509Certificate> chain = new ArrayList<>();
    try {
      Reader r = new Reader(body, 0x7A00);
      Reader list = new Reader(r.bytes(r.u24()), 0x7A00);
      CertificateFactory f = CertificateFactory.getInstance("X.509");
      while (list.left() > 0) {
        chain.add((X509Certificate) f.generateCertificate(new ByteArrayInputStream(list.bytes(list.u24()))));
      }
    } catch (GeneralSecurityException e) {
      throw new Failure(0x7A00, BAD_CERTIFICATE); // MBEDTLS_ERR_SSL_BAD_HS_CERTIFICATE
    }
    if (chain.isEmpty()) throw new Failure(0x7A00, DECODE_ERROR);
    serverChain = chain;
    if (!settings.verify) return;
    int flags = CertCheck.verify(chain, settings.trusted, host, new Date(wall.getAsLong()));
    if (flags == 0) return;
    log.verifyFailed(flags);
    throw new Failure(0x2700, CertCheck.alert(flags)); // MBEDTLS_ERR_X509_CERT_VERIFY_FAILED
  }

  private void serverKeyExchange(byte[] body) throws Failure {
    KeyExchange exchange = suite.keyExchange();
    if (exchange.psk()) return; // a PSK identity hint: the module sends its identity anyway
    if (!exchange.ecdhe() || serverChain == null) throw new Failure(0x7700, UNEXPECTED_MESSAGE);
    Reader r = new Reader(body, 0x7B00); // MBEDTLS_ERR_SSL_BAD_HS_SERVER_KEY_EXCHANGE
    if (r.u8() != 3) throw new Failure(0x7B00, ILLEGAL_PARAMETER); // named_curve only
    int group = r.u16();
    if (Arrays.stream(GROUPS).noneMatch(g -> g == group)) throw new Failure(0x7B00, ILLEGAL_PARAMETER);
    byte[] point = r.bytes(r.u8());
    byte[] params = Arrays.copyOf(body, 4 + point.length);
    int algorithm = r.u16();
    byte[] signature = r.bytes(r.u16());
    if (Arrays.stream(SIGNATURE_ALGORITHMS).noneMatch(a -> a == algorithm)) throw new Failure(0x7B00, ILLEGAL_PARAMETER);
    boolean rsa = (algorithm & 0xFF) == 1;
    String hash = switch (algorithm >> 8) {
      case 3 -> "SHA224";
      case 4 -> "SHA256";
      case 5 -> "SHA384";
      default -> "SHA512";
    };
    boolean valid;
    try {
      Signature s = Signature.getInstance(hash + "with" + (rsa ? "RSA" : "ECDSA"));
      s.initVerify(serverChain.get(0).getPublicKey());
      s.update(concat(concat(clientRandom, serverRandom), params));
      valid = s.verify(signature);
    } catch (GeneralSecurityException e) {
      valid = false;
    }
    if (!valid) throw new Failure(rsa ? 0x4380 : 0x4E00, DECRYPT_ERROR); // RSA_VERIFY_FAILED, ECP_VERIFY_FAILED
    try {
      agreement = CRYPTO.createECDomain(new TlsECConfig(group)).createECDH();
      agreement.receivePeerValue(point);
    } catch (java.io.IOException | RuntimeException e) {
      throw new Failure(0x7B00, ILLEGAL_PARAMETER);
    }
  }

  private void serverHelloDone() throws Failure {
    if ((suite.keyExchange().certificate() && serverChain == null) || (suite.keyExchange().ecdhe() && agreement == null)) {
      throw new Failure(0x7700, UNEXPECTED_MESSAGE);
    }
    flightDone();
    clientFlight();
  }

  /** {@code mbedtls_ssl_recv_flight_completed}: the timer stops, the next flight of the server starts here. */
  private void flightDone() {
    timerRunning = false;
    flightStartSeq = recvSeq;
    assemblies.clear();
  }

  private byte[] transcriptHash() {
    Digest d = suite.sha384() ? new SHA384Digest() : new SHA256Digest();
    byte[] t = transcript.toByteArray();
    d.update(t, 0, t.length);
    byte[] out = new byte[d.getDigestSize()];
    d.doFinal(out, 0);
    return out;
  }

  private void fail(Failure f) {
    if (stage == Stage.FAILED) return;
    if (f.alert >= 0) {
      log.alertSent(2, f.alert);
      send(recordBytes(writeEpoch, ALERT, new byte[] {2, (byte) f.alert}));
    }
    stage = Stage.FAILED;
    timerRunning = false;
    link.failed(f.code);
  }

  private static int u16(byte[] b, int p) {
    return ((b[p] & 0xFF) << 8) | (b[p + 1] & 0xFF);
  }

  private static int u24(byte[] b, int p) {
    return ((b[p] & 0xFF) << 16) | u16(b, p + 1);
  }

  /** Why the handshake fails: the mbedtls error and the alert sent first (-1: none). */
  private static final class Failure extends Exception {
    Failure(int code, int alert) {
      super(null, null, false, false);
      this.code = code;
      this.alert = alert;
    }

    final int code;
    final int alert;
  }

  /** Reads a message; a message that ends too early fails with {@code code} and a decode_error. */
  private static final class Reader {
    Reader(byte[] b, int code) {
      this.b = b;
      this.code = code;
    }

    int left() {
      return b.length - p;
    }

    int u8() throws Failure {
      return bytes(1)[0] & 0xFF;
    }

    int u16() throws Failure {
      return DtlsClient.u16(bytes(2), 0);
    }

    int u24() throws Failure {
      return DtlsClient.u24(bytes(3), 0);
    }

    byte[] bytes(int n) throws Failure {
      if (n < 0 || n > left()) throw new Failure(code, DECODE_ERROR);
      byte[] out = Arrays.copyOfRange(b, p, p + n);
      p += n;
      return out;
    }

    private final byte[] b;
    private final int code;
    private int p;
  }

  /** Writes a message. */
  private static final class Buf extends ByteArrayOutputStream {
    Buf u8(int v) {
      write(v);
      return this;
    }

    Buf u16(int v) {
      return u8(v >> 8).u8(v);
    }

    Buf u24(int v) {
      return u8(v >> 16).u16(v);
    }

    Buf bytes(byte[] b) {
      writeBytes(b);
      return this;
    }
  }

  /** A server message put together from its fragments. */
  private static final class Assembly {
    Assembly(int type, int length) {
      this.type = type;
      this.body = new byte[length];
    }

    void add(int offset, byte[] fragment) {
      for (int i = 0; i < fragment.length; i++) {
        if (!got.get(offset + i)) {
          got.set(offset + i);
          body[offset + i] = fragment[i];
          count++;
        }
      }
    }

    boolean complete() {
      return count == body.length;
    }

    final int type;
    final byte[] body;
    private final BitSet got = new BitSet();
    private int count;
  }

  /** The anti-replay window of RFC 6347 4.1.2.6, over the last 64 record numbers of the read epoch. */
  private static final class ReplayWindow {
    boolean seen(long seq) {
      if (top < 0 || seq > top) return false;
      long behind = top - seq;
      return behind >= 64 || (bits & (1L << behind)) != 0;
    }

    void mark(long seq) {
      if (top < 0 || seq > top) {
        long shift = top < 0 ? 64 : seq - top;
        bits = shift >= 64 ? 1 : (bits << shift) | 1;
        top = seq;
      } else {
        bits |= 1L << (top - seq);
      }
    }

    private long top = -1;
    private long bits;
  }

  private record Out(int epoch, int type, byte[] payload) {}

  /** A record of the next epoch that came before the ChangeCipherSpec. */
  private record Early(int type, long seq, byte[] fragment) {}

  private enum Stage { HELLO, SERVER_FLIGHT, FINISHED, OPEN, FAILED }

  /** mbedtls's DTLS handshake timeouts as the firmware sets them: 2 s, doubling up to the default maximum. */
  static final int MIN_TIMEOUT = 2000, MAX_TIMEOUT = 60000;
  private static final int CHANGE_CIPHER_SPEC = 20, ALERT = 21, HANDSHAKE = 22, APPLICATION_DATA = 23;
  private static final int CLIENT_HELLO = 1, SERVER_HELLO = 2, HELLO_VERIFY_REQUEST = 3, CERTIFICATE = 11,
      SERVER_KEY_EXCHANGE = 12, CERTIFICATE_REQUEST = 13, SERVER_HELLO_DONE = 14, CERTIFICATE_VERIFY = 15,
      CLIENT_KEY_EXCHANGE = 16, FINISHED = 20;
  private static final int HANDSHAKE_FAILURE = 40, BAD_CERTIFICATE = 42, ILLEGAL_PARAMETER = 47, DECODE_ERROR = 50,
      DECRYPT_ERROR = 51, PROTOCOL_VERSION = 70, INTERNAL_ERROR = 80, UNEXPECTED_MESSAGE = 10;
  private static final int EMPTY_RENEGOTIATION_INFO_SCSV = 0x00FF;
  /** mbedtls's default hashes (SHA-512 down to SHA-224), each with ECDSA, then RSA. */
  private static final int[] SIGNATURE_ALGORITHMS = {0x0603, 0x0601, 0x0503, 0x0501, 0x0403, 0x0401, 0x0303, 0x0301};
  private static final BcTlsCrypto CRYPTO = new BcTlsCrypto();
  /** mbedtls's curves in its order ({@code ecp_supported_curves}), as far as Bouncy Castle has them. */
  private static final int[] GROUPS = Arrays.stream(new int[] {NamedGroup.secp521r1, NamedGroup.brainpoolP512r1,
      NamedGroup.secp384r1, NamedGroup.brainpoolP384r1, NamedGroup.secp256r1, NamedGroup.secp256k1,
      NamedGroup.brainpoolP256r1, NamedGroup.secp224r1, NamedGroup.secp224k1, NamedGroup.secp192r1,
      NamedGroup.secp192k1, NamedGroup.x25519, NamedGroup.x448}).filter(CRYPTO::hasNamedGroup).toArray();
  private static final int MAX_AHEAD = 8;
  private static final int MAX_MESSAGE = 1 << 16;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final TlsSettings settings;
  private final String host;
  private final TlsLog log;
  private final Link link;
  private final LongSupplier clock;
  private final LongSupplier wall;
  private final byte[] clientRandom = new byte[32];
  private final ByteArrayOutputStream transcript = new ByteArrayOutputStream();
  private final ArrayDeque<byte[]> unread = new ArrayDeque<>(); // datagrams not read yet
  private final Map<Integer, Assembly> assemblies = new HashMap<>();
  private final List<Early> early = new ArrayList<>();
  private final long[] writeSeq = new long[2];
  private Stage stage = Stage.HELLO;
  private byte[] cookie = new byte[0];
  private byte[] serverRandom;
  private Suite suite;
  private boolean ems, etm, certificateRequested;
  private List<X509Certificate> serverChain;
  private TlsAgreement agreement;
  private byte[] master;
  private DtlsCipher cipher;
  private int writeEpoch, readEpoch;
  private ReplayWindow replay = new ReplayWindow();
  private int sendSeq, recvSeq, flightStartSeq;
  private List<Out> flight; // what a retransmission sends; null once the handshake is over
  private long timerStart;
  private int timeoutMillis = MIN_TIMEOUT;
  private boolean timerRunning;
}
