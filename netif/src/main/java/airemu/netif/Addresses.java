package airemu.netif;

import io.netty.util.NetUtil;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/** IP address forms the socket API uses: literals, raw IPv4 integers, lwIP's text and binary forms. */
final class Addresses {
  private Addresses() {}

  /** An IPv4 or IPv6 literal, or null for anything else (never a DNS lookup). */
  static InetAddress parseLiteral(String s) {
    if (s == null) return null;
    byte[] b = NetUtil.createByteArrayFromIpAddressString(s);
    if (b == null) return null;
    try {
      return InetAddress.getByAddress(b);
    } catch (UnknownHostException e) {
      return null;
    }
  }

  /**
   * A raw IPv4 integer as scripts pass it ({@code socket.connect(ctrl, 0x0100007F, port)}): the
   * firmware stores the Lua integer as lwIP's {@code u32_t addr}, which holds the address in network
   * order in memory. The modules are little-endian, so the low byte is the first octet:
   * {@code 0x0100007F} is 127.0.0.1.
   */
  static InetAddress fromRawIpv4(long raw) {
    byte[] b = {(byte) raw, (byte) (raw >>> 8), (byte) (raw >>> 16), (byte) (raw >>> 24)};
    try {
      return InetAddress.getByAddress(b);
    } catch (UnknownHostException e) {
      throw new AssertionError(e);
    }
  }

  /** lwIP's {@code ipaddr_ntoa}: dotted quad, or compressed lower-case IPv6. */
  static String text(InetAddress a) {
    return NetUtil.toAddressString(a);
  }

  /**
   * The sender form {@code socket.rx} returns for UDP: {@code 0x00} plus the 4 IPv4 bytes in network
   * order, or {@code 0x01} plus the 16 IPv6 bytes.
   */
  static byte[] binary(InetSocketAddress s) {
    byte[] a = s.getAddress().getAddress();
    byte[] out = new byte[a.length + 1];
    out[0] = (byte) (a.length == 4 ? 0 : 1);
    System.arraycopy(a, 0, out, 1, a.length);
    return out;
  }

  static boolean isIpv6(InetAddress a) {
    return a instanceof Inet6Address;
  }

  /**
   * A MAC address derived from {@code seed}: stable across runs, different between seeds, unicast and
   * locally administered (the module's own vendor addresses are not ours to hand out).
   */
  static byte[] derivedMac(String seed) {
    byte[] mac = new byte[6];
    long h = 1125899906842597L;
    for (int i = 0; i < seed.length(); i++) h = 31 * h + seed.charAt(i);
    h ^= h >>> 29;
    h *= 0xBF58476D1CE4E5B9L;
    h ^= h >>> 32;
    for (int i = 0; i < 6; i++) mac[i] = (byte) (h >>> (8 * i));
    mac[0] = (byte) ((mac[0] & 0xFC) | 0x02);
    return mac;
  }

  /** The same host address and port, comparing bytes (an InetAddress's host name is ignored). */
  static boolean sameEndpoint(InetSocketAddress a, InetSocketAddress b) {
    return a.getPort() == b.getPort() && java.util.Arrays.equals(a.getAddress().getAddress(), b.getAddress().getAddress());
  }
}
