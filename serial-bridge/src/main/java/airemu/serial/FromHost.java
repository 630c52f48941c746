package airemu.serial;

import airemu.core.Device;

/**
 * Receives the bytes a host-side client (a terminal, a log viewer, a user's tool) sent to an emulated
 * UART.
 *
 * <p>Called on an I/O thread (the pty poller, a Netty event loop, a jSerialComm listener), in arrival
 * order for one client. An implementation hands the bytes over and returns: it must not block and must
 * not call into Lua, because the same thread serves every other port. The array is the callee's to keep.
 *
 * <pre>{@code
 * DataPort uart1 = DataPort.open(specs, FromHost.post(device, 1)); // uart.on(1, "receive", ...)
 * }</pre>
 */
@FunctionalInterface
public interface FromHost {

  void fromHost(byte[] bytes);

  /** Posts each chunk to {@code device}'s message bus as {@link UartReceived} for uart {@code uartId}. */
  static FromHost post(Device device, int uartId) {
    return bytes -> device.post(new UartReceived(uartId, bytes));
  }

  /** Drops whatever arrives (a port that only sends). */
  FromHost IGNORE = bytes -> {};
}
