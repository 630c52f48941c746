package airemu.lua;

import airemu.netif.AccessPoint;
import airemu.netif.Wlan;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import party.iroiro.luajava.Lua;

/**
 * {@code wlan}: Wi-Fi ({@code luat_lib_wlan.c}) onto {@link Wlan}. Boards whose firmware is built
 * with {@code LUAT_USE_WLAN_SCANONLY} (the cellular modules) keep {@code init}, {@code scan} and
 * {@code scanResult} only ({@link #keepScanOnly}); boards without Wi-Fi have no {@code wlan}.
 */
final class WlanLib {
  /** What a scan-only firmware registers. */
  private static final List<String> SCAN_ONLY = List.of("init", "scan", "scanResult");
  /** {@code LUAT_WLAN_MODE_*}. */
  private static final int NONE = 0, STATION = 1, STATIONAP = 3;

  private WlanLib() {}

  static void install(LuaFirmware fw, Lua L) {
    Vm vm = fw.vm();
    L.newTable();
    String[] names = {"NONE", "STATION", "AP", "STATIONAP"};
    for (int i = 0; i < names.length; i++) {
      L.push(i);
      L.setField(-2, names[i]);
    }
    L.push(0);
    L.setField(-2, "PS_NONE");
    L.push(1);
    L.setField(-2, "PS_MIN_MODEM");
    L.push(2);
    L.setField(-2, "PS_MAX_MODEM");
    vm.setFunction(L, -1, "init", l -> {
      l.push(wlan(fw).init());
      return 1;
    });
    vm.setFunction(L, -1, "setMode", l -> setMode(fw, l));
    vm.setFunction(L, -1, "mode", l -> setMode(fw, l));
    vm.setFunction(L, -1, "ready", l -> {
      l.push(wlan(fw).ready());
      return 1;
    });
    vm.setFunction(L, -1, "connect", l -> connect(fw, l));
    vm.setFunction(L, -1, "disconnect", l -> {
      wlan(fw).disconnect();
      return 0;
    });
    vm.setFunction(L, -1, "getIP", l -> {
      Args.optInteger(l, 1, 0);
      vm.pushString(l, wlan(fw).ip());
      return 1;
    });
    vm.setFunction(L, -1, "getInfo", l -> {
      Wlan.Info info = wlan(fw).info();
      l.createTable(0, 3);
      vm.pushString(l, info.bssid());
      l.setField(-2, "bssid");
      vm.pushString(l, info.gateway());
      l.setField(-2, "gw");
      l.push(info.rssi());
      l.setField(-2, "rssi");
      return 1;
    });
    vm.setFunction(L, -1, "getMac", l -> {
      byte[] mac = wlan(fw).mac((int) Args.optInteger(l, 1, 0));
      if (!Args.isNone(l, 2) && l.isBoolean(2) && !l.toBoolean(2)) vm.pushBytes(l, mac);
      else vm.pushString(l, HexFormat.of().withUpperCase().formatHex(mac));
      return 1;
    });
    vm.setFunction(L, -1, "scan", l -> {
      wlan(fw).scan();
      return 0;
    });
    vm.setFunction(L, -1, "scanResult", l -> scanResult(fw, l));
    vm.setFunction(L, -1, "createAP", l -> createAP(fw, l));
    vm.setFunction(L, -1, "stopAP", l -> {
      l.push(wlan(fw).stopAP());
      return 1;
    });
    L.setGlobal("wlan");
  }

  /** Replaces the {@code wlan} global (and loaded module) with a table of the scan functions only. */
  static void keepScanOnly(Lua L) {
    L.getGlobal("wlan");
    L.newTable();
    for (String name : SCAN_ONLY) {
      L.getField(-2, name);
      L.setField(-2, name);
    }
    L.remove(-2);
    Libraries.replace(L, "wlan");
  }

  /** {@code wlan.setMode(mode)}: the first integer of the first two arguments; anything else is STATION. */
  private static int setMode(LuaFirmware fw, Lua L) {
    int mode = STATION;
    if (Args.isInteger(L, 1)) mode = (int) L.toInteger(1);
    else if (Args.isInteger(L, 2)) mode = (int) L.toInteger(2);
    if (mode <= NONE || mode > STATIONAP) mode = STATION;
    L.push(wlan(fw).setMode(mode));
    return 1;
  }

