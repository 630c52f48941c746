package airemu.serial;

import java.io.IOException;

/**
 * One way a port is exposed on the host. A transport accepts clients and tells its {@link PortHub}
 * when each one attaches, sends bytes or goes away; the hub decides what each client receives.
 */
interface Transport {

  /** Where clients attach. */
  Endpoint endpoint();

  /** Bytes that attached clients did not take because they were not reading. */
  long droppedBytes();

  /** Stops serving and releases the OS resources; idempotent. */
  void close();

  /** Opens the transport {@code spec} names, serving {@code hub}. */
  static Transport open(PortSpec spec, PortHub hub) throws IOException {
    switch (spec.kind()) {
      case PTY:
        return PtyTransport.open(spec, hub);
      case TCP:
      case RFC2217:
        return SocketTransport.open(spec, hub);
      case UDP:
        return UdpTransport.open(spec, hub);
      case SERIAL:
        return SerialCommTransport.open(spec, hub);
      default:
        throw new AssertionError(spec.kind());
    }
  }
}
