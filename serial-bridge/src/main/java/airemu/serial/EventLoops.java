package airemu.serial;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;

/**
 * The Netty event loops that serve every socket port of the JVM (tcp, rfc2217, udp), however many
 * devices and ports there are. Daemon threads, created on first use and never shut down: a port's
 * traffic is tiny, and a JVM that only runs devices must still be able to exit.
 */
final class EventLoops {

  static EventLoopGroup shared() {
    return Holder.GROUP;
  }

  private EventLoops() {}

  private static final class Holder {
    static final EventLoopGroup GROUP = new MultiThreadIoEventLoopGroup(
        Math.min(2, Runtime.getRuntime().availableProcessors()),
        new DefaultThreadFactory("airemu-serial-io", true),
        NioIoHandler.newFactory());
  }
}
