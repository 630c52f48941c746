package airemu.cli.control;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The control API on loopback: the console's commands and status over HTTP/JSON, and the run's
 * events as a live stream (server-sent events), for scripts and dashboards that drive a run.
 *
 * <pre>
 * GET  /status    {"device": {...}, "adapters": [{"adapter": "LWIP_GP", "link": true, ...}]}
 * POST /command   body: link down LWIP_GP  (or {"command": "link down LWIP_GP"})  {"ok": true, "output": "..."}
 * GET  /events    text/event-stream: event: log|network|control|exit, data: {"type": ..., "uptime": ..., "text": ...}
 * </pre>
 *
 * A stream whose client does not keep up loses events rather than slowing the device: while the
 * connection's outbound buffer is above its high-water mark, events are counted instead of written,
 * and the count comes as an {@code event: dropped} with {@code data: {"count": N}} as soon as the
 * client has caught up (the buffer is back under its low-water mark), before any later event.
 */
public final class HttpControl implements AutoCloseable {
  private static final int MAX_BODY = 64 * 1024;
  /**
   * The kernel's send buffer per connection, fixed (not grown by the kernel up to megabytes): what a
   * stalled stream client holds is this and the channel's high-water mark, and it falls behind soon.
   */
  private static final int SEND_BUFFER = 64 * 1024;

