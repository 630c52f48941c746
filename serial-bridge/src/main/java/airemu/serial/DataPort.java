package airemu.serial;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A data UART of the {@code uart} library exposed on the host: raw bytes both ways, no shell, no line
 * translation. What the script writes goes to every attached client; what a client sends is handed to
 * a {@link FromHost}, normally {@link FromHost#post} into the device's message bus.
 *
 * <p>By default nothing is kept for clients that attach later (a UART has no memory either); a backlog
 * can be asked for. {@link #write} never blocks: a client that does not read loses data, counted in
 * {@link #droppedBytes()}.
 *
 * <pre>{@code
 * DataPort uart1 = DataPort.open("uart1", PortSpec.parseList("udp:9001"), FromHost.post(device, 1));
 * uart1.write(bytes); // uart.write(1, data)
 * }</pre>
 */
public final class DataPort implements AutoCloseable {

  /** Opens a data port without backlog; see {@link #open(String, List, FromHost, int)}. */
  public static DataPort open(String name, List<PortSpec> specs, FromHost fromHost) throws IOException {
    return open(name, specs, fromHost, 0);
  }

  /**
   * Opens a data port on every transport in {@code specs}.
   *
   * @param name for messages, e.g. {@code "uart1"}
   * @param fromHost receives what clients send, on an I/O thread; must only hand the bytes over
   * @param backlogBytes how much output to replay to a client that attaches; 0 for none
   * @throws IOException if a transport cannot be opened; the message names the spec, and transports
   *     already opened are closed again
   */
  public static DataPort open(String name, List<PortSpec> specs, FromHost fromHost, int backlogBytes)
      throws IOException {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(fromHost, "fromHost");
    if (backlogBytes < 0 || backlogBytes > LogPort.Options.MAX_BACKLOG) {
      throw new IllegalArgumentException("backlogBytes must be 0.." + LogPort.Options.MAX_BACKLOG + ", not " + backlogBytes);
    }
    DataPort port = new DataPort(new PortHub(name, backlogBytes, fromHost));
    port.hub.open(specs);
    return port;
  }

  /** Sends bytes to every attached client. Any thread; never blocks. */
  public void write(byte[] bytes) {
    write(bytes, 0, bytes.length);
  }

  /** Sends {@code len} bytes of {@code bytes} from {@code off}; the array may be reused afterwards. */
  public void write(byte[] bytes, int off, int len) {
    Objects.checkFromIndexSize(off, len, bytes.length);
    hub.toHost(Arrays.copyOfRange(bytes, off, off + len));
  }

  /** Where clients attach, one per spec, in the order given. */
  public List<Endpoint> endpoints() {
    return hub.endpoints();
  }

  /** Bytes that attached clients did not read in time, summed over all transports. */
  public long droppedBytes() {
    return hub.droppedBytes();
  }

  /** Closes every transport and removes pty symlinks; idempotent. */
  @Override
  public void close() {
    hub.close();
  }

  PortHub hub() {
    return hub;
  }

  private DataPort(PortHub hub) {
    this.hub = hub;
  }

  private final PortHub hub;
}
