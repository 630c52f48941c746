package airemu.netif.peers;

import io.netty.channel.ChannelFactory;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.concurrent.TimeUnit;

/** A peer's own single event loop: peers stand for hosts on the Internet, not for the devices. */
final class PeerLoop {
  final EventLoopGroup group;
  final boolean epoll;

  PeerLoop(String name) {
    this(name, Epoll.isAvailable());
  }

  /** With {@code epoll} false, a NIO loop, which can adopt sockets the JDK opened. */
  PeerLoop(String name, boolean epoll) {
    this.epoll = epoll;
    group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory(name, true),
        epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
  }

  ChannelFactory<ServerSocketChannel> servers() {
    return epoll ? EpollServerSocketChannel::new : NioServerSocketChannel::new;
  }

  ChannelFactory<DatagramChannel> datagrams(InetAddress bind) {
    SocketProtocolFamily f = bind instanceof Inet6Address ? SocketProtocolFamily.INET6 : SocketProtocolFamily.INET;
    return epoll ? () -> new EpollDatagramChannel(f) : () -> new NioDatagramChannel(f);
  }

  void shutdown() {
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
  }
}