  /**
   * {@code wlan.connect(ssid, password, auto_reconnect, bssid)}: true once the attempt started. An
   * empty SSID without a 6-byte BSSID is refused with an error line and no value (spec 6.3), the
   * firmware's {@code LLOGE("ssid is emtry!!!")} of {@code l_wlan_connect} (its spelling).
   */
  private static int connect(LuaFirmware fw, Lua L) {
    Vm vm = fw.vm();
    String ssid = Args.optString(vm, L, 1, "");
    String password = Args.optString(vm, L, 2, "");
    byte[] bssid = Args.optBytes(vm, L, 4, new byte[0]);
    if (bssid.length != 6) bssid = null;
    if (ssid.isEmpty() && bssid == null) {
      fw.clog('E', "wlan", "ssid is emtry!!!");
      return 0;
    }
    L.push(wlan(fw).connect(ssid, password, bssid));
    return 1;
  }

  /** {@code wlan.scanResult(limit)}: an array of {@code {ssid, bssid (6 bytes), channel, rssi}}. */
  private static int scanResult(LuaFirmware fw, Lua L) {
    Vm vm = fw.vm();
    List<AccessPoint> found = wlan(fw).scanResult(Args.optInteger(L, 1, 20));
    L.createTable(found.size(), 0);
    for (int i = 0; i < found.size(); i++) {
      AccessPoint a = found.get(i);
      L.createTable(0, 4);
      vm.pushString(L, a.ssid());
      L.setField(-2, "ssid");
      vm.pushBytes(L, a.bssidBytes());
      L.setField(-2, "bssid");
      L.push(a.channel());
      L.setField(-2, "channel");
      L.push(a.rssi());
      L.setField(-2, "rssi");
      L.rawSetI(-2, i + 1);
    }
    return 1;
  }

  /**
   * {@code wlan.createAP(ssid, password, gateway, netmask, channel, opts)}: the firmware's checks (an
   * SSID of 1 to 32 bytes, a password of at most 63) log an error and return nothing; a gateway or
   * netmask of 7 characters or fewer keeps the default (192.168.4.1, 255.255.255.0), as one that is
   * no IPv4 address does here (the firmware would take lwIP's "none", 255.255.255.255).
   */
  private static int createAP(LuaFirmware fw, Lua L) {
    Vm vm = fw.vm();
    byte[] ssid = Args.checkBytes(vm, L, 1);
    byte[] password = Args.optBytes(vm, L, 2, new byte[0]);
    String gateway = Args.optString(vm, L, 3, "192.168.4.1");
    String netmask = Args.optString(vm, L, 4, "255.255.255.0");
    Args.optInteger(L, 5, 6);
    String ssidText = new String(ssid, StandardCharsets.UTF_8);
    if (ssid.length < 1) {
      fw.clog('E', "wlan", "ssid MUST NOT EMTRY");
      return 0;
    }
    if (ssid.length > 32) {
      fw.clog('E', "wlan", "ssid too long [" + ssidText + "]");
      return 0;
    }
    if (password.length > 63) {
      fw.clog('E', "wlan", "password too long [" + new String(password, StandardCharsets.UTF_8) + "]");
      return 0;
    }
    if (gateway.length() <= 7 || !isIpv4(gateway)) gateway = "192.168.4.1";
    if (netmask.length() <= 7 || !isIpv4(netmask)) netmask = "255.255.255.0";
    L.push(wlan(fw).createAP(ssidText, new String(password, StandardCharsets.UTF_8), gateway, netmask));
    return 1;
  }

  private static boolean isIpv4(String s) {
    return s.matches("\\d{1,3}(\\.\\d{1,3}){3}") && java.util.Arrays.stream(s.split("\\.")).allMatch(p -> Integer.parseInt(p) < 256);
  }

  private static Wlan wlan(LuaFirmware fw) {
    return fw.network().wlan();
  }
}
