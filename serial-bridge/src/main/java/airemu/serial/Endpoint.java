package airemu.serial;

/**
 * Where a client attaches to an open port, for the CLI to print.
 *
 * @param spec the spec the transport was opened from
 * @param address what a client opens: the pty's symlink or slave path, {@code socket://HOST:PORT},
 *     {@code rfc2217://HOST:PORT}, {@code udp://HOST:PORT} or the serial port name
 * @param device the pty slave ({@code /dev/pts/3}) or the serial port's system path; null for sockets
 * @param localPort the bound TCP or UDP port (useful with port 0); -1 for pty and serial
 */
public record Endpoint(PortSpec spec, String address, String device, int localPort) {

  @Override
  public String toString() {
    return device == null || device.equals(address) ? address : address + " -> " + device;
  }
}
