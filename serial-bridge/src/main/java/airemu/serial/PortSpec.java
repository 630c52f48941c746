package airemu.serial;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Where one emulated UART is exposed on the host, parsed from a spec string such as {@code pty:/tmp/luat0}
 * or {@code rfc2217:7000}.
 *
 * <table>
 *   <caption>Accepted forms</caption>
 *   <tr><th>spec</th><th>meaning</th></tr>
 *   <tr><td>{@code pty}</td><td>a pseudo-terminal (Linux, macOS); clients open the slave path</td></tr>
 *   <tr><td>{@code pty:PATH}</td><td>the same plus a symlink PATH to the slave, removed on close</td></tr>
 *   <tr><td>{@code tcp:[HOST:]PORT}</td><td>raw TCP server ({@code socket://} in pyserial)</td></tr>
 *   <tr><td>{@code rfc2217:[HOST:]PORT}</td><td>Telnet COM-PORT-OPTION server ({@code rfc2217://})</td></tr>
 *   <tr><td>{@code serial:NAME[@BAUD]}</td><td>an existing OS serial port (a com0com end, a USB adapter)</td></tr>
 *   <tr><td>{@code udp:[HOST:]PORT}</td><td>datagrams, replies to the last sender; data UARTs only</td></tr>
 *   <tr><td>{@code udp:[HOST:]PORT@[PEERHOST:]PEERPORT}</td><td>datagrams, always sent to PEERHOST:PEERPORT
 *       (the LuatOS PC simulator's {@code udp:9001@19001} for uart 1); data UARTs only</td></tr>
 * </table>
 *
 * <p>HOST defaults to {@code 127.0.0.1}, so a port is not reachable from the network unless asked for;
 * PORT 0 picks a free port. BAUD defaults to {@value #DEFAULT_BAUD}.
 *
 * <pre>{@code
 * List<PortSpec> specs = PortSpec.parseList("pty:/tmp/luat0,rfc2217:7000");
 * }</pre>
 */
public final class PortSpec {

  /** The transports a spec can name. */
  public enum Kind { PTY, TCP, RFC2217, SERIAL, UDP }

  /** The accepted forms, as error messages and {@code --help} print them. */
  public static final String FORMS =
      "pty, pty:PATH, tcp:[HOST:]PORT, rfc2217:[HOST:]PORT, serial:NAME[@BAUD], udp:[HOST:]PORT[@[PEERHOST:]PEERPORT]";

  public static final String DEFAULT_HOST = "127.0.0.1";
  public static final int DEFAULT_BAUD = 115200;

  /**
   * Parses one spec.
   *
   * @throws IllegalArgumentException with a one-line message naming the spec and the accepted forms
   */
  public static PortSpec parse(String spec) {
    Objects.requireNonNull(spec, "spec");
    String s = spec.trim();
    int colon = s.indexOf(':');
    String kindText = (colon < 0 ? s : s.substring(0, colon)).toLowerCase(Locale.ROOT);
    String rest = colon < 0 ? null : s.substring(colon + 1);
    switch (kindText) {
      case "pty":
        if (rest != null && rest.isEmpty()) throw bad(spec, "PATH is empty");
        return new PortSpec(Kind.PTY, null, -1, rest, 0, null, -1);
      case "tcp":
        return hostPort(Kind.TCP, spec, rest);
      case "rfc2217":
        return hostPort(Kind.RFC2217, spec, rest);
      case "udp":
        return udp(spec, rest);
      case "serial":
        return serial(spec, rest);
      default:
        throw bad(spec, kindText.isEmpty() ? "empty spec" : "unknown transport \"" + kindText + "\"");
    }
  }

  /** Parses comma-separated specs ({@code "pty,tcp:7000"}); several transports can serve one port. */
  public static List<PortSpec> parseList(String specs) {
    List<PortSpec> out = new ArrayList<>();
    for (String part : specs.split(",")) {
      if (!part.isBlank()) out.add(parse(part));
    }
    if (out.isEmpty()) throw bad(specs, "no spec given");
    return List.copyOf(out);
  }

  public Kind kind() {
    return kind;
  }

  /** The bind address for tcp, rfc2217 and udp; null otherwise. */
  public String host() {
    return host;
  }

  /** The port for tcp, rfc2217 and udp (0 = any free port); -1 otherwise. */
  public int port() {
    return port;
  }

  /** The symlink path of {@code pty:PATH}, the port name of {@code serial:NAME}; null otherwise. */
  public String path() {
    return path;
  }

  /** Where a {@code udp:PORT@PEER} spec sends all output; null for the others (udp replies to the last sender). */
  public String peerHost() {
    return peerHost;
  }

  /** The port of {@link #peerHost()}; -1 when there is none. */
  public int peerPort() {
    return peerPort;
  }

  /** The baud rate of {@code serial:NAME[@BAUD]}; 0 otherwise (a virtual port has none). */
  public int baud() {
    return baud;
  }

  /** The canonical spec text; {@code parse(toString())} gives an equal spec. */
  @Override
  public String toString() {
    String name = kind.name().toLowerCase(Locale.ROOT);
    switch (kind) {
      case PTY:
        return path == null ? name : name + ":" + path;
      case SERIAL:
        return name + ":" + path + "@" + baud;
      default:
        String text = name + ":" + hostText(host) + ":" + port;
        return peerHost == null ? text : text + "@" + hostText(peerHost) + ":" + peerPort;
    }
  }

  private static String hostText(String host) {
    return host.indexOf(':') >= 0 ? "[" + host + "]" : host;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PortSpec && o.toString().equals(toString());
  }

  @Override
  public int hashCode() {
    return toString().hashCode();
  }

  private static PortSpec udp(String spec, String rest) {
    int at = rest == null ? -1 : rest.indexOf('@');
    if (at < 0) return hostPort(Kind.UDP, spec, rest);
    PortSpec local = hostPort(Kind.UDP, spec, rest.substring(0, at));
    PortSpec peer = hostPort(Kind.UDP, spec, rest.substring(at + 1));
    if (peer.port == 0) throw bad(spec, "PEERPORT must be a number 1-65535, not 0");
    return new PortSpec(Kind.UDP, local.host, local.port, null, 0, peer.host, peer.port);
  }

  private static PortSpec hostPort(Kind kind, String spec, String rest) {
    if (rest == null || rest.isEmpty()) throw bad(spec, "PORT is missing");
    String host = DEFAULT_HOST;
    String portText = rest;
    if (rest.startsWith("[")) { // [::1]:7000
      int close = rest.indexOf(']');
      if (close < 0 || close + 1 >= rest.length() || rest.charAt(close + 1) != ':') {
        throw bad(spec, "expected [IPV6]:PORT");
      }
      host = rest.substring(1, close);
      portText = rest.substring(close + 2);
    } else {
      int colon = rest.lastIndexOf(':');
      if (colon >= 0) {
        host = rest.substring(0, colon);
        portText = rest.substring(colon + 1);
      }
    }
    if (host.isEmpty()) throw bad(spec, "HOST is empty");
    return new PortSpec(kind, host, number(spec, portText, "PORT", 0, 65535), null, 0, null, -1);
  }

  private static PortSpec serial(String spec, String rest) {
    if (rest == null || rest.isEmpty()) throw bad(spec, "NAME is missing");
    String name = rest;
    int baud = DEFAULT_BAUD;
    int at = rest.lastIndexOf('@');
    if (at >= 0) {
      name = rest.substring(0, at);
      baud = number(spec, rest.substring(at + 1), "BAUD", 1, Integer.MAX_VALUE);
      if (name.isEmpty()) throw bad(spec, "NAME is missing");
    }
    return new PortSpec(Kind.SERIAL, null, -1, name, baud, null, -1);
  }

  private static int number(String spec, String text, String what, int min, int max) {
    try {
      int n = Integer.parseInt(text);
      if (n >= min && n <= max) return n;
    } catch (NumberFormatException e) {
      // reported below with the spec
    }
    throw bad(spec, what + " must be a number " + min + "-" + max + ", not \"" + text + "\"");
  }

  private static IllegalArgumentException bad(String spec, String why) {
    return new IllegalArgumentException(
        "bad port spec \"" + spec + "\": " + why + "; accepted forms: " + FORMS);
  }

  private PortSpec(Kind kind, String host, int port, String path, int baud, String peerHost, int peerPort) {
    this.kind = kind;
    this.host = host;
    this.port = port;
    this.path = path;
    this.baud = baud;
    this.peerHost = peerHost;
    this.peerPort = peerPort;
  }

  private final Kind kind;
  private final String host; // tcp, rfc2217, udp
  private final int port; // tcp, rfc2217, udp; -1 otherwise
  private final String path; // pty symlink (nullable) or serial port name
  private final int baud; // serial only
  private final String peerHost; // udp with a fixed peer only
  private final int peerPort; // udp with a fixed peer; -1 otherwise
}
