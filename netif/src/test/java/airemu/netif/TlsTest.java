package airemu.netif;

import static airemu.netif.SocketEvents.EVENT;
import static airemu.netif.SocketEvents.ON_LINE;
import static airemu.netif.SocketEvents.TX_OK;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import airemu.netif.SocketCtrl.State;
import airemu.netif.SocketCtrl.Status;
import airemu.netif.peers.EchoPeer;
import airemu.netif.peers.OpensslServer;
import airemu.netif.peers.Pki;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * TLS and DTLS ctrls against real {@code openssl s_server} peers, a JDK TLS server and scripted
 * peers: spec 2.3, 2.12 and 3.2. Each row checks what the script receives and the bytes echoed back.
 */
class TlsTest {
  /** The name scripts connect to; the hosts table points it at loopback. */
  private static final String HOST = "tls.test";
  /** Another name for loopback, which the certificate "other" carries. */
  private static final String OTHER = "other.test";
  private static final String PASSWORD = "s3cret";
  private static final Status PENDING = new Status(true, false);
  private static final State HANDSHAKING = new State(4, "正在TLS握手");
  /**
   * Device time that a stalled handshake is left to: past mbedtls's 20 s read timeout and its DTLS
   * timers (2 s doubling to 60 s, then the expiry that ends the handshake), had they events of
   * their own on a module.
   */
  private static final Duration STALL = Duration.ofMinutes(10);
  /** A DTLS server of a PSK, and the arguments of a ctrl that has it. */
  private static final String[] PSK_SERVER = {"-dtls1_2", "-nocert", "-psk", "31323334", "-psk_identity", "dev1"};
  private static final TlsArgs PSK = new TlsArgs("1234".getBytes(StandardCharsets.US_ASCII), "dev1".getBytes(StandardCharsets.US_ASCII), null, null);

  @TempDir static Path dir;
  private static Pki ca;
  private static Pki.Issued client;
  private static String caPem, otherCaPem, clientPem, clientKeyPem;
  private TestDevice dev;

  @BeforeAll
  static void certificates() throws IOException {
    ca = Pki.create("airemu test CA");
    caPem = ca.certificatePem();
    otherCaPem = Pki.create("some other CA").certificatePem();
    write("server", ca.issue(HOST, List.of(HOST), Duration.ofDays(1)));
    write("other", ca.issue("other.test", List.of("other.test"), Duration.ofDays(1)));
    write("expired", ca.issue(HOST, List.of(HOST), Instant.now().minus(Duration.ofDays(3)), Instant.now().minus(Duration.ofDays(1))));
    write("rsa", ca.issueRsa(HOST, List.of(HOST), Duration.ofDays(1)));
    client = ca.issue("device-1", List.of(), Duration.ofDays(1));
    clientPem = client.certificatePem();
    clientKeyPem = client.encryptedKeyPem(PASSWORD);
    Files.writeString(dir.resolve("ca.pem"), caPem);
  }

  private static void write(String name, Pki.Issued cert) throws IOException {
    Files.writeString(dir.resolve(name + ".pem"), cert.certificatePem());
    Files.writeString(dir.resolve(name + ".key"), cert.keyPem());
  }

  private static String[] serving(String name, String... more) {
    List<String> args = new java.util.ArrayList<>(List.of("-cert", dir.resolve(name + ".pem").toString(),
        "-key", dir.resolve(name + ".key").toString()));
    args.addAll(List.of(more));
    return args.toArray(String[]::new);
  }

  @BeforeEach
  void boot() {
    dev = Boards.readyAir780(options(), 32);
  }

  private static NetOptions options() {
    InetAddress loopback = InetAddress.getLoopbackAddress();
    return Boards.options().withHost(HOST, loopback).withHost(OTHER, loopback);
  }

  /** The device in its place on a clock the test moves (see {@link #STALL}). */
  private void onManualClock() {
    dev.close();
    dev = Boards.readyAir780OnManualClock(options(), 32);
  }

  @AfterEach
  void shutdown() {
    dev.close();
  }

  private static byte[] bytes(String s) {
    return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
  }

  private SocketCtrl tls(boolean udp, TlsArgs args) {
    return dev.call(() -> {
      SocketCtrl c = dev.stack().create(null);
      assertEquals(Boolean.TRUE, c.config(0, udp, args, 0, 0, 0));
      return c;
    });
  }

  private SocketCtrl connected(boolean udp, TlsArgs args, int port) {
    return connected(udp, args, HOST, port);
  }

