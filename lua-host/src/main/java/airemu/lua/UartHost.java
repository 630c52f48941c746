package airemu.lua;

import airemu.core.Device;
import airemu.serial.DataPort;
import java.io.IOException;

/**
 * Where a device's UARTs lead on the host: the port a terminal or tool attaches to for uart
 * {@code id}. Ports outlive the VM (a module's UART pins do not go away when it reboots), so an
 * implementation opens each one once and hands the same port to every boot.
 */
@FunctionalInterface
public interface UartHost {

  /** The host port of uart {@code id}, opened on first use, or null when the id leads nowhere. */
  DataPort port(int id, Device device) throws IOException;

  /** No UART is wired to the host: writes go nowhere and nothing is ever received. */
  UartHost NONE = (id, device) -> null;
}
