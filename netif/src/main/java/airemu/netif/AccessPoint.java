package airemu.netif;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;

/**
 * A Wi-Fi access point within reach of the device: what {@code wlan.scan} finds and what
 * {@code wlan.connect} can join when the SSID and password match.
 *
 * <pre>{@code
 * AccessPoint.of("luatos1234", "12341234")                             // what --wifi SSID:PASSWORD gives
 * new AccessPoint("office", "", "AABBCCDDEE07", -62, 11)                 // an open network
 * }</pre>
 *
 * @param ssid 1 to 32 bytes of UTF-8
 * @param password the WPA passphrase, at most 63 bytes; empty for an open network, which takes any
 * @param bssid 12 hex digits, upper case
 * @param rssi signal strength in dBm as a scan reports it
 * @param channel the 2.4 or 5 GHz channel number
 */
public record AccessPoint(String ssid, String password, String bssid, int rssi, int channel) {

  public AccessPoint {
    Objects.requireNonNull(ssid, "ssid");
    Objects.requireNonNull(password, "password");
    int n = ssid.getBytes(StandardCharsets.UTF_8).length;
    if (n < 1 || n > 32) throw new IllegalArgumentException("an SSID has 1 to 32 bytes: '" + ssid + "'");
    if (password.getBytes(StandardCharsets.UTF_8).length > 63) {
      throw new IllegalArgumentException("a Wi-Fi password has at most 63 bytes (SSID '" + ssid + "')");
    }
    if (bssid == null || !bssid.matches("[0-9A-Fa-f]{12}")) throw new IllegalArgumentException("a BSSID is 12 hex digits: " + bssid);
    bssid = bssid.toUpperCase(Locale.ROOT);
  }

  /**
   * An access point known by SSID and password only: its BSSID is derived from the SSID (a locally
   * administered address, so it is stable across runs), at -50 dBm on channel 6.
   */
  public static AccessPoint of(String ssid, String password) {
    return new AccessPoint(ssid, password, derivedBssid(ssid), -50, 6);
  }

  /** A stable BSSID for {@code ssid}: unicast and locally administered, as a router's own address may be. */
  public static String derivedBssid(String ssid) {
    byte[] mac = Addresses.derivedMac("ap:" + ssid);
    return HexFormat.of().withUpperCase().formatHex(mac);
  }

  /** The BSSID as the 6 raw bytes scripts receive ({@code wlan.scanResult()[i].bssid}, {@code WLAN_STA_INC}). */
  public byte[] bssidBytes() {
    return HexFormat.of().parseHex(bssid);
  }

  /** Whether {@code given} opens this network: an open network takes any password. */
  boolean accepts(String given) {
    return password.isEmpty() || password.equals(given);
  }
}
