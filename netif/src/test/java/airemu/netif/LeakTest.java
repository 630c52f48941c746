package airemu.netif;

import static airemu.netif.SocketEvents.CLOSED;
import static airemu.netif.SocketEvents.EVENT;
import static airemu.netif.SocketEvents.ON_LINE;
import static airemu.netif.SocketEvents.TX_OK;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import airemu.netif.peers.EchoPeer;
import io.netty.util.ResourceLeakDetector;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Many connect/close cycles leave nothing behind: no open channel, no extra thread, no ByteBuf that
 * was not released. The JVM runs with Netty's leak detector at PARANOID and {@link LeakRecorder}
 * collecting its reports.
 */
class LeakTest {
  private static final int CYCLES = 10_000;
  private static final int WARM_UP = 200;

  /** What the leak recorder is checked with: a tracked object dropped unreleased must be reported. */
  static final class Canary {}

  @Test
  void theLeakDetectorRunsAtParanoidAndReportsToTheRecorder() {
    assertEquals(ResourceLeakDetector.Level.PARANOID, ResourceLeakDetector.getLevel());
    LeakRecorder<Canary> detector = new LeakRecorder<>(Canary.class, 1);
    detector.track(new Canary()); // dropped without close: a leak
    Await.until("the canary's leak to be reported", () -> {
      System.gc();
      Canary next = new Canary();
      detector.track(next).close(next); // tracking looks for collected, unclosed objects
      return LeakRecorder.LEAKS.stream().anyMatch(l -> l.contains("Canary"));
    });
  }

  @Test
  void tenThousandConnectCloseCyclesLeaveNoChannelThreadOrBuffer() {
    // NB: each cycle leaves a TIME_WAIT socket on the host for a minute; running this test again
    // within that minute makes the kernel's search for free local ports, and so the test, slower
    cyclesLeaveNothingBehind(CYCLES, LeakTest::cycle);
  }

  @Test
  void udpCyclesLeaveNoChannelThreadOrBuffer() {
    cyclesLeaveNothingBehind(UDP_CYCLES, LeakTest::udpCycle);
  }

  /** One turn of a script with a socket, against the echo peer on {@code port}; {@code i} picks its ending. */
  private interface Cycle {
    void run(TestDevice dev, int port, int i);
  }

  /**
   * {@code cycles} turns after a warm-up (which starts the event loops) leave no channel open, no ctrl
   * in the adapter, no extra thread and no unreleased ByteBuf.
   */
  private static void cyclesLeaveNothingBehind(int cycles, Cycle cycle) {
    Transport transport = Transport.shared();
    try (EchoPeer echo = EchoPeer.start(InetAddress.getLoopbackAddress(), 0);
         TestDevice dev = Boards.readyAir780(Boards.options(), 8)) {
      for (int i = 0; i < WARM_UP; i++) cycle.run(dev, echo.port(), i);
      Await.until("warm-up sockets to close", () -> transport.openChannels() == 0);
      int threads = ManagementFactory.getThreadMXBean().getThreadCount();

      for (int i = 0; i < cycles; i++) cycle.run(dev, echo.port(), i);

      Await.until("every socket to close", () -> transport.openChannels() == 0);
      assertEquals(0, dev.call(() -> dev.stack().netif(Boards.GP).ctrlCount()));
      int after = ManagementFactory.getThreadMXBean().getThreadCount();
      assertTrue(after <= threads, "threads " + threads + " -> " + after);
    }
    Leaks.assertNoByteBufLeaks();
  }

