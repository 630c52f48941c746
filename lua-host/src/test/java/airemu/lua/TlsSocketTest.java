package airemu.lua;

import static org.assertj.core.api.Assertions.assertThat;

import airemu.config.BoardProfiles;
import airemu.core.Device;
import airemu.netif.NetOptions;
import airemu.netif.peers.OpensslServer;
import airemu.netif.peers.Pki;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS and DTLS as scripts use them ({@code socket.config} arguments 8 to 11, {@code socket.sslLog},
 * {@code crypto.cipher_suites}), against real {@code openssl s_server} peers; the certificates
 * reach the script as project files, as a project ships them.
 */
class TlsSocketTest {
  private static final String HOST = "tls.test";

  @TempDir static Path dir;
  private static Map<String, String> files;

  @BeforeAll
  static void certificates() throws IOException {
    Pki ca = Pki.create("airemu test CA");
    Pki.Issued server = ca.issue(HOST, List.of(HOST), Duration.ofDays(1));
    Pki.Issued client = ca.issue("device-1", List.of(), Duration.ofDays(1));
    Files.writeString(dir.resolve("server.pem"), server.certificatePem());
    Files.writeString(dir.resolve("server.key"), server.keyPem());
    Files.writeString(dir.resolve("ca.pem"), ca.certificatePem());
    files = new HashMap<>();
    files.put("ca.crt", ca.certificatePem());
    files.put("other_ca.crt", Pki.create("some other CA").certificatePem());
    files.put("client.crt", client.certificatePem());
    files.put("client.key", client.encryptedKeyPem("s3cret"));
  }

  private static List<String> run(int port, String script) {
    Map<String, String> project = new HashMap<>(files);
    project.put("main.lua", "PORT = " + port + "\n" + script);
    NetOptions network = Emulation.TEST_NETWORK.withHost(HOST, InetAddress.getLoopbackAddress());
    try (Emulation emu = Emulation.run(BoardProfiles.find("air780epm"), project, Device.CrashPolicy.STOP, 5000, network)) {
      emu.awaitExit();
      return emu.scriptLines().stream().filter(l -> !l.startsWith("D/socket connect to") && !l.startsWith("D/net adapter")).toList();
    } catch (airemu.config.ConfigException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String[] serving(String... more) {
    List<String> args = new java.util.ArrayList<>(List.of("-cert", dir.resolve("server.pem").toString(),
        "-key", dir.resolve("server.key").toString()));
    args.addAll(List.of(more));
    return args.toArray(String[]::new);
  }

  @Test
  void libnetTalksMutualTlsWithTheCaAndAnEncryptedClientKey() {
    try (OpensslServer s = OpensslServer.start(false, serving("-tls1_2", "-Verify", "1", "-CAfile", dir.resolve("ca.pem").toString()))) {
      assertThat(run(s.port(), """
          local libnet = require "libnet"
          sys.taskInitEx(function()
            sys.waitUntil("IP_READY")
            local netc = socket.create(nil, "tls")
            log.info("t", socket.config(netc, nil, nil, true, 300, 10, 3, io.readFile("/luadb/ca.crt"),
              io.readFile("/luadb/client.crt"), io.readFile("/luadb/client.key"), "s3cret"))
            log.info("t", "connect", libnet.connect("tls", 15000, netc, "tls.test", PORT), socket.state(netc))
            log.info("t", "tx", libnet.tx("tls", 15000, netc, "secret line\\n"))
            local buf = zbuff.create(64)
            while buf:used() < 12 do
              libnet.wait("tls", 15000, netc)
              socket.rx(netc, buf)
            end
            log.info("t", "echo", buf:toStr(0, buf:used()))
            os.exit(0)
          end, "tls")
          sys.run()
          """)).containsExactly("D/user.libnet version -> 202607021200", "I/user.t true", "I/user.t connect true 5 在线",
          "I/user.t tx true false",
          "I/user.t echo secret line\n");
    }
  }

  @Test
  void dtlsWithAPskGoesOnlineInACallbackAndEchoes() {
    try (OpensslServer s = OpensslServer.start(true, "-dtls1_2", "-nocert", "-psk", "31323334", "-psk_identity", "dev1")) {
      assertThat(run(s.port(), """
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
            log.info("t", socket.config(netc, nil, true, true, nil, nil, nil, "1234", "dev1"))
            socket.connect(netc, "tls.test", PORT)
          end)
          sys.run()
          """)).containsExactly("I/user.t true", "I/user.cb ON_LINE 0 5 在线", "I/user.cb EVENT 0 true datagram\n 5 true");
    }
  }

  @Test
  void aBadCertificateIsFalseAndAWrongCaFailsTheHandshake() {
    try (OpensslServer s = OpensslServer.start(false, serving("-tls1_2"))) {
      assertThat(run(s.port(), """
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
          """)).containsExactly("E/socket network_set_server_cert failed", "I/user.t false", "I/user.t true",
          "I/user.t 42 TLS-RSA-WITH-AES-128-CCM", "TLS handshake failed 0x2700 !!", "I/user.cb true -1");
    }
  }

  @Test
  void sslLogTurnsTheHandshakeIntoLogLines() {
    try (OpensslServer s = OpensslServer.start(false, serving("-tls1_2"))) {
      List<String> lines = run(s.port(), """
          sys.taskInit(function()
            sys.waitUntil("IP_READY")
            socket.sslLog(2)
            local netc = socket.create(nil, function(sc, event, param)
              log.info("cb", event == socket.ON_LINE, param)
              os.exit(0)
            end)
            socket.config(netc, nil, nil, true)
            socket.connect(netc, "tls.test", PORT)
          end)
          sys.run()
          """);
      assertThat(lines).startsWith("ssl_tls.c 0:=> handshake").contains("ssl_cli.c 0:server hello, chosen version: TLS 1.2")
          .endsWith("ssl_tls.c 0:<= handshake", "I/user.cb true 0");
    }
  }
}
