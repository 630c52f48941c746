package airemu.netif;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import airemu.core.Clock;
import airemu.core.Device;
import airemu.core.DeviceListener;
import airemu.core.Firmware;
import airemu.core.LogRecord;
import airemu.core.ManualClock;
import airemu.core.Message;
import airemu.core.Scheduler;
import airemu.core.Step;
import airemu.core.TimerService;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A real {@link Device} on a real {@link Scheduler} whose firmware does what the Lua host will do
 * with network messages: inside its step it takes messages from the bus, calls
 * {@link NetMessage#handle()} and records what the script would receive. Test code runs socket
 * calls on the device thread with {@link #call}, as the Lua binding does.
 */
final class TestDevice implements AutoCloseable {
  /** Generous: events normally take microseconds on loopback. */
  static final Duration TIMEOUT = Duration.ofSeconds(20);

  static TestDevice start(NetProfile profile, NetOptions options) {
    return start(profile, options, (Transport) null);
  }

  /** Starts with the stack on {@code transport} (null: the shared one). */
  static TestDevice start(NetProfile profile, NetOptions options, Transport transport) {
    return start(profile, options, transport, NetStack.calm(profile));
  }

  /** Starts in {@code environment}, the network outside the device. */
  static TestDevice start(NetProfile profile, NetOptions options, Environment environment) {
    return start(profile, options, null, environment);
  }

  static TestDevice start(NetProfile profile, NetOptions options, Transport transport, Environment environment) {
    return start(Clock.system(), profile, options, transport, environment);
  }

  /**
   * Starts on a device clock that moves only by {@link #advance}, so a test can let minutes of
   * device time pass at once and see what the device's timers and its clock readers do meanwhile.
   */
  static TestDevice startOnManualClock(NetProfile profile, NetOptions options) {
    return start(new ManualClock(System.currentTimeMillis()), profile, options, null, NetStack.calm(profile));
  }

  private static TestDevice start(Clock clock, NetProfile profile, NetOptions options, Transport transport, Environment environment) {
    TestDevice d = new TestDevice(clock, profile, options, transport, environment);
    d.device.start();
    d.call(() -> null); // booted
    return d;
  }

  private TestDevice(Clock clock, NetProfile profile, NetOptions options, Transport transport, Environment environment) {
    this.scheduler = Scheduler.create(clock, 1);
    DeviceListener listener = new DeviceListener() {
      @Override
      public void onLog(Device device, LogRecord record) {
        log.add(record.text());
      }
    };
    this.device = scheduler.newDevice(new Device.Options("test-device", Device.CrashPolicy.STOP, 60_000),
        dev -> new Harness(dev, profile, options, transport, environment), listener);
  }

  // --- driving the device -------------------------------------------------------------------

  /** Runs {@code fn} on the device thread and returns its result. */
  <T> T call(Callable<T> fn) {
    FutureTask<T> task = new FutureTask<>(fn);
    device.post(new Exec(task));
    try {
      return task.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) throw r;
      if (e.getCause() instanceof Error r) throw r;
      throw new IllegalStateException(e.getCause());
    } catch (InterruptedException | TimeoutException e) {
      throw new AssertionError("device call did not complete in " + TIMEOUT, e);
    }
  }

  void run(Runnable r) {
    call(() -> {
      r.run();
      return null;
    });
  }

  /**
   * Moves the clock of a device started by {@link #startOnManualClock} on by {@code d}, and returns
   * once every timer that fell due meanwhile has fired and the device has handled what they posted,
   * so that {@link #pending} then holds all that {@code d} of device time brought.
   */
  void advance(Duration d) {
    ManualClock clock = (ManualClock) scheduler.clock();
    clock.advance(d.toNanos(), TimeUnit.NANOSECONDS);
    CountDownLatch fired = new CountDownLatch(1);
    TimerService timers = scheduler.timers();
    timers.schedule(clock.nanoTime(), fired::countDown); // after every timer due by now
    timers.schedule(-1, () -> { }); // the new head: wakes the timer thread, which waits by the host's time
    try {
      if (!fired.await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) throw new AssertionError("the timers did not run");
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
    call(() -> null); // what the timers posted is handled before this
  }

  NetStack stack() {
    return stack;
  }

  /** A ctrl configured as plain TCP ({@code socket.create} + {@code socket.config(ctrl)}). */
  SocketCtrl tcp(Integer adapter) {
    return call(() -> {
      SocketCtrl c = stack.create(adapter);
      assertNotNull(c, "socket.create");
      c.config(0, false, false, 0, 0, 0);
      return c;
    });
  }

  SocketCtrl udp(Integer adapter, int localPort) {
    return call(() -> {
      SocketCtrl c = stack.create(adapter);
      assertNotNull(c, "socket.create");
      c.config(localPort, true, false, 0, 0, 0);
      return c;
    });
  }

  // --- what the script receives ----------------------------------------------------------------

  /** The next thing delivered to the script; fails after {@link #TIMEOUT}. */
  NetDelivery next() {
    try {
      Timed t = deliveries.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      if (t == null) throw new AssertionError("nothing delivered in " + TIMEOUT);
      lastAt = t.uptimeMillis();
      return t.delivery();
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
  }

  /** Asserts that the next delivery is {@code event,param} for {@code ctrl}. */
  void expect(SocketCtrl ctrl, int event, int param) {
    NetDelivery d = next();
    NetDelivery.SocketEvent e = assertInstanceOf(NetDelivery.SocketEvent.class, d, "expected " + SocketEvents.name(event) + "," + param);
    assertEquals(SocketEvents.name(event) + "," + param, e.toString(), "event for " + ctrl);
    assertSame(ctrl, e.ctrl(), "event went to another ctrl");
  }

  NetDelivery.Publish expectPublish(String topic) {
    NetDelivery d = next();
    NetDelivery.Publish p = assertInstanceOf(NetDelivery.Publish.class, d, "expected " + topic);
    assertEquals(topic, p.topic());
    return p;
  }

  /** Asserts nothing is waiting to be delivered right now (events already handled only). */
  List<NetDelivery> pending() {
    return deliveries.stream().map(Timed::delivery).toList();
  }

  List<String> log() {
    return log;
  }

  /** The device's uptime when the delivery last returned by {@link #next()} was handled. */
  long lastDeliveredAt() {
    return lastAt;
  }

  /** The device's uptime now. */
  long uptimeMillis() {
    return device.uptimeMillis();
  }

  @Override
  public void close() {
    device.stop(0);
    try {
      device.stopped().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    } finally {
      scheduler.close();
    }
  }

  static ByteBuf bytes(String s) {
    return Unpooled.wrappedBuffer(s.getBytes(StandardCharsets.UTF_8));
  }

  /** A ctrl's rx into a growable sink, as a zbuff that grows. */
  static final class Sink implements SocketCtrl.RxSink {
    private final java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();

    @Override
    public int reserve(int n) {
      return n;
    }

    @Override
    public void write(ByteBuf src, int length) {
      byte[] b = new byte[length];
      src.readBytes(b);
      out.write(b, 0, length);
    }

    String text() {
      return out.toString(StandardCharsets.UTF_8);
    }

    byte[] bytes() {
      return out.toByteArray();
    }

    void reset() {
      out.reset();
    }
  }

  private record Exec(FutureTask<?> task) implements Message {}

  private final class Harness implements Firmware {
    private final Device dev;
    private final NetProfile profile;
    private final NetOptions options;
    private final Transport transport;
    private final Environment environment;

    Harness(Device dev, NetProfile profile, NetOptions options, Transport transport, Environment environment) {
      this.dev = dev;
      this.profile = profile;
      this.options = options;
      this.transport = transport;
      this.environment = environment;
    }

    @Override
    public Step boot() {
      stack = new NetStack(dev, profile, options, environment, FirmwareLog.of(dev),
          transport != null ? transport : Transport.shared());
      return resume();
    }

    @Override
    public Step resume() {
      for (Message m; (m = dev.poll()) != null; ) {
        if (m instanceof Exec e) {
          e.task().run();
        } else if (m instanceof NetMessage nm) {
          NetDelivery d = nm.handle();
          if (d != NetDelivery.NONE) deliveries.add(new Timed(d, dev.uptimeMillis()));
        }
      }
      return Step.waitForMail();
    }

    @Override
    public void close() {
      if (stack != null) stack.close();
      closed.complete(null);
    }
  }

  final CompletableFuture<Void> closed = new CompletableFuture<>();
  private final Scheduler scheduler;
  private final Device device;
  private volatile NetStack stack;
  private final BlockingQueue<Timed> deliveries = new LinkedBlockingQueue<>();
  private volatile long lastAt;

  /** A delivery and the device's uptime when the firmware handled it. */
  private record Timed(NetDelivery delivery, long uptimeMillis) {}
  private final List<String> log = new CopyOnWriteArrayList<>();
}