  @Test
  void faultsLeaveNoChannelThreadBufferOrWaitingConnectBehind() {
    Transport transport = Transport.shared();
    Environment env = Environment.create(List.of("LWIP_GP"), 3);
    try (EchoPeer echo = EchoPeer.start(InetAddress.getLoopbackAddress(), 0);
         TestDevice dev = TestDevice.start(Boards.air780(8), Boards.options(), env)) {
      dev.expectPublish("IP_READY");
      AdapterFaults faults = dev.call(() -> dev.stack().faults(Boards.GP));
      int threads = 0;
      for (int i = 0; i < WARM_UP + FAULT_CYCLES; i++) {
        if (i == WARM_UP) threads = ManagementFactory.getThreadMXBean().getThreadCount(); // event loops started
        // what is in flight when the socket closes: held both ways, paced, or a connect held by a blackhole
        env.fault("LWIP_GP", new Fault.Bandwidth(i % 3 == 0 ? 8 : 100_000));
        env.fault("LWIP_GP", new Fault.Loss(50));
        SocketCtrl tcp = dev.tcp(null);
        SocketCtrl udp = dev.udp(null, 0);
        dev.run(() -> {
          tcp.connect("127.0.0.1", echo.port(), false);
          udp.connect("127.0.0.1", echo.port(), false);
        });
        for (int k = 0; k < 2; k++) dev.next(); // the two ON_LINEs, in either order
        env.fault("LWIP_GP", new Fault.Latency(i % 2 == 0 ? 0 : 60_000, 0));
        dev.run(() -> {
          tcp.tx(TestDevice.bytes("x".repeat(2000)));
          udp.tx(TestDevice.bytes("y".repeat(200)));
        });
        env.fault("LWIP_GP", new Fault.Blackhole());
        SocketCtrl stalled = dev.tcp(null);
        dev.run(() -> stalled.connect("127.0.0.1", echo.port(), false));
        env.clear("LWIP_GP", Fault.Kind.BLACKHOLE);
        env.fault("LWIP_GP", new Fault.Blackhole()); // the connect may have gone out: held again either way
        dev.run(() -> {
          tcp.release();
          udp.release();
          stalled.release();
        });
        env.clearAll("LWIP_GP");
      }
      Await.until("every socket to close", () -> transport.openChannels() == 0);
      Await.until("every fault stage to go", () -> faults.liveHandlers().isEmpty());
      assertEquals(0, faults.stalledConnects());
      int after = ManagementFactory.getThreadMXBean().getThreadCount();
      assertTrue(after <= threads, "threads " + threads + " -> " + after);
    }
    Leaks.assertNoByteBufLeaks();
  }

  private static final int FAULT_CYCLES = 300;
  private static final int UDP_CYCLES = 3_000;

  /**
   * A UDP turn: open, send a datagram, get its echo, then one of three endings: close with the echo
   * unread (the queued datagram must be freed), read it then discon (no event: it closes at once),
   * or read it then release.
   */
  private static void udpCycle(TestDevice dev, int port, int i) {
    SocketCtrl c = dev.udp(null, 0);
    dev.run(() -> c.connect("127.0.0.1", port, false));
    dev.expect(c, ON_LINE, 0);
    dev.call(() -> c.tx(TestDevice.bytes("ping")));
    dev.expect(c, TX_OK, 0);
    dev.expect(c, EVENT, 0);
    dev.run(() -> {
      if (i % 3 != 0 && c.read(0).data().length != 4) throw new AssertionError("short echo in cycle " + i);
      if (i % 3 == 1 && !c.discon().result()) throw new AssertionError("a UDP discon is done at once");
      if (i % 3 == 0) c.close();
      c.release();
    });
  }

  /**
   * One script turn: create, connect, send, get the echo, then one of three endings: close with
   * the echo still unread (its buffer must be freed), read then discon and wait for CLOSED, or read
   * then release.
   */
  private static void cycle(TestDevice dev, int port, int i) {
    SocketCtrl c = dev.call(() -> {
      SocketCtrl x = dev.stack().create(null);
      x.config(0, false, false, 0, 0, 0);
      x.connect("127.0.0.1", port, false);
      return x;
    });
    dev.expect(c, ON_LINE, 0);
    dev.call(() -> c.tx(TestDevice.bytes("ping")));
    dev.expect(c, TX_OK, 0);
    dev.expect(c, EVENT, 0);
    boolean graceful = i % 3 == 1;
    dev.run(() -> {
      if (i % 3 == 0) {
        c.close();
        c.release();
        return;
      }
      if (c.read(0).data().length != 4) throw new AssertionError("short echo in cycle " + i);
      if (graceful) {
        c.discon();
      } else {
        c.release();
      }
    });
    if (graceful) {
      dev.expect(c, CLOSED, 0);
      dev.run(c::release);
    }
  }
}
