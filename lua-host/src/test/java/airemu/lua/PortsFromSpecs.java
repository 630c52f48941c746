package airemu.lua;

import airemu.core.Device;
import airemu.serial.DataPort;
import airemu.serial.Endpoint;
import airemu.serial.FromHost;
import airemu.serial.PortSpec;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Test support: a {@link UartHost} that opens uart {@code id}'s {@link DataPort} from a spec list
 * ({@code "tcp:0"}, {@code "pty"}) the first time the firmware asks, keeps it for later boots and
 * tells a test where a client attaches.
 *
 * <pre>{@code
 * try (PortsFromSpecs ports = new PortsFromSpecs(Map.of(1, "tcp:0"))) {
 *   ... boot with DeviceSetup.of(board, project, storage).withUarts(ports), wait for the script's setup ...
 *   int tcpPort = ports.endpoint(1).localPort();
 * }
 * }</pre>
 */
final class PortsFromSpecs implements UartHost, AutoCloseable {

  PortsFromSpecs(Map<Integer, String> specs) {
    this.specs = Map.copyOf(specs);
  }

  @Override
  public synchronized DataPort port(int id, Device device) throws IOException {
    DataPort port = open.get(id);
    if (port == null && specs.containsKey(id)) {
      port = DataPort.open("uart" + id, PortSpec.parseList(specs.get(id)), FromHost.post(device, id));
      open.put(id, port);
    }
    return port;
  }

  /** Where a client attaches to uart {@code id}; the firmware must have set the UART up. */
  synchronized Endpoint endpoint(int id) {
    DataPort port = open.get(id);
    if (port == null) throw new AssertionError("uart " + id + " was never set up");
    List<Endpoint> endpoints = port.endpoints();
    return endpoints.get(0);
  }

  @Override
  public synchronized void close() {
    open.values().forEach(DataPort::close);
    open.clear();
  }

  private final Map<Integer, String> specs; // uart id -> spec list
  private final Map<Integer, DataPort> open = new HashMap<>();
}
