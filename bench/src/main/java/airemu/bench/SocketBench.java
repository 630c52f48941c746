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
import airemu.netif.peers.EchoPeer;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.ReferenceCountUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * {@code socket}: what the socket library costs a script, against a plain Netty client doing the
 * same on the same peer in the same run. Three rows, each a device on an Air780EPM profile and then
 * the plain client:
 *
 * <ul>
 *   <li><b>ping-pong</b>: 10,000 round trips of 1 KiB with the {@link EchoPeer}, the device through
 *       {@code socket.tx}/{@code socket.rx} in a socket callback (the next message goes out when the
 *       echo of the last one is in); round trips per second;
 *   <li><b>upload</b>: 64 MiB to a peer that discards, the device through {@code libnet.tx} in 16 KiB
 *       pieces, each waiting for its {@code TX_OK}; MiB/s until the peer has the last byte;
 *   <li><b>download</b>: 64 MiB from a peer that writes as fast as TCP lets it, the device through
 *       {@code socket.rx} into a zbuff on every {@code EVENT}, digesting every byte with
 *       {@code crypto.hash_update}; MiB/s, and the MD5 compared with the peer's, so a lost or
 *       reordered byte fails the run (the device's receive buffer stays 64 KiB: airemu stops reading
 *       from the host socket while it is full, as lwIP's window does).
 * </ul>
 *
 * Times are taken on the host from the device's {@code go} line to the end, so the device and the
 * plain client are measured by the same clock.
 */
final class SocketBench {
  private static final int ROUNDS = 10_000;
  private static final int MESSAGE = 1024;
  private static final int BULK = 64 * 1024 * 1024;
  private static final int CHUNK = 16 * 1024;

  private SocketBench() {}

  static void run() throws Exception {
    run(5, true);
  }

  /**
   * A warm-up round (not reported: it mostly measures the JIT), then {@code runs} rounds of the three
   * rows, or of the ping-pong alone, and their medians. The ratio is taken per round, device and
   * plain client measured back to back, since loopback round trips on a small VM vary run to run
   * with where the scheduler puts the threads.
   */
  static void run(int runs, boolean bulk) throws Exception {
    InetAddress loopback = InetAddress.getLoopbackAddress();
    EventLoopGroup peers = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    EventLoopGroup client = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    byte[] pattern = pattern();
    String digest = md5Of(pattern);
    try (EchoPeer echo = EchoPeer.start(loopback, 0)) {
      Sink sink = new Sink();
      Channel sinkServer = server(peers, loopback, () -> sink);
      Channel sourceServer = server(peers, loopback, () -> new Source(pattern));
      int sinkPort = port(sinkServer), sourcePort = port(sourceServer);
      System.out.printf("socket: %d ping-pongs of %d B; %d MiB up in %d KiB libnet.tx; %d MiB down into a zbuff%n",
          ROUNDS, MESSAGE, BULK >> 20, CHUNK >> 10, BULK >> 20);
      List<double[]> rows = new ArrayList<>();
      for (int run = 0; run <= runs; run++) {
        double[] r = new double[7];
        r[0] = perSecond(ROUNDS, device(PING_PONG, echo.port(), null));
        r[1] = perSecond(ROUNDS, plain(client, echo.port(), new PingPong()));
        r[2] = r[0] / r[1];
        if (bulk) {
          sink.expect(BULK);
          r[3] = mibPerSecond(device(UPLOAD, sinkPort, sink.done));
          sink.expect(BULK);
          r[4] = mibPerSecond(plain(client, sinkPort, new Upload(sink.done)));
          r[5] = mibPerSecond(device(DOWNLOAD.replace("DIGEST", digest), sourcePort, null));
          r[6] = mibPerSecond(plain(client, sourcePort, new Download(digest)));
        }
        if (run == 0) continue; // the warm-up
        rows.add(r);
        print("run " + run, r, bulk);
      }
      double[] median = new double[7];
      for (int i = 0; i < median.length; i++) {
        int col = i;
        double[] v = rows.stream().mapToDouble(r -> r[col]).sorted().toArray();
        median[i] = v[v.length / 2];
      }
      print("median of " + runs, median, bulk);
      sinkServer.close().sync();
      sourceServer.close().sync();
    } finally {
      peers.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      client.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
  }

  private static void print(String what, double[] r, boolean bulk) {
    System.out.printf("socket: %s: ping-pong %,.0f/s (plain %,.0f/s, %.2fx)", what, r[0], r[1], r[2]);
    if (bulk) System.out.printf("; upload %.0f MiB/s (plain %.0f); download %.0f MiB/s (plain %.0f)", r[3], r[4], r[5], r[6]);
    System.out.println();
  }

  // --- the device --------------------------------------------------------------------------------

  /**
   * Nanoseconds from the script's {@code go} line to its {@code done} line, or, with {@code end}
   * given, to when that completes (the peer has everything).
   */
  private static long device(String script, int port, CompletableFuture<Long> end) throws Exception {
    Path dir = Files.createTempDirectory("bench-socket");
    Files.writeString(dir.resolve("main.lua"), script.replace("PORT_NUMBER", String.valueOf(port))
        .replace("ROUNDS", String.valueOf(ROUNDS)).replace("MESSAGE", String.valueOf(MESSAGE))
        .replace("BULK", String.valueOf(BULK)).replace("CHUNK", String.valueOf(CHUNK)));
    NetOptions net = NetOptions.defaults().withAttachDelayMillis(0).withHost("bench.test", InetAddress.getLoopbackAddress());
    DeviceSetup setup = DeviceSetup.of(BoardProfiles.find("air780epm"), Project.open(dir), dir.resolve("fs")).withNetwork(net);
    long[] marks = {-1, -1};
    StringBuilder failure = new StringBuilder();
    try (Scheduler scheduler = Scheduler.create(Clock.system(), Scheduler.defaultWorkers())) {
      Device d = scheduler.newDevice(new Device.Options("socket", Device.CrashPolicy.STOP, 60_000),
          dev -> new LuaFirmware(dev, setup), new DeviceListener() {
            @Override
            public void onLog(Device dev, LogRecord r) {
              if (r.text().equals("I/user.bench go")) marks[0] = System.nanoTime();
              else if (r.text().equals("I/user.bench done")) marks[1] = System.nanoTime();
              else if (r.text().startsWith("E/")) failure.append(r.text()).append('\n');
            }
          });
      d.start();
      int code = d.stopped().get(5, TimeUnit.MINUTES);
      if (code != 0 || marks[0] < 0 || marks[1] < 0) {
        throw new IllegalStateException("the socket benchmark failed: exit " + code + "\n" + failure);
      }
    }
    return (end == null ? marks[1] : end.get(1, TimeUnit.MINUTES)) - marks[0];
  }

  private static final String PING_PONG = """
      sys.taskInit(function()
        sys.waitUntil("IP_READY")
        local buf, msg = zbuff.create(4096), string.rep("p", MESSAGE)
        local rounds, got, netc = 0, 0
        netc = socket.create(nil, function(sc, event, param)
          if param ~= 0 then log.error("bench", "event", event, param) os.exit(1) end
          if event == socket.ON_LINE then
            log.info("bench", "go")
            socket.tx(netc, msg)
          elseif event == socket.EVENT then
            while true do
              local ok, n = socket.rx(netc, buf)
              if not ok or n == 0 then break end
              got = got + n
              buf:del()
            end
            while got >= MESSAGE do got, rounds = got - MESSAGE, rounds + 1 end
            if rounds == ROUNDS then
              log.info("bench", "done")
              os.exit(0)
            elseif got == 0 then
              socket.tx(netc, msg)
            end
          end
        end)
        socket.config(netc)
        socket.connect(netc, "bench.test", PORT_NUMBER)
      end)
      sys.run()
      """;

  /** A libnet task, as the demos write one, connected to the peer when {@code body} runs. */
  private static String libnetTask(String body) {
    return """
        local libnet = require "libnet"
        sys.taskInitEx(function()
          sys.waitUntil("IP_READY")
          local netc = socket.create(nil, "b")
          socket.config(netc)
          assert(libnet.connect("b", 15000, netc, "bench.test", PORT_NUMBER))
        """ + body + """
          os.exit(0)
        end, "b")
        sys.run()
        """;
  }

  private static final String UPLOAD = libnetTask("""
        local chunk = string.rep("u", CHUNK)
        log.info("bench", "go")
        for i = 1, BULK // CHUNK do
          local ok = libnet.tx("b", 15000, netc, chunk)
          if not ok then log.error("bench", "tx failed at", i) os.exit(1) end
        end
        log.info("bench", "done")
      """);

  private static final String DOWNLOAD = libnetTask("""
        local buf, md, total = zbuff.create(65536), crypto.hash_init("MD5"), 0
        log.info("bench", "go")
        while total < BULK do
          local ok, n = socket.rx(netc, buf)
          if not ok then log.error("bench", "rx failed at", total) os.exit(1) end
          if n > 0 then
            crypto.hash_update(md, buf:toStr(0, buf:used()))
            total = total + n
            buf:del()
          elseif not libnet.wait("b", 15000, netc) then
            log.error("bench", "wait failed at", total) os.exit(1)
          end
        end
        local digest = crypto.hash_finish(md)
        if total ~= BULK or digest:upper() ~= ("DIGEST"):upper() then
          log.error("bench", "received", total, digest) os.exit(1)
        end
        log.info("bench", "done")
      """);

  // --- the plain Netty client --------------------------------------------------------------------

  /** Nanoseconds a plain client takes to do {@code job} against {@code port}. */
  private static long plain(EventLoopGroup group, int port, Job job) throws Exception {
    Channel ch = new Bootstrap().group(group).channel(NioSocketChannel.class).option(ChannelOption.TCP_NODELAY, true)
        .handler(job).connect(InetAddress.getLoopbackAddress(), port).sync().channel();
    try {
      return job.elapsed.get(5, TimeUnit.MINUTES);
    } finally {
      ch.close().sync();
    }
  }

  /** A client-side job: starts when connected, completes {@link #elapsed} with its duration. */
  private abstract static class Job extends ChannelInboundHandlerAdapter {
    final CompletableFuture<Long> elapsed = new CompletableFuture<>();
    long start;

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      start = System.nanoTime();
      begin(ctx);
    }

    abstract void begin(ChannelHandlerContext ctx);

    void finish() {
      elapsed.complete(System.nanoTime() - start);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      elapsed.completeExceptionally(cause);
    }
  }

  private static final class PingPong extends Job {
    private final ByteBuf message = Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(new byte[MESSAGE]));
    private int rounds, got;

    @Override
    void begin(ChannelHandlerContext ctx) {
      ctx.writeAndFlush(message.duplicate());
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      got += ((ByteBuf) msg).readableBytes();
      ReferenceCountUtil.release(msg);
      while (got >= MESSAGE) {
        got -= MESSAGE;
        rounds++;
      }
      if (rounds == ROUNDS) finish();
      else if (got == 0) ctx.writeAndFlush(message.duplicate());
    }
  }

  /** Writes while the channel is writable; done when the sink has it all. */
  private static final class Upload extends Job {
    private final Pump pump = new Pump(new byte[CHUNK]);
    private final CompletableFuture<Long> sinkDone;

    Upload(CompletableFuture<Long> sinkDone) {
      this.sinkDone = sinkDone;
    }

    @Override
    void begin(ChannelHandlerContext ctx) {
      sinkDone.thenAccept(t -> finish());
      pump.run(ctx);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
      pump.run(ctx);
    }
  }

  /** Writes {@link #BULK} bytes, {@code chunk} after {@code chunk}, as fast as the connection takes them. */
  private static final class Pump {
    private final ByteBuf chunk;
    private long sent;

    Pump(byte[] chunk) {
      this.chunk = Unpooled.wrappedBuffer(chunk);
    }

    void run(ChannelHandlerContext ctx) {
      while (sent < BULK && ctx.channel().isWritable()) {
        int n = (int) Math.min(chunk.capacity(), BULK - sent);
        ctx.write(chunk.retainedSlice(0, n));
        sent += n;
      }
      ctx.flush();
    }
  }

  private static final class Download extends Job {
    private final String digest;
    private final MessageDigest md = md5();
    private long got;

    Download(String digest) {
      this.digest = digest;
    }

    @Override
    void begin(ChannelHandlerContext ctx) {}

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ByteBuf b = (ByteBuf) msg;
      got += b.readableBytes();
      for (ByteBuffer nio : b.nioBuffers()) md.update(nio);
      b.release();
      if (got == BULK) {
        String d = HexFormat.of().formatHex(md.digest());
        if (d.equals(digest)) finish();
        else elapsed.completeExceptionally(new IllegalStateException("plain download digest " + d));
      }
    }
  }

  // --- the peers ---------------------------------------------------------------------------------

  private static Channel server(EventLoopGroup group, InetAddress bind, Supplier<ChannelInboundHandlerAdapter> handler)
      throws InterruptedException {
    return new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
        .childHandler(new ChannelInitializer<>() {
          @Override
          protected void initChannel(Channel ch) {
            ch.pipeline().addLast(handler.get());
          }
        }).bind(bind, 0).sync().channel();
  }

  /** Discards what it reads; {@link #done} completes with the time the expected total is in. */
  @io.netty.channel.ChannelHandler.Sharable
  private static final class Sink extends ChannelInboundHandlerAdapter {
    volatile CompletableFuture<Long> done;
    private long expected, got;

    void expect(long total) {
      expected = total;
      got = 0;
      done = new CompletableFuture<>();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      got += ((ByteBuf) msg).readableBytes();
      ReferenceCountUtil.release(msg);
      if (got >= expected) done.complete(System.nanoTime());
    }
  }

  /** Sends {@link #BULK} bytes of the pattern to whoever connects. */
  private static final class Source extends ChannelInboundHandlerAdapter {
    private final Pump pump;

    Source(byte[] pattern) {
      this.pump = new Pump(pattern);
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      pump.run(ctx);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
      pump.run(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ReferenceCountUtil.release(msg);
    }
  }

  /** 64 KiB of a byte sequence that does not repeat within a chunk, so a lost chunk changes the digest. */
  private static byte[] pattern() {
    byte[] p = new byte[64 * 1024];
    for (int i = 0; i < p.length; i++) p[i] = (byte) (i * 31 + (i >> 8));
    return p;
  }

  private static String md5Of(byte[] pattern) {
    MessageDigest md = md5();
    for (long sent = 0; sent < BULK; sent += pattern.length) md.update(pattern, 0, (int) Math.min(pattern.length, BULK - sent));
    return HexFormat.of().formatHex(md.digest());
  }

  private static MessageDigest md5() {
    try {
      return MessageDigest.getInstance("MD5");
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static int port(Channel server) {
    return ((InetSocketAddress) server.localAddress()).getPort();
  }

  private static double perSecond(long count, long nanos) {
    return count * 1e9 / nanos;
  }

  private static double mibPerSecond(long nanos) {
    return (BULK / 1048576.0) / (nanos / 1e9);
  }
}
