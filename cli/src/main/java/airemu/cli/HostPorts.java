package airemu.cli;

import airemu.boards.BoardProfile;
import airemu.config.ConfigException;
import airemu.core.Device;
import airemu.core.LogRecord;
import airemu.lua.UartHost;
import airemu.serial.DataPort;
import airemu.serial.Endpoint;
import airemu.serial.FromHost;
import airemu.serial.LogPort;
import airemu.serial.PortSpec;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * The serial ports of one run on the host side: the device's log port (--log-port) and its data
 * UARTs (--uart ID=SPEC, --uart-udp). Opened for the whole run, so they survive device reboots, and
 * announced on stderr so the user knows where to attach.
 */
final class HostPorts implements UartHost, AutoCloseable {
  /**
   * The LuatOS PC simulator's convention ({@code bsp/pc/port/uart/uart_drv_udp.c}): uart n receives
   * on UDP port 9000+n and sends everything to 127.0.0.1:19000+n.
   */
  static final int UDP_UART_BASE = 9000, UDP_UART_PEER_BASE = 19000;

  HostPorts(Map<Integer, List<PortSpec>> uarts, boolean udpUarts, PrintWriter err) {
    this.uartSpecs = uarts;
    this.udpUarts = udpUarts;
    this.err = err;
  }

  /** Parses {@code ID=SPEC[,SPEC...]} options. */
  static Map<Integer, List<PortSpec>> parseUarts(List<String> options) throws ConfigException {
    Map<Integer, List<PortSpec>> uarts = new HashMap<>();
    for (String o : options) {
      int eq = o.indexOf('=');
      int id;
      try {
        id = eq > 0 ? Integer.parseInt(o.substring(0, eq)) : -1;
      } catch (NumberFormatException e) {
        id = -1;
      }
      if (id < 0) throw new ConfigException("--uart " + o + ": write ID=SPEC, e.g. --uart 1=tcp:9001 or --uart 2=pty:./uart2");
      List<PortSpec> specs;
      try {
        specs = PortSpec.parseList(o.substring(eq + 1));
      } catch (IllegalArgumentException e) {
        throw new ConfigException("--uart " + o + ": " + e.getMessage());
      }
      if (uarts.putIfAbsent(id, specs) != null) {
        throw new ConfigException("--uart " + id + " is given twice; list several ports in one option, e.g. --uart "
            + id + "=pty,tcp:9001");
      }
    }
    return uarts;
  }

  /**
   * Opens the log port; its shell answers ATI with the board's firmware, AT+RESET reboots {@code device}
   * and the commands the device answers itself (free, lsdir, fread) go to its message bus.
   */
  void openLogPort(List<String> specs, LogPort.LineEnding ending, boolean timestamps, BoardProfile board, Device device,
      byte[] uniqueId) throws ConfigException {
    List<PortSpec> all = new ArrayList<>();
    try {
      for (String s : specs) all.addAll(PortSpec.parseList(s));
      String banner = "LuatOS-SoC_" + board.firmware().bspVersion() + "_" + board.bsp();
      logPort = LogPort.open(all, LogPort.Options.of(banner).withUniqueId(HexFormat.of().withUpperCase().formatHex(uniqueId))
          .withOnReset(device::requestReboot).withDevice(device::post).withLineEnding(ending).withTimestamps(timestamps));
    } catch (IllegalArgumentException | IOException e) {
      throw new ConfigException("--log-port: " + e.getMessage());
    }
    for (Endpoint e : logPort.endpoints()) err.println("airemu: log port at " + e);
    err.flush();
  }

  void log(LogRecord record) {
    LogPort p = logPort;
    if (p != null) p.write(record);
  }

  @Override
  public synchronized DataPort port(int id, Device device) throws IOException {
    DataPort open = opened.get(id);
    if (open != null) return open;
    List<PortSpec> specs = uartSpecs.get(id);
    if (specs == null && udpUarts) {
      specs = List.of(PortSpec.parse("udp:" + (UDP_UART_BASE + id) + "@" + (UDP_UART_PEER_BASE + id)));
    }
    if (specs == null) return null;
    DataPort port = DataPort.open("uart" + id, specs, FromHost.post(device, id));
    opened.put(id, port);
    for (Endpoint e : port.endpoints()) {
      PortSpec spec = e.spec();
      String peer = spec.peerHost() == null ? "" : ", sending to udp://" + spec.peerHost() + ":" + spec.peerPort();
      err.println("airemu: uart" + id + " at " + e + peer);
    }
    err.flush();
    return port;
  }

  /** Opens the ports given with --uart now, so a wrong spec is reported before the device boots. */
  void openUarts(Device device) throws ConfigException {
    for (int id : uartSpecs.keySet()) {
      try {
        port(id, device);
      } catch (IOException e) {
        throw new ConfigException("--uart " + id + ": " + e.getMessage());
      }
    }
  }

  @Override
  public synchronized void close() {
    if (logPort != null) logPort.close();
    for (DataPort p : opened.values()) p.close();
    opened.clear();
  }

  private final Map<Integer, List<PortSpec>> uartSpecs;
  private final boolean udpUarts;
  private final PrintWriter err;
  private final Map<Integer, DataPort> opened = new HashMap<>();
  private volatile LogPort logPort;
}
