package airemu.lua;

import static org.assertj.core.api.Assertions.assertThat;

import airemu.config.BoardProfiles;
import airemu.core.Device;
import airemu.netif.NetOptions;
import airemu.netif.peers.OpensslServer;
import airemu.netif.peers.Pki;
import airemu.netif.peers.SntpPeer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS and DTLS as scripts use them ({@code socket.config} arguments 8 to 11, {@code socket.sslLog},
 * {@code crypto.cipher_suites}, libnet), against real {@code openssl s_server} peers and raw TCP
 * servers that misbehave; the certificates reach the script as project files, as a project ships
 * them.
 */
class TlsSocketTest {
  private static final String HOST = "tls.test";
  /** The device's time once {@code socket.sntp} has run: a month before the host's. */
  private static final Instant THEN = Instant.now().minus(Duration.ofDays(30));

  @TempDir static Path dir;
  private static Map<String, String> files;

  @BeforeAll
  static void certificates() throws IOException {
    Pki ca = Pki.create("airemu test CA");
    Pki.Issued server = ca.issue(HOST, List.of(HOST), Duration.ofDays(1));
    Pki.Issued client = ca.issue("device-1", List.of(), Duration.ofDays(1));
    Pki oldCa = Pki.create("last month's CA", THEN.minus(Duration.ofDays(1)), THEN.plus(Duration.ofDays(1)));
    Files.writeString(dir.resolve("server.pem"), server.certificatePem());
    Files.writeString(dir.resolve("server.key"), server.keyPem());
    Pki.Issued old = oldCa.issue(HOST, List.of(HOST), THEN.minus(Duration.ofDays(1)), THEN.plus(Duration.ofDays(1)));
    Files.writeString(dir.resolve("old.pem"), old.certificatePem());
    Files.writeString(dir.resolve("old.key"), old.keyPem());
    Files.writeString(dir.resolve("ca.pem"), ca.certificatePem());
    files = new HashMap<>();
    files.put("ca.crt", ca.certificatePem());
    files.put("old_ca.crt", oldCa.certificatePem());
    files.put("other_ca.crt", Pki.create("some other CA").certificatePem());
    files.put("client.crt", client.certificatePem());
    files.put("client.key", client.encryptedKeyPem("s3cret"));
    files.put("client_aes.key", client.aesEncryptedKeyPem("s3cret"));
  }

  /** Runs {@code script} after the globals {@code NAME = value} given in pairs; the script's lines. */
  private static List<String> run(String script, Object... globals) {
    return run(Emulation.TEST_NETWORK, script, globals);
  }

