package airemu.serial;

import com.fazecast.jSerialComm.SerialPort;
import com.fazecast.jSerialComm.SerialPortDataListener;
import com.fazecast.jSerialComm.SerialPortEvent;
import java.io.IOException;
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
 * <p>The peer cannot be seen arriving or leaving, so it counts as attached from the start. Reads are
 * jSerialComm's data events. Writes run on a thread of this port's own: jSerialComm's write retries
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
    if (!port.addDataListener(t)) {
      port.closePort();
      throw new IOException("cannot listen on serial port " + spec.path());
    }
    hub.attach(t);
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
    return SerialPort.LISTENING_EVENT_DATA_RECEIVED | SerialPort.LISTENING_EVENT_PORT_DISCONNECTED;
  }

  @Override
  public void serialEvent(SerialPortEvent event) {
    if (event.getEventType() == SerialPort.LISTENING_EVENT_DATA_RECEIVED) {
      byte[] data = event.getReceivedData();
      if (data != null) hub.fromHost(data);
    } else if (event.getEventType() == SerialPort.LISTENING_EVENT_PORT_DISCONNECTED) {
      log().warn("{}: serial port {} disconnected", hub.name(), spec.path());
    }
  }

  private SerialCommTransport(PortSpec spec, PortHub hub, SerialPort port) {
    this.spec = spec;
    this.hub = hub;
    this.port = port;
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

  private static Logger log() {
    return LoggerFactory.getLogger(SerialCommTransport.class);
  }

  private final PortSpec spec;
  private final PortHub hub;
  private final SerialPort port;
  private final ExecutorService writer;
  private final long limit;
  private final AtomicLong queued = new AtomicLong(); // bytes handed to the writer and not yet written
  private final AtomicLong dropped = new AtomicLong();
}
