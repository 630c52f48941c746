package airemu.netif;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Wi-Fi behind {@code wlan.*} ({@code components/wlan/luat_lib_wlan.c}): the station joining the
 * access points of the {@link NetProfile}, the device's own access point, and scanning.
 *
 * <p>What the script sees follows the module's Wi-Fi drivers (Air8000's AirLink co-processor,
 * {@code luat_airlink_drv_rpc_wlan.c}; Air8101's BK7258) with the timings of the LuatOS PC
 * simulator's model of them ({@code bsp/pc/port/driver/luat_wlan_pc.c}, the only published figures):
 * <ul>
 * <li>{@code wlan.connect} returns true once the attempt has started (false before {@code wlan.init});
 * 1 s later {@code WLAN_STA_INC("CONNECTED", ssid, bssid)} and 1.1 s after the call
 * {@code IP_READY(ip, LWIP_STA)}. An unknown SSID gives {@code WLAN_STA_INC("DISCONNECTED", 257)}
 * (BK's {@code WIFI_REASON_NO_AP_FOUND}) after 2 s, a wrong password {@code ("DISCONNECTED", 258)}
 * ({@code WIFI_REASON_WRONG_PASSWORD}), and the adapter stays down.</li>
 * <li>{@code wlan.disconnect} gives {@code ("DISCONNECTED", 259)} ({@code WIFI_REASON_DISCONNECT_BY_APP})
 * 100 ms later, then {@code IP_LOSE(LWIP_STA)}. A new connect or disconnect cancels the events of
 * an attempt still in progress.</li>
 * <li>A station link lost from outside ({@link NetStack#setLink}: the access point out of range)
 * reports {@code ("DISCONNECTED", 256)} ({@code WIFI_REASON_BEACON_LOST}) before {@code IP_LOSE};
 * the link coming back reports {@code CONNECTED} again before {@code IP_READY}, as the module's
 * automatic reconnection does.</li>
 * <li>{@code wlan.scan} ends with {@code WLAN_SCAN_DONE} 200 ms later; {@code wlan.scanResult} then
 * lists the access points in range.</li>
 * </ul>
 *
 * <p>Device thread.
 */
public final class Wlan implements AdapterDriver {
  /** BK7258 disconnect reasons ({@code wifi_err_reason_t}) that scripts receive in {@code WLAN_STA_INC}. */
  public static final int BEACON_LOST = 256, NO_AP_FOUND = 257, WRONG_PASSWORD = 258, DISCONNECT_BY_APP = 259;
  private static final long ASSOCIATE_MS = 1000, LEASE_MS = 1100, FAIL_MS = 2000, DISCONNECT_MS = 100, SCAN_MS = 200;
  /** How long the device's own access point takes to start; not in the simulator, a short value. */
  private static final long AP_START_MS = 100;

  /** {@code wlan.getInfo()}: the joined access point's BSSID (12 hex digits), gateway and signal. */
  public record Info(String bssid, String gateway, int rssi) {}

  Wlan(NetStack stack, Netif sta, Netif ap, List<AccessPoint> inRange, String seed) {
    this.stack = stack;
    this.sta = sta;
    this.ap = ap;
    this.inRange = List.copyOf(inRange);
    this.seed = seed;
    if (sta != null) sta.driver = this;
  }

  /** {@code wlan.init()}: true. */
  public boolean init() {
    initialised = true;
    return true;
  }

  /** {@code wlan.setMode(mode)}: true. */
  public boolean setMode(int mode) {
    this.mode = mode;
    return true;
  }

  /**
   * {@code wlan.connect(ssid, password, auto, bssid)}: starts joining the access point named
   * {@code ssid} (and with {@code bssid}, 6 bytes or null); returns whether the attempt started.
   */
  public boolean connect(String ssid, String password, byte[] bssid) {
    if (!initialised || sta == null) return false;
    epoch++;
    if (sta.linkUp) {
      disconnectReason = DISCONNECT_BY_APP; // leaving the current network first
      stack.bringDown(sta.number());
    }
    AccessPoint found = find(ssid, bssid);
    int attempt = epoch;
    if (found == null || !found.accepts(password)) {
      target = null;
      int reason = found == null ? NO_AP_FOUND : WRONG_PASSWORD;
      stack.later(FAIL_MS, () -> attempt == epoch ? staEvent("DISCONNECTED", (long) reason) : NetDelivery.NONE);
      return true;
    }
    target = found;
    stack.later(ASSOCIATE_MS, () -> attempt == epoch ? stack.applyNow(sta.number(), LinkMessage.Change.LINK_UP) : NetDelivery.NONE);
    stack.later(LEASE_MS, () -> attempt == epoch ? stack.applyNow(sta.number(), LinkMessage.Change.IP_UP) : NetDelivery.NONE);
    return true;
  }

  /** {@code wlan.disconnect()}: leaves the network, or abandons the attempt in progress. */
  public void disconnect() {
    if (sta == null) return;
    epoch++;
    int attempt = epoch;
    if (!sta.linkUp && !sta.ipAssigned) {
      target = null;
      return;
    }
    stack.later(DISCONNECT_MS, () -> {
      if (attempt != epoch) return NetDelivery.NONE;
      target = null;
      disconnectReason = DISCONNECT_BY_APP;
      return stack.applyNow(sta.number(), LinkMessage.Change.DOWN);
    });
  }

  /** {@code wlan.ready()}: the station has joined and has an IP address. */
  public boolean ready() {
    return sta != null && sta.isReady();
  }

  /** {@code wlan.getIP()}: the station's IPv4 address, {@code 0.0.0.0} without one. */
  public String ip() {
    return sta == null ? "0.0.0.0" : sta.ipv4();
  }

  /** {@code wlan.getInfo()}: zeros and an empty gateway while not joined. */
  public Info info() {
    if (sta == null || !sta.isLinkUp() || target == null) return new Info("000000000000", "", 0);
    return new Info(target.bssid(), sta.hasIp() ? sta.gateway() : "", target.rssi());
  }

  /** {@code wlan.getMac(which)}: the station's (0) or the access point's (other) MAC. */
  public byte[] mac(int which) {
    return Addresses.derivedMac(seed + (which == 0 ? ":sta" : ":ap"));
  }

  /** {@code wlan.scan()}: {@code WLAN_SCAN_DONE} follows; nothing happens before {@code wlan.init}. */
  public void scan() {
    if (!initialised) return;
    stack.later(SCAN_MS, () -> {
      lastScan = inRange;
      return new NetDelivery.Publish("WLAN_SCAN_DONE", List.of());
    });
  }

  /** {@code wlan.scanResult(limit)}: the last scan's access points, at most {@code limit} (clamped to 8..32). */
  public List<AccessPoint> scanResult(long limit) {
    int n = (int) Math.max(8, Math.min(32, limit));
    return lastScan.size() <= n ? lastScan : lastScan.subList(0, n);
  }

  /**
   * {@code wlan.createAP(ssid, password, gateway, netmask, channel)}: starts the device's own network
   * with the gateway as its address (registering {@code LWIP_AP} on a board that does so on demand);
   * {@code IP_READY(gateway, LWIP_AP)} follows. False on a board without an access-point adapter.
   */
  public boolean createAP(String ssid, String password, String gateway, String netmask) {
    if (ap == null) return false;
    if (mode == STATION) mode = STATIONAP;
    stack.setAddresses(ap.number(), gateway, netmask, gateway, null);
    stack.register(ap.number());
    stack.bringUp(ap.number(), AP_START_MS);
    return true;
  }

  /** {@code wlan.stopAP()}: the device's network goes down ({@code IP_LOSE(LWIP_AP)}). */
  public boolean stopAP() {
    if (ap == null) return false;
    stack.bringDown(ap.number());
    return true;
  }

  // --- AdapterDriver (the station) ---------------------------------------------------------------

  @Override
  public NetDelivery linkChanged(Netif n, boolean up) {
    if (up) {
      if (target == null) return NetDelivery.NONE;
      associated = true;
      return staEvent("CONNECTED", target.ssid(), target.bssidBytes());
    }
    int reason = disconnectReason != 0 ? disconnectReason : BEACON_LOST;
    disconnectReason = 0;
    if (!associated) return NetDelivery.NONE;
    associated = false;
    return staEvent("DISCONNECTED", (long) reason);
  }

  // --- internals ---------------------------------------------------------------------------------

  /** The access point named {@code ssid} (and with {@code bssid} when given) in range, or null. */
  private AccessPoint find(String ssid, byte[] bssid) {
    for (AccessPoint a : inRange) {
      if (!ssid.isEmpty() && !a.ssid().equals(ssid)) continue;
      if (bssid != null && !Arrays.equals(bssid, a.bssidBytes())) continue;
      return a;
    }
    return null;
  }

  private static NetDelivery staEvent(Object... args) {
    return new NetDelivery.Publish("WLAN_STA_INC", new ArrayList<>(Arrays.asList(args)));
  }

  /** {@code LUAT_WLAN_MODE_*}. */
  private static final int STATION = 1, STATIONAP = 3;

  private final NetStack stack;
  private final Netif sta; // null on a board without a station (scan only)
  private final Netif ap; // null on a board without an access point
  private final List<AccessPoint> inRange;
  private final String seed;
  private boolean initialised;
  private int mode = STATION;
  private int epoch; // bumped by connect and disconnect: pending events of an older attempt are void
  private AccessPoint target; // the network being joined or joined
  private boolean associated; // CONNECTED was reported and DISCONNECTED not yet
  private int disconnectReason; // the reason the next link loss reports; 0: the access point vanished
  private List<AccessPoint> lastScan = List.of();
}
