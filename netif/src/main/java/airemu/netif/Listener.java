package airemu.netif;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * A listening TCP socket ({@code socket.listen}). Clients wait here until the ctrl takes them: in
 * single-client mode the first client becomes the listening ctrl's own connection and later ones
 * are refused; in multi-client mode ({@code listen(ctrl, n)}) at most {@code n} clients are held at
 * a time (waiting for {@code accept} or accepted and still open), and more are refused.
 */
final class Listener extends Conn {

  /** Binds and listens on {@code localPort}; LISTEN or ERROR follows. Device thread. */
  static Listener open(NetStack stack, SocketCtrl owner, int localPort, int maxClients) {
    Listener l = new Listener(stack, owner, maxClients);
    Transport t = stack.transport();
    ServerBootstrap b = new ServerBootstrap()
        .group(t.group())
        .channelFactory(t.serverChannels())
        .handler(new ChannelInboundHandlerAdapter() {
          @Override
          public void channelActive(ChannelHandlerContext ctx) {
            l.post(Ev.LISTEN, 0); // bound, and before the first client can be accepted
            ctx.fireChannelActive();
          }
        })
        .childOption(ChannelOption.RECVBUF_ALLOCATOR, t.tcpReads())
        .childOption(ChannelOption.SO_RCVBUF, stack.options().rxBufferBytes())
        .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true) // see TcpConn: the fault stage closes on FIN
        .childHandler(new ChannelInitializer<>() {
          @Override
          protected void initChannel(Channel ch) {
            l.admit(ch);
          }
        });
    InetAddress bind = stack.options().bindAddress();
    ChannelFuture f = b.bind(bind != null ? new InetSocketAddress(bind, localPort) : new InetSocketAddress(localPort));
    l.channel = f.channel();
    t.track(f.channel());
    f.addListener((ChannelFutureListener) fu -> {
      if (!fu.isSuccess()) l.post(Ev.ERROR, 0);
    });
    return l;
  }

  private Listener(NetStack stack, SocketCtrl owner, int maxClients) {
    super(stack, owner, stack.faults(owner.adapterNumber()));
    this.maxClients = maxClients;
  }

  /** The next client waiting to be taken, or null. Device thread. */
  synchronized TcpConn poll() {
    return waiting.poll();
  }

  /** Bytes received by clients still waiting to be taken; for tests. */
  synchronized int waitingBytes() {
    int n = 0;
    for (TcpConn c : waiting) n += c.queuedBytes();
    return n;
  }

  /** Closes the listening socket and the clients nobody took. */
  @Override
  void close() {
    List<TcpConn> drop;
    synchronized (this) {
      drop = new ArrayList<>(waiting);
      waiting.clear();
    }
    super.close();
    for (TcpConn c : drop) c.close();
  }

  /** A client connected (I/O thread): keep it for the ctrl, or refuse it. */
  private void admit(Channel ch) {
    stack.transport().track(ch);
    TcpConn client = TcpConn.accepted(stack, ch, faults);
    synchronized (this) {
      boolean room = maxClients == 0 ? !taken : clients < maxClients;
      if (closed || severed || !room) {
        ch.close();
        return;
      }
      if (maxClients == 0) {
        taken = true;
      } else {
        clients++;
        ch.closeFuture().addListener(f -> {
          synchronized (Listener.this) {
            clients--;
          }
        });
      }
      waiting.add(client);
    }
    client.pipeline(ch);
    post(Ev.NEW_CONNECT, 0);
  }

  private final int maxClients; // 0: single-client mode
  private final ArrayDeque<TcpConn> waiting = new ArrayDeque<>(); // guarded by this
  private boolean taken; // single-client mode: the client arrived
  private int clients; // multi-client mode: clients held (waiting or accepted, still open)
}
