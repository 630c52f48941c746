package airemu.bench;

import airemu.config.BoardProfiles;
import airemu.core.Clock;
import airemu.core.Device;
import airemu.core.DeviceListener;
import airemu.core.LogRecord;
import airemu.core.Scheduler;
import airemu.lua.DeviceSetup;
import airemu.lua.LuaFirmware;
import airemu.lua.Project;
import airemu.netif.NetOptions;
import airemu.netif.peers.Pki;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.ByteArrayInputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code tls}: what TLS costs a script, against plain TCP. One device on an Air780EPM profile talks
 * to the same Netty echo on loopback, once as it is and once behind the JDK's TLS 1.2 with an EC
 * certificate, through libnet as demos do: 1,000 ping-pongs of 32 bytes (each waits for its TX_OK
 * and its echo), then 4 MiB sent in 16 KiB {@code socket.tx} calls and echoed back. One run of each
 * warms the JIT up, then three runs each are measured, plain and TLS in turn; times are the
 * device's {@code mcu.ticks}.
 */
final class TlsBench {
  private TlsBench() {}

  static void run() throws Exception {
    Pki ca = Pki.create("bench CA");
    Pki.Issued cert = ca.issue("bench.test", List.of("bench.test"), Duration.ofDays(1));
    X509Certificate x509 = (X509Certificate) CertificateFactory.getInstance("X.509")
        .generateCertificate(new ByteArrayInputStream(cert.certificatePem().getBytes(StandardCharsets.US_ASCII)));
    SslContext ssl = SslContextBuilder.forServer(cert.key(), x509).protocols("TLSv1.2").build();
    InetAddress loopback = InetAddress.getLoopbackAddress();
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    try {
      Channel plain = echo(group, loopback, null);
      Channel tls = echo(group, loopback, ssl);
      int plainPort = ((InetSocketAddress) plain.localAddress()).getPort();
      int tlsPort = ((InetSocketAddress) tls.localAddress()).getPort();
      measure(false, plainPort); // warm-up, not counted
      measure(true, tlsPort);
      for (int run = 1; run <= 3; run++) {
        long[] p = measure(false, plainPort);
        long[] t = measure(true, tlsPort);
        System.out.printf("tls: run %d: 1,000 ping-pongs of 32 B: plain %d ms, TLS 1.2 %d ms; 4 MiB echoed: plain %d ms"
            + " (%.1f MiB/s), TLS 1.2 %d ms (%.1f MiB/s)%n", run, p[0], t[0], p[1], 4000.0 / p[1], t[1], 4000.0 / t[1]);
      }
      plain.close().sync();
      tls.close().sync();
    } finally {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
  }

  /** A Netty echo server on a free port of {@code bind}, behind TLS when {@code ssl} is not null. */
  private static Channel echo(EventLoopGroup group, InetAddress bind, SslContext ssl) throws InterruptedException {
    return new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
        .childHandler(new ChannelInitializer<>() {
          @Override
          protected void initChannel(Channel ch) {
            if (ssl != null) ch.pipeline().addLast(ssl.newHandler(ch.alloc()));
            ch.pipeline().addLast(new Echo());
          }
        }).bind(bind, 0).sync().channel();
  }

  /** {ping-pong ms, bulk ms} of one device run. */
  private static long[] measure(boolean tls, int port) throws Exception {
    Path dir = Files.createTempDirectory("bench-tls");
    Files.writeString(dir.resolve("main.lua"), SCRIPT.replace("TLS_FLAG", String.valueOf(tls)).replace("PORT_NUMBER", String.valueOf(port)));
    NetOptions net = NetOptions.defaults().withAttachDelayMillis(0).withHost("bench.test", InetAddress.getLoopbackAddress());
    List<String> results = new ArrayList<>();
    DeviceSetup setup = DeviceSetup.of(BoardProfiles.find("air780epm"), Project.open(dir), dir.resolve("fs")).withNetwork(net);
    try (Scheduler scheduler = Scheduler.create(Clock.system(), Scheduler.defaultWorkers())) {
      Device d = scheduler.newDevice(new Device.Options("tls", Device.CrashPolicy.STOP, 60_000),
          dev -> new LuaFirmware(dev, setup), new DeviceListener() {
            @Override
            public void onLog(Device dev, LogRecord r) {
              if (r.text().startsWith("I/user.bench ")) results.add(r.text().substring("I/user.bench ".length()));
            }
          });
      d.start();
      int code = d.stopped().get(5, TimeUnit.MINUTES);
      if (code != 0 || results.size() != 2) throw new IllegalStateException("the tls benchmark failed: " + code + " " + results);
    }
    return new long[] {Long.parseLong(results.get(0)), Long.parseLong(results.get(1))};
  }

  /** Echoes what it reads; a TLS handler in front decrypts and encrypts. */
  private static final class Echo extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ctx.writeAndFlush(msg);
    }
  }

  private static final String SCRIPT = """
      local libnet = require "libnet"
      sys.taskInitEx(function()
        sys.waitUntil("IP_READY")
        local netc = socket.create(nil, "b")
        socket.config(netc, nil, nil, TLS_FLAG)
        assert(libnet.connect("b", 15000, netc, "bench.test", PORT_NUMBER))
        local buf = zbuff.create(65536)
        local msg = string.rep("x", 32)
        local t0 = mcu.ticks()
        for i = 1, 1000 do
          libnet.tx("b", 15000, netc, msg)
          local got = 0
          while got < 32 do
            libnet.wait("b", 15000, netc)
            local ok, n = socket.rx(netc, buf)
            got = got + n
            buf:del()
          end
        end
        log.info("bench", mcu.ticks() - t0)
        local chunk = string.rep("y", 16384)
        local total, sent, got = 4 * 1024 * 1024, 0, 0
        t0 = mcu.ticks()
        while got < total do
          if sent < total then
            libnet.tx("b", 15000, netc, chunk)
            sent = sent + #chunk
          else
            libnet.wait("b", 15000, netc)
          end
          local ok, n = socket.rx(netc, buf)
          got = got + n
          buf:del()
        end
        log.info("bench", mcu.ticks() - t0)
        os.exit(0)
      end, "b")
      sys.run()
      """;
}