  private static List<String> run(NetOptions options, String script, Object... globals) {
    StringBuilder main = new StringBuilder();
    for (int i = 0; i < globals.length; i += 2) main.append(globals[i]).append(" = ").append(globals[i + 1]).append('\n');
    Map<String, String> project = new HashMap<>(files);
    project.put("main.lua", main + script);
    NetOptions network = options.withHost(HOST, InetAddress.getLoopbackAddress());
    try (Emulation emu = Emulation.run(BoardProfiles.find("air780epm"), project, Device.CrashPolicy.STOP, 5000, network)) {
      emu.awaitExit();
      return emu.scriptLines().stream()
          .filter(l -> !l.startsWith("D/socket connect to") && !l.startsWith("D/net adapter") && !l.startsWith("D/user.libnet version"))
          .toList();
    } catch (airemu.config.ConfigException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String[] serving(String name, String... more) {
    List<String> args = new ArrayList<>(List.of("-cert", dir.resolve(name + ".pem").toString(),
        "-key", dir.resolve(name + ".key").toString()));
    args.addAll(List.of(more));
    return args.toArray(String[]::new);
  }

  /** Connects with libnet after {@code config}, sends a line and logs what comes back; for each port in {@code PORTS}. */
  private static final String ECHO = """
      local libnet = require "libnet"
      sys.taskInitEx(function()
        sys.waitUntil("IP_READY")
        for _, port in ipairs(PORTS) do
          local netc = socket.create(nil, "tls")
          CONFIG(netc)
          local ok = libnet.connect("tls", 15000, netc, "tls.test", port)
          log.info("t", "connect", ok, socket.state(netc))
          if ok then
            libnet.tx("tls", 15000, netc, "line " .. port .. "\\n")
            local buf = zbuff.create(64)
            repeat
              libnet.wait("tls", 15000, netc)
              socket.rx(netc, buf)
            until buf:toStr(0, buf:used()):find("\\n")
            log.info("t", "echo", buf:toStr(0, buf:used()) == "line " .. port .. "\\n")
          end
          libnet.close("tls", 5000, netc)
          socket.release(netc)
        end
        os.exit(0)
      end, "tls")
      sys.run()
      """;

  @Test
  void tls12WithoutVerificationEchoes() {
    try (OpensslServer s = OpensslServer.start(false, serving("server", "-tls1_2"))) {
      assertThat(run(ECHO, "PORTS", "{" + s.port() + "}", "CONFIG", "function(c) socket.config(c, nil, nil, true) end"))
          .containsExactly("I/user.t connect true 5 在线", "I/user.t echo true");
    }
  }

  @Test
  void tls10AndTls11ServersThatAllowOnlyThemEcho() {
    try (OpensslServer tls10 = OpensslServer.start(false, serving("server", "-tls1", "-cipher", "DEFAULT@SECLEVEL=0"));
         OpensslServer tls11 = OpensslServer.start(false, serving("server", "-tls1_1", "-cipher", "DEFAULT@SECLEVEL=0"))) {
      assertThat(run(ECHO, "PORTS", "{" + tls10.port() + ", " + tls11.port() + "}",
          "CONFIG", "function(c) socket.config(c, nil, nil, true) end"))
          .containsExactly("I/user.t connect true 5 在线", "I/user.t echo true", "I/user.t connect true 5 在线", "I/user.t echo true");
    }
  }

  @Test
  void libnetTalksMutualTlsWithTheCaAndAnEncryptedClientKey() {
    try (OpensslServer s = OpensslServer.start(false, serving("server", "-tls1_2", "-Verify", "1", "-CAfile", dir.resolve("ca.pem").toString()))) {
      // mbedtls 2.x has no AES for an encrypted PKCS#8 key: false; the 3DES one works
      assertThat(run(ECHO, "PORTS", "{" + s.port() + "}", "CONFIG", """
          function(c)
            local ca, crt = io.readFile("/luadb/ca.crt"), io.readFile("/luadb/client.crt")
            log.info("t", "aes", socket.config(c, nil, nil, true, 300, 10, 3, ca, crt, io.readFile("/luadb/client_aes.key"), "s3cret"))
            log.info("t", "3des", socket.config(c, nil, nil, true, 300, 10, 3, ca, crt, io.readFile("/luadb/client.key"), "s3cret"))
          end""")).containsExactly("E/socket network_set_client_cert failed", "I/user.t aes false", "I/user.t 3des true",
          "I/user.t connect true 5 在线", "I/user.t echo true");
    }
  }

  /**
   * A certificate of a month ago, over TLS and DTLS: refused while the clock reads the time the
   * network gave at the attach (the host's), accepted once {@code socket.sntp} set it from a server
   * that answers with last month's time.
   */
  @Test
  void aCertificateValidOnlyInTheDevicesTimeWorksOnceSntpSetTheClock() throws Exception {
    InetAddress ntp = InetAddress.getByName("203.107.6.88"); // ntp.aliyun.com, routed to the peer
    try (OpensslServer tls = OpensslServer.start(false, serving("old", "-tls1_2"));
         OpensslServer dtls = OpensslServer.start(true, serving("old", "-dtls1_2"));
         SntpPeer sntp = SntpPeer.start(InetAddress.getLoopbackAddress(), 0, THEN::toEpochMilli)) {
      NetOptions network = Emulation.TEST_NETWORK.withHost("ntp.aliyun.com", ntp).withRoute(ntp, sntp.address());
      assertThat(run(network, """
          local libnet = require "libnet"
          local function try(what, udp, port)
            local netc = socket.create(nil, "tls")
            socket.config(netc, nil, udp, true, nil, nil, nil, io.readFile("/luadb/old_ca.crt"))
            log.info("t", what, libnet.connect("tls", 15000, netc, "tls.test", port))
            libnet.close("tls", 5000, netc)
            socket.release(netc)
          end
          sys.taskInitEx(function()
            sys.waitUntil("IP_READY")
            sys.waitUntil("NTP_UPDATE") -- the cellular network's time, which follows the attach
            try("tls before sntp", false, TLS_PORT)
            try("dtls before sntp", true, DTLS_PORT)
            socket.sntp()
            log.info("t", "sntp", sys.waitUntil("NTP_UPDATE", 5000))
            try("tls after sntp", false, TLS_PORT)
            try("dtls after sntp", true, DTLS_PORT)
            os.exit(0)
          end, "tls")
          sys.run()
          """, "TLS_PORT", tls.port(), "DTLS_PORT", dtls.port())).containsSubsequence(
          "TLS handshake failed 0x2700 !!", "I/user.t tls before sntp false",
          "TLS handshake failed 0x2700 !!", "I/user.t dtls before sntp false",
          "I/user.t sntp true", "I/user.t tls after sntp true", "I/user.t dtls after sntp true");
    }
  }

  @Test
  void aTls13OnlyServerFailsWithTheFirmwaresLine() {
    try (OpensslServer s = OpensslServer.start(false, serving("server", "-tls1_3"))) {
      assertThat(run("""
          sys.taskInit(function()
            sys.waitUntil("IP_READY")
            local netc
            netc = socket.create(nil, function(sc, event, param)
              if event == socket.ON_LINE then
                log.info("cb", "ON_LINE", param, socket.state(netc))
                os.exit(0)
              end
            end)
            socket.config(netc, nil, nil, true)
            socket.connect(netc, "tls.test", PORT)
          end)
          sys.run()
          """, "PORT", s.port())).containsExactly("TLS handshake failed 0x7780 !!", "I/user.cb ON_LINE -1 4 正在TLS握手");
    }
  }

  @Test
  void dtlsWithAPskGoesOnlineInACallbackAndEchoes() {
    try (OpensslServer s = OpensslServer.start(true, "-dtls1_2", "-nocert", "-psk", "31323334", "-psk_identity", "dev1")) {
      assertThat(run(DTLS_ECHO, "PORT", s.port(), "ARGS", "{'1234', 'dev1'}"))
          .containsExactly("I/user.t true", "I/user.cb ON_LINE 0 5 在线", "I/user.cb EVENT 0 true datagram\n 5 true");
    }
  }

  @Test
  void dtlsWithCertificatesVerifiesTheServerAndEchoes() {
    try (OpensslServer s = OpensslServer.start(true, serving("server", "-dtls1_2"))) {
      assertThat(run(DTLS_ECHO, "PORT", s.port(), "ARGS", "{io.readFile('/luadb/ca.crt')}"))
          .containsExactly("I/user.t true", "I/user.cb ON_LINE 0 5 在线", "I/user.cb EVENT 0 true datagram\n 5 true");
    }
  }

  /** A DTLS ctrl in a callback: {@code socket.config} with {@code ARGS} as arguments 8 and up, a datagram out and back. */
  private static final String DTLS_ECHO = """
      local netc
      local function cb(sc, event, param)
        if event == socket.ON_LINE then
          log.info("cb", "ON_LINE", param, socket.state(netc))
          socket.tx(netc, "datagram\\n")
        elseif event == socket.EVENT then
          local ok, data, ip, port = socket.read(netc)
          log.info("cb", "EVENT", param, ok, data, #ip, port == PORT)
          os.exit(0)
        end
      end
      sys.taskInit(function()
        sys.waitUntil("IP_READY")
        netc = socket.create(nil, cb)
        log.info("t", socket.config(netc, nil, true, true, nil, nil, nil, table.unpack(ARGS)))
        socket.connect(netc, "tls.test", PORT)
      end)
      sys.run()
      """;

  @Test
  void aServerThatClosesMidHandshakeOrAnswersGarbageFailsTheConnect() throws Exception {
    try (RawServer closing = new RawServer((in, out) -> in.read(new byte[5]));
         RawServer garbage = new RawServer((in, out) -> {
           in.read(new byte[5]);
           out.write("HTTP/1.1 400 Bad Request\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
           out.flush();
         })) {
      assertThat(run(ECHO, "PORTS", "{" + closing.port() + ", " + garbage.port() + "}",
          "CONFIG", "function(c) socket.config(c, nil, nil, true) end"))
          .containsExactly("I/user.t connect false 4 正在TLS握手", "TLS handshake failed 0x7200 !!", "I/user.t connect false 4 正在TLS握手");
    }
  }

  /**
   * A server that accepts and never answers: the module has no handshake timeout of its own
   * (mbedtls's read timeout counts only in blocking reads), so what libnet.connect waits for does
   * not come and its timeout ends the wait (nil, not an {@code ON_LINE,-1}), in state 4; closing the
   * socket ends the connection the server holds. The netif TlsTest lets ten minutes of device time
   * pass the same way.
   */
  @Test
  void aStallingServerLeavesTheConnectToLibnetsTimeoutAndCloseEndsIt() throws Exception {
    try (RawServer stalling = new RawServer((in, out) -> {
      while (in.read() >= 0) {
        // the hello, then nothing until the device closes
      }
    })) {
      assertThat(run("""
          local libnet = require "libnet"
          sys.taskInitEx(function()
            sys.waitUntil("IP_READY")
            local netc = socket.create(nil, "tls")
            socket.config(netc, nil, nil, true)
            log.info("t", "connect", socket.connect(netc, "tls.test", PORT))
            local msg = sysplus.waitMsg("tls", socket.ON_LINE, 1500) -- libnet.connect's wait
            log.info("t", "ON_LINE", msg and msg[2], socket.state(netc))
            libnet.close("tls", 5000, netc)
            log.info("t", "closed", socket.state(netc))
            socket.release(netc)
            os.exit(0)
          end, "tls")
          sys.run()
          """, "PORT", stalling.port())).containsExactly("I/user.t connect true false", "I/user.t ON_LINE nil 4 正在TLS握手",
          "I/user.t closed 1 离线");
      assertThat(stalling.ended.await(Emulation.WAIT.toMillis(), TimeUnit.MILLISECONDS)).as("the server saw the connection end").isTrue();
    }
  }

  @Test
  void aBadCertificateIsFalseAndAWrongCaFailsTheHandshake() {
    try (OpensslServer s = OpensslServer.start(false, serving("server", "-tls1_2"))) {
      assertThat(run("""
          sys.taskInit(function()
            sys.waitUntil("IP_READY")
            local netc = socket.create(nil, function(sc, event, param)
              log.info("cb", event == socket.ON_LINE, param)
              os.exit(0)
            end)
            log.info("t", socket.config(netc, nil, nil, true, nil, nil, nil, "not a certificate"))
            log.info("t", socket.config(netc, nil, nil, true, nil, nil, nil, io.readFile("/luadb/other_ca.crt")))
            log.info("t", #crypto.cipher_suites(), crypto.cipher_suites()[1])
            socket.connect(netc, "tls.test", PORT)
          end)
          sys.run()
          """, "PORT", s.port())).containsExactly("E/socket network_set_server_cert failed", "I/user.t false", "I/user.t true",
          "I/user.t 42 TLS-RSA-WITH-AES-128-CCM", "TLS handshake failed 0x2700 !!", "I/user.cb true -1");
    }
  }

  @Test
  void sslLogTurnsTheHandshakeIntoLogLines() {
    try (OpensslServer s = OpensslServer.start(false, serving("server", "-tls1_2"))) {
      List<String> lines = run("""
          sys.taskInit(function()
            sys.waitUntil("IP_READY")
            socket.sslLog(3)
            local netc = socket.create(nil, function(sc, event, param)
              log.info("cb", event == socket.ON_LINE, param)
              os.exit(0)
            end)
            socket.config(netc, nil, nil, true)
            socket.connect(netc, "tls.test", PORT)
          end)
          sys.run()
          """, "PORT", s.port());
      assertThat(lines).startsWith("ssl_cli.c 0:=> write client hello")
          .contains("ssl_cli.c 0:server hello, chosen ciphersuite: TLS-ECDHE-ECDSA-WITH-AES-256-GCM-SHA384")
          .endsWith("ssl_tls.c 0:<= parse finished", "I/user.cb true 0");
    }
  }

  /** A TCP server on loopback that runs {@code script} for each client on a thread of its own, then waits for the end. */
  private static final class RawServer implements AutoCloseable {
    interface Script {
      void run(InputStream in, OutputStream out) throws IOException;
    }

    RawServer(Script script) {
      try {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      Thread t = new Thread(() -> {
        while (true) {
          try (Socket s = server.accept()) {
            script.run(s.getInputStream(), s.getOutputStream());
            s.shutdownOutput();
            while (s.getInputStream().read() >= 0) {
              // until the device closes
            }
            ended.countDown();
          } catch (IOException e) {
            if (server.isClosed()) return;
          }
        }
      }, "test-raw-server");
      t.setDaemon(true);
      t.start();
    }

    int port() {
      return server.getLocalPort();
    }

    @Override
    public void close() throws IOException {
      server.close();
    }

    final CountDownLatch ended = new CountDownLatch(1);
    private final ServerSocket server;
  }
}