  private SocketCtrl connected(boolean udp, TlsArgs args, String host, int port) {
    SocketCtrl c = tls(udp, args);
    assertEquals(PENDING, dev.call(() -> c.connect(host, port, false)));
    return c;
  }

  private static TlsArgs trusting(String pem) {
    return new TlsArgs(bytes(pem), null, null, null);
  }

  /**
   * A line goes out, is acknowledged, and comes back from the echoing peer, in one piece or, with TLS
   * 1.0's split CBC records, in two.
   */
  private void echoes(SocketCtrl c, String line) {
    assertEquals(new SocketCtrl.Tx(true, false, false), dev.call(() -> c.tx(TestDevice.bytes(line))));
    dev.expect(c, TX_OK, 0);
    TestDevice.Sink sink = new TestDevice.Sink();
    while (sink.text().length() < line.length()) {
      dev.expect(c, EVENT, 0);
      dev.run(() -> c.rx(sink, 0));
    }
    assertEquals(line, sink.text());
  }

  @Test
  void tls12WithoutVerificationGoesOnlineAndEchoes() {
    try (OpensslServer s = OpensslServer.start(false, serving("server", "-tls1_2"))) {
      SocketCtrl c = connected(false, TlsArgs.NONE, s.port());
      dev.expect(c, ON_LINE, 0);
      assertEquals(new State(5, "在线"), dev.call(c::state));
      echoes(c, "hello over tls\n");
    }
  }

  @Test
  void withTheRightCaTheServerIsVerified() {
    try (OpensslServer s = OpensslServer.start(false, serving("server", "-tls1_2"))) {
      SocketCtrl c = connected(false, new TlsArgs(bytes(caPem), null, null, null), s.port());
      dev.expect(c, ON_LINE, 0);
      echoes(c, "verified\n");
    }
  }

  @Test
  void aServerOfAnotherCaFailsTheHandshakeWithTheVerifyError() {
    failsVerification(false, "server", otherCaPem);
  }

  @Test
  void anExpiredCertificateFails() {
    failsVerification(false, "expired", caPem);
  }

  @Test
  void aCertificateForAnotherHostFails() {
    failsVerification(false, "other", caPem);
  }

  @Test
  void aDtlsServerOfAnotherCaFailsTheHandshakeWithTheVerifyError() {
    failsVerification(true, "server", otherCaPem);
  }

  @Test
  void anExpiredDtlsCertificateFails() {
    failsVerification(true, "expired", caPem);
  }

  @Test
  void aDtlsCertificateForAnotherHostFails() {
    failsVerification(true, "other", caPem);
  }

  /**
   * The TLS or DTLS server presents {@code cert}; trusting {@code trustedPem}, the ctrl refuses it.
   * With {@code sslLog(1)} the refusal is in the log, and nothing of levels 2 and 3. Released, the
   * refused socket leaves no channel open.
   */
  private void failsVerification(boolean udp, String cert, String trustedPem) {
    try (OpensslServer s = OpensslServer.start(udp, serving(cert, udp ? "-dtls1_2" : "-tls1_2"))) {
      dev.run(() -> dev.stack().sslLog(1));
      SocketCtrl c = connected(udp, trusting(trustedPem), s.port());
      dev.expect(c, ON_LINE, -1);
      assertEquals(HANDSHAKING, dev.call(c::state)); // a failure leaves the state, as the firmware does
      assertTrue(dev.log().contains("TLS handshake failed 0x2700 !!"), dev.log().toString());
      assertTrue(dev.log().contains("ssl_tls.c 0:x509_verify_cert() returned -9984 (-0x2700)"), dev.log().toString());
      assertFalse(dev.log().stream().anyMatch(l -> l.contains("=> ") || l.contains("verification flags")), dev.log().toString());
      dev.run(c::release);
      Await.until("the refused socket to close", () -> Transport.shared().openChannels() == 0);
    }
  }

  @Test
  void aCertificateValidOnlyInTheDevicesTimeIsCheckedAgainstTheDeviceClock() throws IOException {
    checkedAgainstTheDeviceClock(false);
  }

  @Test
  void aDtlsCertificateValidOnlyInTheDevicesTimeIsCheckedAgainstTheDeviceClock() throws IOException {
    checkedAgainstTheDeviceClock(true);
  }

