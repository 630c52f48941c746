package airemu.serial;

import com.fazecast.jSerialComm.SerialPort;
import com.fazecast.jSerialComm.SerialPortDataListener;
import com.fazecast.jSerialComm.SerialPortEvent;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An existing OS serial port opened through jSerialComm: one end of a com0com pair on Windows (the
 * viewer opens the other end), a socat pty pair, or a real USB adapter that bridges the emulated UART
 * to hardware.
 *
 * <h2>Seeing the viewer arrive</h2>
 * A serial port says nothing about the program on its far end except through the modem lines: com0com
 * wires each end's DSR and DCD to the other end's DTR by default, and can wire them to "the other end
 * is open" instead ({@code setupc change CNCA0 dsr=ropen,dcd=ropen} on the emulator's end); a USB
 * adapter's DSR and DCD follow whatever the hardware on it drives. So the port counts as attached from
 * the start (a viewer may already be there, or the lines may carry nothing, as on a socat pty pair), and
 * DSR or DCD rising (jSerialComm's modem-line events) means a viewer has just opened its end: it gets
 * the backlog then. DSR and DCD both falling means it left: output goes only to the backlog until they
 * rise again. Where the lines never move, a viewer that opens its end late gets only what comes after;
 * a pty (one end of a socat pair) has no lines at all, so they are not listened to there. A data UART
 * ignores the lines, as the module's UART does.
 *
 * <p>Reads are jSerialComm's data events. Writes run on a thread of this port's own: jSerialComm's write retries
 * {@code EAGAIN} in a loop and a blocking port blocks while the peer does not read (a com0com end with
 * nobody on the other side, hardware flow control), and that must stall neither the device nor other
 * ports. What waits for that thread is bounded; output beyond it is dropped and counted.
 */
final class SerialCommTransport implements Transport, Client, SerialPortDataListener {
  static final int SLACK_BYTES = 64 * 1024;

  static SerialCommTransport open(PortSpec spec, PortHub hub) throws IOException {
    SerialPort port;
    try {
      port = SerialPort.getCommPort(spec.path());
    } catch (RuntimeException e) { // SerialPortInvalidPortException: no such port name
      throw new IOException("no serial port named " + spec.path() + ": " + e.getMessage(), e);
    }
    port.setComPortParameters(spec.baud(), 8, SerialPort.ONE_STOP_BIT, SerialPort.NO_PARITY);
    port.setFlowControl(SerialPort.FLOW_CONTROL_DISABLED);
    // Semi-blocking: the fd stays blocking, so a full port blocks the writer thread instead of spinning it.
    port.setComPortTimeouts(SerialPort.TIMEOUT_READ_SEMI_BLOCKING, 0, 0);
    if (!port.openPort()) {
      throw new IOException("cannot open serial port " + spec.path() + " (error " + port.getLastErrorCode()
          + "; is it in use, or missing?)");
    }
    SerialCommTransport t = new SerialCommTransport(spec, hub, port);
    t.peerLines = port.getDSR() || port.getDCD();
    hub.attach(t);
    if (!port.addDataListener(t)) {
      t.close();
      throw new IOException("cannot listen on serial port " + spec.path());
    }
    return t;
  }

  @Override
  public Endpoint endpoint() {
    return new Endpoint(spec, spec.path(), port.getSystemPortPath(), -1);
  }

  @Override
  public long droppedBytes() {
    return dropped.get();
  }

  @Override
  public void close() {
    hub.detach(this);
    writer.shutdownNow();
    port.removeDataListener();
    port.closePort();
  }

  @Override
  public void send(byte[] bytes) {
    int len = bytes.length;
    if (queued.get() + len > limit) {
      dropped.addAndGet(len);
      return;
    }
    queued.addAndGet(len);
    try {
      writer.execute(() -> write(bytes));
    } catch (RejectedExecutionException e) { // closed
      queued.addAndGet(-len);
    }
  }

  @Override
  public int getListeningEvents() {
    int events = SerialPort.LISTENING_EVENT_DATA_RECEIVED | SerialPort.LISTENING_EVENT_PORT_DISCONNECTED;
    if (watchLines) events |= SerialPort.LISTENING_EVENT_DSR | SerialPort.LISTENING_EVENT_CARRIER_DETECT;
    return events;
  }

  @Override
  public void serialEvent(SerialPortEvent event) {
    if (event.getEventType() == SerialPort.LISTENING_EVENT_DATA_RECEIVED) {
      byte[] data = event.getReceivedData();
      if (data != null) hub.fromHost(data);
    } else if (event.getEventType() == SerialPort.LISTENING_EVENT_PORT_DISCONNECTED) {
      log().warn("{}: serial port {} disconnected", hub.name(), spec.path());
    } else {
      peerLinesChanged(port.getDSR() || port.getDCD());
    }
  }

  /** DSR or DCD changed; {@code up} is whether either is on now. jSerialComm's event thread. */
  void peerLinesChanged(boolean up) {
    synchronized (this) {
      if (up == peerLines) return;
      peerLines = up;
    }
    if (!up) {
      hub.detach(this);
    } else if (!hub.attach(this)) {
      hub.replay(this, this::send); // attached all along (the lines said nothing yet): the backlog again
    }
  }

  private SerialCommTransport(PortSpec spec, PortHub hub, SerialPort port) {
    this.spec = spec;
    this.hub = hub;
    this.port = port;
    // Only a log port cares who is there (for its backlog); a data UART sends whatever the lines say.
    this.watchLines = hub.replaysBacklog() && !isPseudoTerminal(port.getSystemPortPath());
    this.limit = SLACK_BYTES + hub.backlogCapacity();
    this.writer = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "airemu-serial-writer " + spec.path());
      t.setDaemon(true);
      return t;
    });
  }

  private void write(byte[] bytes) {
    try {
      int off = 0;
      while (off < bytes.length) {
        int n = port.writeBytes(bytes, bytes.length - off, off);
        if (n <= 0) {
          dropped.addAndGet(bytes.length - off);
          log().debug("{}: write to {} failed (error {})", hub.name(), spec.path(), port.getLastErrorCode());
          return;
        }
        off += n;
      }
    } finally {
      queued.addAndGet(-bytes.length);
    }
  }

  /**
   * Whether {@code path} is a pty slave (one end of a socat pair), which has no modem lines: jSerialComm
   * then reads DSR and DCD as off, and listening for their changes on Linux was seen to cost data events.
   */
  static boolean isPseudoTerminal(String path) {
    String real;
    try {
      real = Path.of(path).toRealPath().toString();
    } catch (IOException | RuntimeException e) { // COM10, or a name the OS resolves itself
      return false;
    }
    return real.startsWith("/dev/pts/") || real.matches("/dev/ttys\\d+");
  }

  private static Logger log() {
    return LoggerFactory.getLogger(SerialCommTransport.class);
  }

  private final PortSpec spec;
  private final PortHub hub;
  private final SerialPort port;
  private final ExecutorService writer;
  private final boolean watchLines; // DSR and DCD tell when a viewer opens the far end
  private final long limit;
  private final AtomicLong queued = new AtomicLong(); // bytes handed to the writer and not yet written
  private final AtomicLong dropped = new AtomicLong();
  private boolean peerLines; // DSR or DCD was on when last seen; guarded by this
}
