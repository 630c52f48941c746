package airemu.netif;

import static airemu.netif.SocketEvents.EVENT;
import static airemu.netif.SocketEvents.ON_LINE;
import static airemu.netif.SocketEvents.TX_OK;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import airemu.netif.SocketCtrl.State;
import airemu.netif.SocketCtrl.Status;
import airemu.netif.peers.OpensslServer;
import airemu.netif.peers.Pki;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS and DTLS ctrls against real {@code openssl s_server} peers and scripted TCP peers: spec 2.3,
 * 2.12 and 3.2. Each row checks what the script receives and the bytes echoed back.
 */
class TlsTest {
  /** The name scripts connect to; the hosts table points it at loopback. */
  private static final String HOST = "tls.test";
  private static final String PASSWORD = "s3cret";
  private static final Status PENDING = new Status(true, false);
  private static final State HANDSHAKING = new State(4, "正在TLS握手");

  @TempDir static Path dir;
  private static Pki ca;
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
    Pki.Issued client = ca.issue("device-1", List.of(), Duration.ofDays(1));
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
    dev = Boards.readyAir780(Boards.options().withHost(HOST, InetAddress.getLoopbackAddress()), 8);
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
    SocketCtrl c = tls(udp, args);
    assertEquals(PENDING, dev.call(() -> c.connect(HOST, port, false)));
    return c;
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
    failsVerification("server", otherCaPem);
  }

  @Test
  void anExpiredCertificateFails() {
    failsVerification("expired", caPem);
  }

  @Test
  void aCertificateForAnotherHostFails() {
    failsVerification("other", caPem);
  }

  /** The server presents {@code cert}; trusting {@code trustedPem}, the ctrl refuses it. */
  private void failsVerification(String cert, String trustedPem) {
    try (OpensslServer s = OpensslServer.start(false, serving(cert, "-tls1_2"))) {
      SocketCtrl c = connected(false, new TlsArgs(bytes(trustedPem), null, null, null), s.port());
      dev.expect(c, ON_LINE, -1);
      assertEquals(HANDSHAKING, dev.call(c::state)); // a failure leaves the state, as the firmware does
      assertTrue(dev.log().contains("TLS handshake failed 0x2700 !!"), dev.log().toString());
    }
  }

  @Test
  void mutualTlsSendsTheClientCertificateWithItsEncryptedKey() {
    String ca = dir.resolve("ca.pem").toString();
    try (OpensslServer s = OpensslServer.start(false, serving("server", "-tls1_2", "-Verify", "1", "-CAfile", ca))) {
      SocketCtrl c = connected(false, new TlsArgs(bytes(caPem), bytes(clientPem), bytes(clientKeyPem), bytes(PASSWORD)), s.port());
      dev.expect(c, ON_LINE, 0);
      echoes(c, "mutual\n");
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

  private void oldVersionEchoes(String flag, String version) {
    try (OpensslServer s = OpensslServer.start(false, serving("server", flag, "-cipher", "DEFAULT@SECLEVEL=0"))) {
      dev.run(() -> dev.stack().sslLog(2));
      SocketCtrl c = connected(false, TlsArgs.NONE, s.port());
      dev.expect(c, ON_LINE, 0);
      echoes(c, "old but fine\n");
      assertTrue(dev.log().contains("ssl_cli.c 0:server hello, chosen version: " + version), dev.log().toString());
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
    try (OpensslServer s = OpensslServer.start(true, "-dtls1_2", "-nocert", "-psk", "31323334", "-psk_identity", "dev1")) {
      SocketCtrl c = connected(true, new TlsArgs(bytes("1234"), bytes("dev1"), null, null), s.port());
      dev.expect(c, ON_LINE, 0);
      echoes(c, "hello over dtls\n");
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
    java.util.concurrent.CountDownLatch hello = new java.util.concurrent.CountDownLatch(1);
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
      assertTrue(hello.await(TestDevice.TIMEOUT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS));
      Await.until("state 4", () -> HANDSHAKING.equals(dev.call(c::state)));
      assertEquals(List.of(), dev.pending());
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

  @Test
  void sslLogPrintsTheHandshakeAtLevelTwoAndNothingAtZero() {
    try (OpensslServer s = OpensslServer.start(false, serving("server", "-tls1_2"))) {
      SocketCtrl quiet = connected(false, TlsArgs.NONE, s.port());
      dev.expect(quiet, ON_LINE, 0);
      assertFalse(dev.log().stream().anyMatch(l -> l.contains(" 0:")), dev.log().toString());
      dev.run(quiet::close);
      dev.run(() -> dev.stack().sslLog(2));
      SocketCtrl c = connected(false, TlsArgs.NONE, s.port());
      dev.expect(c, ON_LINE, 0);
      Await.until("the handshake's end in the log", () -> dev.log().contains("ssl_tls.c 0:<= handshake"));
      assertTrue(dev.log().contains("ssl_tls.c 0:=> handshake"), dev.log().toString());
      assertTrue(dev.log().stream().anyMatch(l -> l.startsWith("ssl_cli.c 0:server hello, chosen ciphersuite: TLS-ECDHE-ECDSA-WITH-")),
          dev.log().toString());
    }
  }
}