  /**
   * A certificate of a month ago: refused while the device's clock reads the host's time (as the
   * network's time set it at the attach), accepted once the clock reads a month ago (as
   * {@code socket.sntp} from a server of that time would set it).
   */
  private void checkedAgainstTheDeviceClock(boolean udp) throws IOException {
    Instant deviceNow = Instant.now().minus(Duration.ofDays(30));
    Pki oldCa = Pki.create("a CA of last month", deviceNow.minus(Duration.ofDays(1)), deviceNow.plus(Duration.ofDays(1)));
    write("then", oldCa.issue(HOST, List.of(HOST), deviceNow.minus(Duration.ofDays(1)), deviceNow.plus(Duration.ofDays(1))));
    try (OpensslServer s = OpensslServer.start(udp, serving("then", udp ? "-dtls1_2" : "-tls1_2"))) {
      SocketCtrl now = connected(udp, trusting(oldCa.certificatePem()), s.port());
      dev.expect(now, ON_LINE, -1);
      assertTrue(dev.log().contains("TLS handshake failed 0x2700 !!"), dev.log().toString());
      dev.run(now::release);
      dev.run(() -> dev.stack().wallClock(deviceNow::toEpochMilli)); // the RTC that network time and socket.sntp set
      SocketCtrl then = connected(udp, trusting(oldCa.certificatePem()), s.port());
      dev.expect(then, ON_LINE, 0);
      echoes(then, "a month ago\n");
    }
  }

  @Test
  void mutualTlsSendsTheClientCertificateWithItsEncryptedKey() {
    mutualEchoes(false, "-tls1_2");
  }

  /** A server that demands a client certificate of the CA gets it, over TCP or UDP. */
  private void mutualEchoes(boolean udp, String version) {
    String caFile = dir.resolve("ca.pem").toString();
    try (OpensslServer s = OpensslServer.start(udp, serving("server", version, "-Verify", "1", "-CAfile", caFile))) {
      SocketCtrl c = connected(udp, new TlsArgs(bytes(caPem), bytes(clientPem), bytes(clientKeyPem), bytes(PASSWORD)), s.port());
      dev.expect(c, ON_LINE, 0);
      echoes(c, "mutual " + version + "\n");
    }
  }

  @Test
  void aServerDemandingAClientCertificateRefusesAClientWithout() {
    String ca = dir.resolve("ca.pem").toString();
    try (OpensslServer s = OpensslServer.start(false, serving("server", "-tls1_2", "-Verify", "1", "-CAfile", ca))) {
      SocketCtrl c = connected(false, new TlsArgs(bytes(caPem), null, null, null), s.port());
      dev.expect(c, ON_LINE, -1);
      assertTrue(dev.log().contains("TLS handshake failed 0x7780 !!"), dev.log().toString());
    }
  }

  @Test
  void tls10IsNegotiatedWithAServerThatAllowsOnlyIt() {
    oldVersionEchoes("-tls1", "TLS 1.0");
  }

  @Test
  void tls11IsNegotiatedWithAServerThatAllowsOnlyIt() {
    oldVersionEchoes("-tls1_1", "TLS 1.1");
  }

  /** A server that allows nothing newer than {@code flag}'s version: the handshake and the echo prove it spoken. */
  private void oldVersionEchoes(String flag, String version) {
    try (OpensslServer s = OpensslServer.start(false, serving("server", flag, "-cipher", "DEFAULT@SECLEVEL=0"))) {
      SocketCtrl c = connected(false, TlsArgs.NONE, s.port());
      dev.expect(c, ON_LINE, 0);
      echoes(c, "old but fine, " + version + "\n");
    }
  }

  @Test
  void sniIsTheNameTheScriptConnectedTo() {
    // the server presents other.test's certificate unless the hello names tls.test
    try (OpensslServer s = OpensslServer.start(false, serving("other", "-tls1_2", "-servername", HOST,
        "-cert2", dir.resolve("server.pem").toString(), "-key2", dir.resolve("server.key").toString()))) {
      SocketCtrl byName = connected(false, trusting(caPem), HOST, s.port());
      dev.expect(byName, ON_LINE, 0);
      echoes(byName, "named tls.test\n");
      dev.run(byName::close);
      SocketCtrl other = connected(false, trusting(caPem), OTHER, s.port());
      dev.expect(other, ON_LINE, 0);
      echoes(other, "named other.test\n");
    }
  }

