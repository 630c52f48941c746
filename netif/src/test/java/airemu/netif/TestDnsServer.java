package airemu.netif;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.handler.codec.dns.DatagramDnsQuery;
import io.netty.handler.codec.dns.DatagramDnsQueryDecoder;
import io.netty.handler.codec.dns.DatagramDnsResponse;
import io.netty.handler.codec.dns.DatagramDnsResponseEncoder;
import io.netty.handler.codec.dns.DefaultDnsRawRecord;
import io.netty.handler.codec.dns.DnsQuestion;
import io.netty.handler.codec.dns.DnsRecordType;
import io.netty.handler.codec.dns.DnsResponseCode;
import io.netty.handler.codec.dns.DnsSection;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A DNS server on loopback for tests: answers A and AAAA from a table, NXDOMAIN for anything else,
 * and holds back answers for names marked slow until {@link #release()}. Public for the tests of the
 * modules above netif (its test jar).
 */
public final class TestDnsServer implements AutoCloseable {
  public final int port;
  final List<String> asked = new CopyOnWriteArrayList<>();
  private final Map<String, List<InetAddress>> names = new ConcurrentHashMap<>();
  private final Map<String, Boolean> slow = new ConcurrentHashMap<>();
  private final List<Runnable> held = new ArrayList<>();
  private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  private final Channel channel;

  public TestDnsServer() throws InterruptedException {
    channel = new Bootstrap().group(group).channel(NioDatagramChannel.class)
        .handler(new ChannelInitializer<>() {
          @Override
          protected void initChannel(Channel ch) {
            ch.pipeline().addLast(new DatagramDnsQueryDecoder(), new DatagramDnsResponseEncoder(), new Answer());
          }
        })
        .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).sync().channel();
    port = ((InetSocketAddress) channel.localAddress()).getPort();
  }

  public TestDnsServer add(String name, InetAddress... addresses) {
    names.put(name.toLowerCase(Locale.ROOT), List.of(addresses));
    return this;
  }

  TestDnsServer slow(String name, InetAddress... addresses) {
    slow.put(name.toLowerCase(Locale.ROOT), true);
    return add(name, addresses);
  }

  /** Sends the answers held back so far. */
  void release() {
    List<Runnable> now;
    synchronized (held) {
      now = new ArrayList<>(held);
      held.clear();
    }
    now.forEach(Runnable::run);
  }

  /** How many queries for slow names are held. */
  int heldCount() {
    synchronized (held) {
      return held.size();
    }
  }

  @Override
  public void close() {
    channel.close().syncUninterruptibly();
    group.shutdownGracefully(0, 0, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
  }

  private final class Answer extends SimpleChannelInboundHandler<DatagramDnsQuery> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, DatagramDnsQuery q) {
      DnsQuestion question = q.recordAt(DnsSection.QUESTION);
      String name = question.name().toLowerCase(Locale.ROOT);
      if (name.endsWith(".")) name = name.substring(0, name.length() - 1);
      asked.add(name + " " + question.type().name());
      List<InetAddress> all = names.get(name);
      DatagramDnsResponse r = new DatagramDnsResponse(q.recipient(), q.sender(), q.id());
      r.setRecursionAvailable(true);
      r.addRecord(DnsSection.QUESTION, question);
      if (all == null) {
        r.setCode(DnsResponseCode.NXDOMAIN);
      } else {
        boolean v6 = question.type() == DnsRecordType.AAAA;
        for (InetAddress a : all) {
          if ((a instanceof Inet6Address) != v6) continue;
          r.addRecord(DnsSection.ANSWER, new DefaultDnsRawRecord(question.name(), question.type(), 60,
              Unpooled.wrappedBuffer(a.getAddress())));
        }
      }
      Runnable send = () -> ctx.writeAndFlush(r);
      if (slow.containsKey(name)) {
        synchronized (held) {
          held.add(() -> ctx.executor().execute(send));
        }
      } else {
        send.run();
      }
    }
  }
}