  /** Listens on {@code port} of the loopback address (0: any free port). */
  public static HttpControl start(int port, Controls controls, Events events) {
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("airemu-control", true),
        NioIoHandler.newFactory());
    try {
      Channel server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
          .childOption(ChannelOption.SO_SNDBUF, SEND_BUFFER)
          .childHandler(new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) {
              ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(MAX_BODY), new Handler(controls, events));
            }
          })
          .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port)).syncUninterruptibly().channel();
      return new HttpControl(group, server);
    } catch (RuntimeException e) {
      group.shutdownGracefully(0, 0, java.util.concurrent.TimeUnit.MILLISECONDS);
      throw e;
    }
  }

  public int port() {
    return ((InetSocketAddress) server.localAddress()).getPort();
  }

  @Override
  public void close() {
    server.close().syncUninterruptibly();
    group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
  }

  private HttpControl(EventLoopGroup group, Channel server) {
    this.group = group;
    this.server = server;
  }

  /** {@code GET /status} as JSON. */
  static String statusJson(Controls controls) {
    var d = controls.device();
    StringBuilder b = new StringBuilder("{\"device\":{\"name\":").append(Json.quote(d.name()))
        .append(",\"running\":").append(!d.isStopped())
        .append(",\"uptime\":").append(Controls.uptimeMillis(d))
        .append(",\"boot\":").append(d.bootCount()).append("},\"adapters\":[");
    List<String> adapters = new ArrayList<>();
    for (var s : controls.environment().status()) {
      List<String> faults = new ArrayList<>();
      for (var f : s.faults()) faults.add(Json.quote(f.describe()));
      Controls.DeviceView v = controls.deviceView(s.adapter());
      String device = v == null ? "null" : "{\"registered\":" + v.registered() + ",\"ready\":" + v.ready()
          + ",\"ip\":" + Json.quote(v.ip()) + "}";
      adapters.add("{\"adapter\":" + Json.quote(s.adapter()) + ",\"link\":" + s.link() + ",\"ip\":" + s.ip()
          + ",\"nextIp\":" + Json.quote(s.nextIp()) + ",\"faults\":[" + String.join(",", faults) + "],\"device\":" + device + "}");
    }
    return b.append(String.join(",", adapters)).append("]}").toString();
  }

  private static final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
    Handler(Controls controls, Events events) {
      this.controls = controls;
      this.events = events;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
      String path = req.uri().split("\\?", 2)[0];
      boolean get = req.method().equals(HttpMethod.GET);
      boolean post = req.method().equals(HttpMethod.POST);
      if (path.equals("/status") && get) {
        reply(ctx, req, HttpResponseStatus.OK, statusJson(controls));
      } else if (path.equals("/command") && post) {
        command(ctx, req);
      } else if (path.equals("/events") && get) {
        stream(ctx);
      } else if (path.equals("/") && get) {
        reply(ctx, req, HttpResponseStatus.OK, "{\"endpoints\":[\"GET /status\",\"POST /command\",\"GET /events\"],"
            + "\"commands\":" + Json.quote(Controls.HELP) + "}");
      } else {
        reply(ctx, req, HttpResponseStatus.NOT_FOUND, "{\"ok\":false,\"error\":" + Json.quote("no " + req.method() + " " + path
            + "; try GET /status, POST /command or GET /events") + "}");
      }
    }

    private void command(ChannelHandlerContext ctx, FullHttpRequest req) {
      String body = req.content().toString(StandardCharsets.UTF_8).trim();
      String line = body.startsWith("{") ? Json.field(body, "command") : body;
      if (line == null || line.isBlank()) {
        reply(ctx, req, HttpResponseStatus.BAD_REQUEST, "{\"ok\":false,\"error\":"
            + Json.quote("send a command as the body, e.g. link down LWIP_GP, or {\"command\": \"...\"}") + "}");
        return;
      }
      try {
        String output = controls.execute(line);
        events.control(line.trim());
        reply(ctx, req, HttpResponseStatus.OK, "{\"ok\":true,\"output\":" + Json.quote(output) + "}");
      } catch (IllegalArgumentException e) {
        reply(ctx, req, HttpResponseStatus.BAD_REQUEST, "{\"ok\":false,\"error\":" + Json.quote(e.getMessage()) + "}");
      }
    }

    private void stream(ChannelHandlerContext ctx) {
      HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
      head.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/event-stream; charset=utf-8")
          .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_CACHE);
      HttpUtil.setTransferEncodingChunked(head, true);
      Channel ch = ctx.channel();
      streaming = true;
      AutoCloseable subscription = events.subscribe(e -> offer(ch, e));
      ch.closeFuture().addListener(f -> subscription.close());
      // after subscribing, so a client that acts once it has the head misses nothing; events from other
      // threads queue behind this write on the event loop
      ctx.writeAndFlush(head);
    }

    /** The client of a stream caught up: it hears what it missed at once, not with the next event. */
    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
      Channel ch = ctx.channel();
      if (streaming && ch.isWritable()) {
        synchronized (this) {
          if (dropped > 0) send(ch, droppedNotice());
        }
      }
      ctx.fireChannelWritabilityChanged();
    }

    /**
     * One event for the stream (any thread): written, or counted while the client is behind. Counting
     * and queueing happen under one lock, so a notice goes out after the events before the ones it counts.
     */
    private synchronized void offer(Channel ch, Events.Event e) {
      if (!ch.isActive()) return;
      if (!ch.isWritable()) {
        dropped++;
        return;
      }
      send(ch, (dropped > 0 ? droppedNotice() : "") + "event: " + e.type() + "\ndata: " + e.json() + "\n\n");
    }

    /** The notice of the events missed since the last; resets the count. */
    private String droppedNotice() {
      String notice = "event: dropped\ndata: {\"count\":" + dropped + "}\n\n";
      dropped = 0;
      return notice;
    }

    /**
     * Queues {@code text} behind everything sent before, on the channel's event loop: from another
     * thread a write is a task of that loop; on the loop itself it is made one, not written ahead of them.
     */
    private static void send(Channel ch, String text) {
      DefaultHttpContent chunk = new DefaultHttpContent(Unpooled.copiedBuffer(text, StandardCharsets.UTF_8));
      if (ch.eventLoop().inEventLoop()) {
        ch.eventLoop().execute(() -> ch.writeAndFlush(chunk));
      } else {
        ch.writeAndFlush(chunk);
      }
    }

    private static void reply(ChannelHandlerContext ctx, FullHttpRequest req, HttpResponseStatus status, String json) {
      FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
          Unpooled.copiedBuffer(json + "\n", StandardCharsets.UTF_8));
      res.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json; charset=utf-8");
      HttpUtil.setContentLength(res, res.content().readableBytes());
      boolean keepAlive = HttpUtil.isKeepAlive(req);
      HttpUtil.setKeepAlive(res, keepAlive);
      var f = ctx.writeAndFlush(res);
      if (!keepAlive) f.addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close(); // a client that went away; the run goes on
    }

    private final Controls controls;
    private final Events events;
    private volatile boolean streaming; // this connection serves GET /events
    private long dropped; // events the stream's client missed, not yet reported; guarded by this
  }

  private final EventLoopGroup group;
  private final Channel server;
}