  @Test
  void aRenegotiationTheServerAsksForIsAccepted() throws Exception {
    SSLContext tls = SSLContext.getInstance("TLSv1.2");
    KeyStore keys = KeyStore.getInstance("PKCS12");
    keys.load(null, null);
    Pki.Issued server = ca.issue(HOST, List.of(HOST), Duration.ofDays(1));
    keys.setKeyEntry("server", server.key(), new char[0], new java.security.cert.Certificate[] {CertificateFactory
        .getInstance("X.509").generateCertificate(new ByteArrayInputStream(bytes(server.certificatePem())))});
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(keys, new char[0]);
    tls.init(kmf.getKeyManagers(), null, null);
    CountDownLatch handshakes = new CountDownLatch(2); // the JDK tells its listeners on a thread of their own
    try (SSLServerSocket listener = (SSLServerSocket) tls.getServerSocketFactory().createServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Thread peer = new Thread(() -> {
        try (SSLSocket sock = (SSLSocket) listener.accept()) {
          sock.addHandshakeCompletedListener(e -> handshakes.countDown());
          BufferedReader in = new BufferedReader(new InputStreamReader(sock.getInputStream(), StandardCharsets.US_ASCII));
          OutputStream out = sock.getOutputStream();
          out.write((in.readLine() + "\n").getBytes(StandardCharsets.US_ASCII));
          sock.startHandshake(); // TLS 1.2: a HelloRequest, the client's new handshake comes with the next read
          out.write((in.readLine() + "\n").getBytes(StandardCharsets.US_ASCII));
          in.read(); // until the client closes
        } catch (IOException e) {
          // the test fails on the missing echo
        }
      }, "test-renegotiating-server");
      peer.setDaemon(true);
      peer.start();
      SocketCtrl c = connected(false, trusting(caPem), listener.getLocalPort());
      dev.expect(c, ON_LINE, 0);
      echoes(c, "before\n");
      echoes(c, "after\n");
      assertTrue(handshakes.await(TestDevice.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS), "the first handshake and the renegotiation");
    }
  }

  @Test
  void aTls13OnlyServerFailsLikeOnTheModule() {
    try (OpensslServer s = OpensslServer.start(false, serving("server", "-tls1_3"))) {
      SocketCtrl c = connected(false, TlsArgs.NONE, s.port());
      dev.expect(c, ON_LINE, -1);
      assertTrue(dev.log().contains("TLS handshake failed 0x7780 !!"), dev.log().toString());
    }
  }

  @Test
  void dtls12WithAPskGoesOnlineAndEchoes() {
    try (OpensslServer s = OpensslServer.start(true, PSK_SERVER)) {
      SocketCtrl c = connected(true, PSK, s.port());
      dev.expect(c, ON_LINE, 0);
      echoes(c, "hello over dtls\n");
      // more than a record: mbedtls_ssl_write refuses a DTLS datagram it would have to split
      assertEquals(new SocketCtrl.Tx(false, true, false), dev.call(() -> c.tx(TestDevice.bytes("x".repeat(16385)))));
    }
  }

  @Test
  void dtlsWithCertificatesVerifiesTheServer() {
    try (OpensslServer s = OpensslServer.start(true, serving("server", "-dtls1_2"))) {
      SocketCtrl c = connected(true, new TlsArgs(bytes(caPem), null, null, null), s.port());
      dev.expect(c, ON_LINE, 0);
      echoes(c, "dtls with certificates\n");
    }
  }

  @Test
  void aServerClosingMidHandshakeFailsTheConnect() throws Exception {
    try (Peers.OneShotServer s = new Peers.OneShotServer((in, out, sock) -> in.read(new byte[5]))) {
      SocketCtrl c = connected(false, TlsArgs.NONE, s.port);
      dev.expect(c, ON_LINE, -1);
      s.join();
      assertFalse(dev.log().stream().anyMatch(l -> l.startsWith("TLS handshake failed")), dev.log().toString());
    }
  }

