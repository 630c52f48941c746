package airemu.netif;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * One channel's fault stage on an embedded channel whose time the test moves by hand: what is
 * delivered when, in what order, and what is left when faults change or the channel closes.
 */
class FaultHandlerTest {
  private static final long DELAY = 100, JITTER = 90;
  /** Chunks a stream sends, {@link #SPACING} ms apart: closer together than the jitter, so draws could reorder them. */
  private static final int CHUNKS = 20, SPACING = 5;
  /** Long enough that nothing delayed by it arrives during a test. */
  private static final long FOREVER = 60_000;

  private static AdapterFaults faults(long seed) {
    return new AdapterFaults("LWIP_GP", seed, 65536, Transport.shared());
  }

  private static EmbeddedChannel channel(AdapterFaults faults, boolean datagram) {
    EmbeddedChannel ch = new EmbeddedChannel();
    ch.freezeTime();
    ch.pipeline().addLast(faults.handler(datagram, false));
    return ch;
  }

  private static void advance(EmbeddedChannel ch, long millis) {
    ch.advanceTimeBy(millis, TimeUnit.MILLISECONDS);
    ch.runPendingTasks();
    ch.runScheduledPendingTasks();
  }

  /** When each chunk of a stream under latency with jitter is delivered, in ms from the first one's arrival. */
  private static List<Long> deliveries(long seed) {
    AdapterFaults f = faults(seed);
    f.set(new Fault.Latency(DELAY, JITTER));
    EmbeddedChannel ch = channel(f, false);
    List<Long> at = new ArrayList<>();
    for (long t = 0; t <= CHUNKS * SPACING + DELAY + JITTER; t++) {
      if (t % SPACING == 0 && t / SPACING < CHUNKS) ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {(byte) (t / SPACING)}));
      for (ByteBuf b; (b = ch.readInbound()) != null; b.release()) {
        assertEquals(at.size(), b.getByte(0), "chunks arrive in the order they were sent");
        long sent = at.size() * (long) SPACING;
        assertTrue(t >= sent + DELAY - JITTER && t <= Math.max(sent + DELAY + JITTER, at.isEmpty() ? 0 : at.get(at.size() - 1)),
            "chunk " + at.size() + " sent at " + sent + " arrived at " + t);
        at.add(t);
      }
      advance(ch, 1);
    }
    assertEquals(CHUNKS, at.size());
    ch.finishAndReleaseAll();
    return at;
  }

  @Test
  void jitterComesFromTheSeedSoARunRepeatsAndAStreamIsNeverReordered() {
    List<Long> first = deliveries(42);
    assertEquals(first, deliveries(42));
    assertNotEquals(first, deliveries(43));
    for (int i = 1; i < first.size(); i++) assertTrue(first.get(i) >= first.get(i - 1), "delivery times never go back: " + first);
  }

  @Test
  void clearingAFaultReleasesWhatItHeldAtOnce() {
    AdapterFaults f = faults(1);
    f.set(new Fault.Latency(FOREVER, 0));
    EmbeddedChannel ch = channel(f, false);
    ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {1}));
    ChannelFuture write = ch.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {2}));
    advance(ch, 1);
    assertNull(ch.readInbound());
    assertNull(ch.readOutbound());
    assertFalse(write.isDone(), "a held write is not reported sent");
    f.clear(Fault.Kind.LATENCY);
    advance(ch, 0);
    ByteBuf in = ch.readInbound();
    ByteBuf out = ch.readOutbound();
    assertEquals(1, in.getByte(0));
    assertEquals(2, out.getByte(0));
    assertTrue(write.isSuccess());
    in.release();
    out.release();
    assertFalse(ch.finish());
  }

  @Test
  void aBlackholeHoldsTcpBothWaysAndLetsItFlowWhenCleared() {
    AdapterFaults f = faults(1);
    EmbeddedChannel ch = channel(f, false);
    f.set(new Fault.Blackhole());
    advance(ch, 0);
    assertFalse(ch.config().isAutoRead(), "the stalled network stops reading from the peer");
    ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {1}));
    ChannelFuture write = ch.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {2}));
    advance(ch, FOREVER);
    assertNull(ch.readInbound());
    assertNull(ch.readOutbound());
    assertFalse(write.isDone());
    f.clear(Fault.Kind.BLACKHOLE);
    advance(ch, 0);
    assertTrue(ch.config().isAutoRead());
    ((ByteBuf) ch.readInbound()).release();
    ((ByteBuf) ch.readOutbound()).release();
    assertTrue(write.isSuccess());
    ch.finishAndReleaseAll();
  }

  @Test
  void aBlackholeLosesDatagramsYetReportsThemSentAsLwipDoes() {
    AdapterFaults f = faults(1);
    f.set(new Fault.Blackhole());
    EmbeddedChannel ch = channel(f, true);
    InetSocketAddress peer = new InetSocketAddress("127.0.0.1", 9);
    ByteBuf in = Unpooled.wrappedBuffer(new byte[] {1});
    ch.writeInbound(new DatagramPacket(in, peer, peer));
    ByteBuf out = Unpooled.wrappedBuffer(new byte[] {2});
    ChannelFuture write = ch.writeAndFlush(new DatagramPacket(out, peer));
    f.clear(Fault.Kind.BLACKHOLE);
    advance(ch, 0);
    assertNull(ch.readInbound());
    assertNull(ch.readOutbound());
    assertTrue(write.isSuccess());
    assertEquals(0, in.refCnt());
    assertEquals(0, out.refCnt());
    assertFalse(ch.finish());
  }

  @Test
  void aDelayedDatagramIsReportedSentAtOnceAndCrossesLate() {
    AdapterFaults f = faults(1);
    f.set(new Fault.Latency(DELAY, 0));
    EmbeddedChannel ch = channel(f, true);
    ChannelFuture write = ch.writeAndFlush(new DatagramPacket(Unpooled.wrappedBuffer(new byte[] {3}), new InetSocketAddress("127.0.0.1", 9)));
    assertTrue(write.isSuccess(), "handed to IP");
    advance(ch, DELAY - 1);
    assertNull(ch.readOutbound());
    advance(ch, 1);
    DatagramPacket p = ch.readOutbound();
    assertEquals(3, p.content().getByte(0));
    p.release();
    assertFalse(ch.finish());
  }

  @Test
  void thePeersFinWaitsBehindTheDataBeforeIt() {
    AdapterFaults f = faults(1);
    f.set(new Fault.Latency(DELAY, 0));
    EmbeddedChannel ch = channel(f, false);
    ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {1}));
    ch.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
    advance(ch, DELAY - 1);
    assertTrue(ch.isOpen());
    advance(ch, 1);
    ((ByteBuf) ch.readInbound()).release();
    assertFalse(ch.isOpen(), "closed once the FIN crossed");
  }

  @Test
  void closingReleasesWhatIsHeldAndDeliversWhatWasOnItsWayIn() {
    AdapterFaults f = faults(1);
    f.set(new Fault.Latency(FOREVER, 0));
    EmbeddedChannel ch = channel(f, false);
    ByteBuf out = Unpooled.wrappedBuffer(new byte[] {2});
    ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {1}));
    ChannelFuture write = ch.writeAndFlush(out);
    ch.close();
    ByteBuf in = ch.readInbound();
    assertEquals(1, in.getByte(0)); // nothing received is lost
    in.release();
    assertFalse(write.isSuccess());
    assertEquals(0, out.refCnt());
  }
}
