package airemu.netif;

import static airemu.netif.SocketEvents.ON_LINE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** A peer that sends faster than the script reads is held back; nothing is lost (spec 2.7, lwIP's window). */
class BackPressureTest {
  /** The ctrl's receive buffer: what a lwIP window holds. */
  private static final int LIMIT = 64 * 1024;
  /** Far more than the loopback socket buffers of both ends hold, so the peer must block. */
  private static final int TOTAL = 32 * 1024 * 1024;

  /** Checks the bytes against the peer's pattern as they are read. */
  private static final class Verifier implements SocketCtrl.RxSink {
    long position;

    @Override
    public int reserve(int n) {
      return n;
    }

    @Override
    public void write(ByteBuf src, int length) {
      byte[] b = new byte[length]; // one bulk read: a PARANOID buffer records every access
      src.readBytes(b);
      for (byte x : b) {
        if (x != (byte) (position % 251)) throw new AssertionError("wrong byte at " + position);
        position++;
      }
    }
  }

  @Test
  void aFloodingPeerIsHeldBackByTheBoundedReceiveBufferAndNoByteIsLost() throws Exception {
    AtomicLong written = new AtomicLong();
    CountDownLatch allRead = new CountDownLatch(1);
    try (Peers.OneShotServer peer = new Peers.OneShotServer((in, out, s) -> {
      byte[] chunk = new byte[251 * 256];
      for (int i = 0; i < chunk.length; i++) chunk[i] = (byte) (i % 251);
      for (long sent = 0; sent < TOTAL; ) {
        int n = (int) Math.min(chunk.length, TOTAL - sent);
        out.write(chunk, 0, n); // the pattern continues across chunks: the chunk is a multiple of 251
        sent += n;
        written.set(sent);
      }
      out.flush();
      allRead.await(); // stays open: once it closes, the rest is read to find the end (see Conn)
    });
         TestDevice dev = Boards.readyAir780(Boards.options().withRxBufferBytes(LIMIT), 8)) {
      SocketCtrl c = dev.tcp(null);
      dev.call(() -> c.connect("127.0.0.1", peer.port, false));
      dev.expect(c, ON_LINE, 0);
      Conn conn = dev.call(c::conn);

      // the script does not read: the buffer fills, reading from the host stops, the peer blocks
      Await.until("reading paused", conn::isPaused);
      assertTrue(conn.queuedBytes() >= LIMIT && conn.queuedBytes() <= LIMIT + Transport.MAX_READ, "queued " + conn.queuedBytes());
      assertTrue(written.get() < TOTAL, "the peer got everything out: " + written.get());

      // now read on every EVENT until the last byte
      Verifier sink = new Verifier();
      while (sink.position < TOTAL) {
        NetDelivery d = dev.next();
        assertEquals("EVENT,0", d.toString());
        dev.run(() -> {
          while (c.rx(sink, 0).length() > 0) {
            // drain
          }
        });
      }
      assertEquals(TOTAL, sink.position);
      assertTrue(conn.maxQueuedBytes() <= LIMIT + Transport.MAX_READ, "max queued " + conn.maxQueuedBytes());
      assertTrue(conn.pauseCount() >= 1);
      allRead.countDown();
      peer.join();
      while (!dev.next().toString().equals("EVENT,-1")) {
        // EVENT,0 for reads already drained, then the peer's close
      }
    }
  }
}