  @Test
  void aServerAnsweringGarbageFailsTheHandshake() throws Exception {
    try (Peers.OneShotServer s = new Peers.OneShotServer((in, out, sock) -> {
      in.read(new byte[5]);
      out.write("HTTP/1.1 400 Bad Request\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      in.read(); // until the client gives up and closes
    })) {
      SocketCtrl c = connected(false, TlsArgs.NONE, s.port);
      dev.expect(c, ON_LINE, -1);
      assertTrue(dev.log().contains("TLS handshake failed 0x7200 !!"), dev.log().toString());
      s.join();
    }
  }

  @Test
  void aServerThatSaysNothingLeavesTheCtrlHandshakingUntilTheScriptCloses() throws Exception {
    onManualClock();
    CountDownLatch hello = new CountDownLatch(1);
    int[] end = new int[1];
    try (Peers.OneShotServer s = new Peers.OneShotServer((in, out, sock) -> {
      in.read(new byte[5]);
      hello.countDown();
      byte[] rest = new byte[4096];
      while (in.read(rest) >= 0) {
        // the hello's remainder; then the end of the stream when the script closes
      }
      end[0] = -1;
    })) {
      SocketCtrl c = connected(false, TlsArgs.NONE, s.port);
      assertTrue(hello.await(TestDevice.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
      Await.until("state 4", () -> HANDSHAKING.equals(dev.call(c::state)));
      dev.advance(STALL); // the firmware steps the handshake on received data only: the time brings nothing
      assertEquals(List.of(), dev.pending());
      assertEquals(HANDSHAKING, dev.call(c::state));
      dev.run(c::close);
      s.join(); // the server saw the connection end: nothing is left open
      assertEquals(-1, end[0]);
    }
  }

  @Test
  void configIsFalseForACertificateOrKeyThatDoesNotParse() {
    Boolean badCa = dev.call(() -> dev.stack().create(null).config(0, false, new TlsArgs(bytes("not a certificate"), null, null, null), 0, 0, 0));
    Boolean badKey = dev.call(() -> dev.stack().create(null).config(0, false, new TlsArgs(null, bytes(clientPem), bytes("junk"), null), 0, 0, 0));
    Boolean noPassword = dev.call(() -> dev.stack().create(null).config(0, false, new TlsArgs(null, bytes(clientPem), bytes(clientKeyPem), null), 0, 0, 0));
    Boolean wrongPassword = dev.call(() -> dev.stack().create(null).config(0, false, new TlsArgs(null, bytes(clientPem), bytes(clientKeyPem), bytes("nope")), 0, 0, 0));
    assertEquals(List.of(false, false, false, false), List.of(badCa, badKey, noPassword, wrongPassword));
    assertTrue(dev.log().contains("E/socket network_set_server_cert failed"), dev.log().toString());
    assertEquals(3, dev.log().stream().filter("E/socket network_set_client_cert failed"::equals).count(), dev.log().toString());
  }

  /**
   * The firmware hands mbedtls 2.28 the password with its NUL: a PBES2 key with 3DES still decrypts
   * (PBKDF2's HMAC pads its key with zeros), OpenSSL's legacy encrypted PEM does not, and mbedtls 2.x
   * has no AES for PBES2.
   */
  @Test
  void encryptedKeysAreReadAsTheModuleReadsThem() {
    List<Boolean> results = new ArrayList<>();
    for (String key : List.of(client.encryptedKeyPem(PASSWORD), client.aesEncryptedKeyPem(PASSWORD), client.legacyEncryptedKeyPem(PASSWORD))) {
      results.add(dev.call(() -> dev.stack().create(null).config(0, false, new TlsArgs(null, bytes(clientPem), bytes(key), bytes(PASSWORD)), 0, 0, 0)));
    }
    assertEquals(List.of(true, false, false), results);
  }

  @Test
  void aCaFileWithABrokenCertificateIsFalseButKeepsTheOnesThatParsed() {
    String broken = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";
    try (OpensslServer s = OpensslServer.start(false, serving("server", "-tls1_2"))) {
      SocketCtrl c = dev.call(() -> {
        SocketCtrl x = dev.stack().create(null);
        assertEquals(Boolean.FALSE, x.config(0, false, trusting(broken + caPem), 0, 0, 0));
        return x;
      });
      assertTrue(dev.log().contains("E/socket network_set_server_cert failed"), dev.log().toString());
      assertEquals(PENDING, dev.call(() -> c.connect(HOST, s.port(), false))); // a script that goes on anyway
      dev.expect(c, ON_LINE, 0);
      echoes(c, "verified by the good half\n");
    }
  }

  @Test
  void sslLogPrintsMbedtlsLinesAtTheirLevels() {
    try (OpensslServer s = OpensslServer.start(false, serving("server", "-tls1_2"))) {
      SocketCtrl quiet = connected(false, TlsArgs.NONE, s.port());
      dev.expect(quiet, ON_LINE, 0);
      assertFalse(dev.log().stream().anyMatch(l -> l.contains(" 0:")), dev.log().toString());
      dev.run(quiet::close);

      dev.run(() -> dev.stack().sslLog(2));
      SocketCtrl two = connected(false, TlsArgs.NONE, s.port());
      dev.expect(two, ON_LINE, 0);
      Await.until("the handshake's end in the log", () -> dev.log().contains("ssl_tls.c 0:<= parse finished"));
      assertTrue(dev.log().containsAll(List.of("ssl_cli.c 0:=> write client hello", "ssl_cli.c 0:=> parse server hello",
          "ssl_cli.c 0:<= parse server hello")), dev.log().toString());
      assertTrue(dev.log().stream().anyMatch(l -> l.matches("ssl_msg.c 0:ssl->f_recv\\(_timeout\\)\\(\\) returned \\d+ \\(-0xf+[0-9a-f]+\\)")),
          dev.log().toString());
      assertFalse(dev.log().stream().anyMatch(l -> l.contains("chosen ciphersuite")), "level 3 only: " + dev.log());
      dev.run(two::close);

      dev.run(() -> dev.stack().sslLog(3));
      SocketCtrl three = connected(false, TlsArgs.NONE, s.port());
      dev.expect(three, ON_LINE, 0);
      Await.until("the suite in the log", () -> dev.log().stream().anyMatch(l -> l.startsWith("ssl_cli.c 0:server hello, chosen ciphersuite: TLS-")));
      assertTrue(dev.log().contains("ssl_cli.c 0:server hello, chosen ciphersuite: c02c"), dev.log().toString());
      assertTrue(dev.log().contains("ssl_cli.c 0:server hello, chosen ciphersuite: TLS-ECDHE-ECDSA-WITH-AES-256-GCM-SHA384"),
          dev.log().toString());
    }
  }

  // --- DTLS: cookies, fragments, suites, loss, and no thread per handshake ------------------------

  @Test
  void mutualDtlsSendsTheClientCertificate() {
    mutualEchoes(true, "-dtls1_2");
  }

  /** network_init_tls sets DTLS 1.2 as minimum and maximum: a DTLS 1.0 server is refused. */
  @Test
  void aDtls10OnlyServerFailsAsOnTheModule() {
    try (OpensslServer s = OpensslServer.start(true, serving("server", "-dtls1", "-cipher", "DEFAULT@SECLEVEL=0"))) {
      SocketCtrl c = connected(true, trusting(caPem), s.port());
      dev.expect(c, ON_LINE, -1);
      assertTrue(dev.log().contains("TLS handshake failed 0x6e80 !!"), dev.log().toString());
    }
  }

  @Test
  void dtlsAnswersACookieAndReassemblesAFragmentedCertificate() {
    // -listen: a HelloVerifyRequest first; -mtu 300: the certificate comes in pieces
    try (OpensslServer s = OpensslServer.start(true, serving("server", "-dtls1_2", "-listen", "-mtu", "300"))) {
      SocketCtrl c = connected(true, trusting(caPem), s.port());
      dev.expect(c, ON_LINE, 0);
      echoes(c, "after a cookie\n");
    }
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({
      "server, ECDHE-ECDSA-AES128-SHA", // CBC, encrypt-then-MAC
      "server, ECDHE-ECDSA-AES256-SHA384 -no_etm", // CBC, MAC-then-encrypt, the SHA-384 PRF
      "server, ECDHE-ECDSA-AES128-CCM8",
      "server, ECDHE-ECDSA-AES256-CCM",
      "rsa, AES128-GCM-SHA256", // the RSA key exchange
      "rsa, ECDHE-RSA-AES256-GCM-SHA384",
      "psk, PSK-AES128-CCM8",
      "psk, PSK-AES256-CBC-SHA384"})
  void dtlsSpeaksEverySuiteKind(String cert, String cipher) {
    List<String> args = new ArrayList<>(List.of("-dtls1_2", "-cipher", cipher.split(" ")[0]));
    if (cipher.contains(" ")) args.add(cipher.split(" ")[1]);
    boolean psk = cert.equals("psk");
    if (psk) args.addAll(List.of("-nocert", "-psk", "31323334", "-psk_identity", "dev1"));
    try (OpensslServer s = OpensslServer.start(true, psk ? args.toArray(String[]::new) : serving(cert, args.toArray(String[]::new)))) {
      dev.run(() -> dev.stack().sslLog(3));
      SocketCtrl c = connected(true, psk ? PSK : trusting(caPem), s.port());
      dev.expect(c, ON_LINE, 0);
      echoes(c, cipher + "\n");
      echoes(c, "x".repeat(1000) + "\n");
    }
  }

  @Test
  void aLostFlightIsResentWhenTheServerRepeatsItsOwn() throws Exception {
    AtomicInteger flightsWithChangeCipherSpec = new AtomicInteger();
    AtomicInteger repeatsBeforeResend = new AtomicInteger(); // the server's ServerHelloDones between the lost flight and the resent one
    try (OpensslServer s = OpensslServer.start(true, PSK_SERVER);
         Relay relay = new Relay(s.port(), (fromServer, d, length) -> {
           if (fromServer) {
             if (flightsWithChangeCipherSpec.get() == 1 && Relay.holds(d, length, 22, 14)) repeatsBeforeResend.incrementAndGet();
             return 1;
           }
           // the client's first datagram with a ChangeCipherSpec, its last flight, is lost
           return Relay.holds(d, length, 20, 1) && flightsWithChangeCipherSpec.incrementAndGet() == 1 ? 0 : 1;
         })) {
      SocketCtrl c = connected(true, PSK, relay.port());
      dev.expect(c, ON_LINE, 0); // openssl repeats its flight after 1 s, and the client then its own
      echoes(c, "after a loss\n");
      assertEquals(2, flightsWithChangeCipherSpec.get(), "the lost flight and the one resent");
      assertEquals(1, repeatsBeforeResend.get(), "resent on the server's first repeat of its flight, not later on a timer");
    }
  }

  /**
   * The network delivers every datagram of the server twice: the handshake copes with the repeated
   * flights, and each echo reaches the script once, the copy dropped by the 64-record replay window
   * (RFC 6347 4.1.2.6). The relay sends the copy right after the original, so a copy of "one" or
   * "two" that got through would be read, or announced, before the next line's echo.
   */
  @Test
  void aDatagramTheNetworkDuplicatesReachesTheScriptOnce() throws Exception {
    AtomicInteger duplicatedData = new AtomicInteger();
    try (OpensslServer s = OpensslServer.start(true, PSK_SERVER);
         Relay relay = new Relay(s.port(), (fromServer, d, length) -> {
           if (!fromServer) return 1;
           if (Relay.holds(d, length, 23, -1)) duplicatedData.incrementAndGet();
           return 2;
         })) {
      SocketCtrl c = connected(true, PSK, relay.port());
      dev.expect(c, ON_LINE, 0);
      for (String line : List.of("one\n", "two\n", "three\n")) echoes(c, line);
      assertEquals(3, duplicatedData.get(), "each echo was sent twice");
    }
  }

  /**
   * A DTLS server that says nothing: on a module mbedtls's retransmission timer posts no event, so
   * the device time of {@link #STALL} brings nothing. The server's next datagram finds the flight's
   * timer expired by the device's clock and the client sends its hello again (the timeout doubled),
   * still handshaking.
   */
  @Test
  void aSilentDtlsServerLeavesTheHandshakeWaitingHoweverLongTheDeviceClockRuns() throws Exception {
    onManualClock();
    try (DatagramSocket server = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      server.setSoTimeout((int) TestDevice.TIMEOUT.toMillis());
      SocketCtrl c = connected(true, PSK, server.getLocalPort());
      DatagramPacket hello = new DatagramPacket(new byte[2048], 2048);
      server.receive(hello);
      dev.advance(STALL);
      assertEquals(List.of(), dev.pending());
      assertEquals(HANDSHAKING, dev.call(c::state));
      server.send(new DatagramPacket(new byte[] {'x'}, 1, hello.getSocketAddress())); // no record: dropped, once read
      DatagramPacket again = new DatagramPacket(new byte[2048], 2048);
      server.receive(again);
      assertEquals(List.of(hello.getLength(), 22, 1), List.of(again.getLength(), (int) again.getData()[0], (int) again.getData()[13]),
          "the ClientHello again");
      assertEquals(HANDSHAKING, dev.call(c::state));
      dev.run(c::close);
    }
  }

  @Test
  void stalledDtlsHandshakesHoldNoThreadAndALaterOneStillCompletes() throws Exception {
    try (DatagramSocket silent = new DatagramSocket(0, InetAddress.getLoopbackAddress());
         OpensslServer good = OpensslServer.start(true, PSK_SERVER)) {
      List<SocketCtrl> stalled = new ArrayList<>();
      for (int i = 0; i < 4; i++) stalled.add(connected(true, PSK, silent.getLocalPort())); // every event loop started
      int threads = ManagementFactory.getThreadMXBean().getThreadCount();
      for (int i = 0; i < 24; i++) stalled.add(connected(true, PSK, silent.getLocalPort()));
      Await.until("every hello sent", () -> received(silent) >= stalled.size());
      SocketCtrl c = connected(true, PSK, good.port());
      dev.expect(c, ON_LINE, 0);
      echoes(c, "while 28 wait\n");
      assertTrue(ManagementFactory.getThreadMXBean().getThreadCount() <= threads,
          "threads " + threads + " -> " + ManagementFactory.getThreadMXBean().getThreadCount());
      for (SocketCtrl x : stalled) assertEquals(HANDSHAKING, dev.call(x::state));
      dev.run(() -> stalled.forEach(SocketCtrl::close));
      dev.run(c::close);
      Await.until("every socket to close", () -> Transport.shared().openChannels() == 0);
    }
  }

  private int helloes;

  /** Datagrams read from {@code s} so far (it never answers). */
  private int received(DatagramSocket s) {
    try {
      s.setSoTimeout(1);
      DatagramPacket p = new DatagramPacket(new byte[2048], 2048);
      while (true) {
        s.receive(p);
        helloes++;
      }
    } catch (java.net.SocketTimeoutException e) {
      return helloes;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void failuresAndEchoesOfTlsAndDtlsLeaveNoChannelThreadOrBuffer() throws Exception {
    Transport transport = Transport.shared();
    List<OpensslServer> dtlsServers = new ArrayList<>(); // one each: a DTLS server serves its first client until it closes
    try (OpensslServer tlsServer = OpensslServer.start(false, serving("server", "-tls1_2"));
         EchoPeer mirror = EchoPeer.start(InetAddress.getLoopbackAddress(), 0); // sends the hello back: garbage
         DatagramSocket silent = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      for (int i = 0; i < 6; i++) dtlsServers.add(OpensslServer.start(true, PSK_SERVER));
      int threads = 0;
      for (int i = 0; i < 6; i++) {
        if (i == 1) threads = ManagementFactory.getThreadMXBean().getThreadCount(); // after a first round
        SocketCtrl tlsEcho = connected(false, trusting(caPem), tlsServer.port());
        dev.expect(tlsEcho, ON_LINE, 0);
        echoes(tlsEcho, "tls " + i + "\n");
        SocketCtrl dtlsEcho = connected(true, PSK, dtlsServers.get(i).port());
        dev.expect(dtlsEcho, ON_LINE, 0);
        echoes(dtlsEcho, "dtls " + i + "\n");
        SocketCtrl tlsGarbage = connected(false, TlsArgs.NONE, mirror.port());
        dev.expect(tlsGarbage, ON_LINE, -1);
        SocketCtrl dtlsGarbage = connected(true, PSK, mirror.port());
        dev.expect(dtlsGarbage, ON_LINE, -1);
        SocketCtrl dtlsStalled = connected(true, PSK, silent.getLocalPort());
        dev.run(() -> {
          tlsEcho.release(); // with the echo read: the channel, the ctrl and its buffers go
          dtlsEcho.close();
          tlsGarbage.close();
          dtlsGarbage.release();
          dtlsStalled.release();
        });
      }
      Await.until("every socket to close", () -> transport.openChannels() == 0);
      int after = ManagementFactory.getThreadMXBean().getThreadCount();
      assertTrue(after <= threads, "threads " + threads + " -> " + after);
    } finally {
      dtlsServers.forEach(OpensslServer::close);
    }
    Leaks.assertNoByteBufLeaks();
  }

  /**
   * A UDP relay between the device and a DTLS server, on one thread of its own: each datagram goes
   * on as many times as {@code copies} says (0 loses it, 2 duplicates it).
   */
  private static final class Relay implements AutoCloseable {
    interface Copies {
      int of(boolean fromServer, byte[] datagram, int length);
    }

    Relay(int serverPort, Copies copies) throws IOException {
      socket = new DatagramSocket(0, InetAddress.getLoopbackAddress());
      InetSocketAddress server = new InetSocketAddress(InetAddress.getLoopbackAddress(), serverPort);
      Thread thread = new Thread(() -> {
        InetSocketAddress client = null;
        byte[] buf = new byte[65536];
        try {
          while (true) {
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            socket.receive(p);
            boolean fromServer = p.getSocketAddress().equals(server);
            if (!fromServer) client = (InetSocketAddress) p.getSocketAddress();
            InetSocketAddress to = fromServer ? client : server;
            for (int n = copies.of(fromServer, buf, p.getLength()); n > 0 && to != null; n--) {
              socket.send(new DatagramPacket(buf, p.getLength(), to));
            }
          }
        } catch (IOException e) {
          // closed
        }
      }, "test-relay");
      thread.setDaemon(true);
      thread.start();
    }

    int port() {
      return socket.getLocalPort();
    }

    /**
     * Whether the datagram holds a record of {@code type} whose first byte is {@code first} (20, 1: a
     * ChangeCipherSpec; 22, 14: a ServerHelloDone; -1: any); a record is type, version, epoch,
     * number, length.
     */
    static boolean holds(byte[] d, int length, int type, int first) {
      for (int p = 0; p + 14 <= length; p += 13 + (((d[p + 11] & 0xFF) << 8) | (d[p + 12] & 0xFF))) {
        if (d[p] == type && (first < 0 || d[p + 13] == first)) return true;
      }
      return false;
    }

    @Override
    public void close() {
      socket.close();
    }

    private final DatagramSocket socket;
  }
}
