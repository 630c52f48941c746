package airemu.lua;

import airemu.netif.Cellular;
import party.iroiro.luajava.Lua;

/**
 * {@code mobile}: the cellular stack ({@code luat_lib_mobile.c}) onto {@link Cellular}. Only boards
 * with a cellular adapter have it. The SIM index arguments of the firmware are type-checked and
 * otherwise ignored: the modules are single-standby, so every index reads the same SIM.
 */
final class MobileLib {
  /** {@code LUAT_MOBILE_STATUS_*} in enum order, as {@code mobile.status()} returns them. */
  private static final String[] STATUS = {"UNREGISTER", "REGISTERED", "SEARCH", "DENIED", "UNKNOW", "REGISTERED_ROAMING",
      "SMS_ONLY_REGISTERED", "SMS_ONLY_REGISTERED_ROAMING", "EMERGENCY_REGISTERED", "CSFB_NOT_PREFERRED_REGISTERED",
      "CSFB_NOT_PREFERRED_REGISTERED_ROAMING"};

  private MobileLib() {}

  static void install(LuaFirmware fw, Lua L) {
    Vm vm = fw.vm();
    L.newTable();
    for (int i = 0; i < STATUS.length; i++) {
      L.push(i);
      L.setField(-2, STATUS[i]);
    }
    vm.setFunction(L, -1, "imei", l -> text(vm, l, cell(fw).imei()));
    vm.setFunction(L, -1, "imsi", l -> text(vm, l, cell(fw).imsi()));
    vm.setFunction(L, -1, "iccid", l -> text(vm, l, cell(fw).iccid()));
    vm.setFunction(L, -1, "number", l -> text(vm, l, null)); // no number is written on the SIM
    vm.setFunction(L, -1, "sn", l -> {
      l.pushNil(); // "出厂未必有写SN": the emulated module has none
      return 1;
    });
    vm.setFunction(L, -1, "muid", l -> {
      vm.pushString(l, cell(fw).muid());
      return 1;
    });
    vm.setFunction(L, -1, "status", l -> {
      l.push(cell(fw).status());
      return 1;
    });
    vm.setFunction(L, -1, "csq", l -> reading(l, cell(fw).signal().csq()));
    vm.setFunction(L, -1, "rssi", l -> reading(l, cell(fw).signal().rssi()));
    vm.setFunction(L, -1, "rsrp", l -> reading(l, cell(fw).signal().rsrp()));
    vm.setFunction(L, -1, "rsrq", l -> reading(l, cell(fw).signal().rsrq()));
    vm.setFunction(L, -1, "snr", l -> reading(l, cell(fw).signal().snr()));
    vm.setFunction(L, -1, "flymode", l -> {
      Args.optInteger(l, 1, 0);
      Boolean enable = !Args.isNone(l, 2) && l.isBoolean(2) ? l.toBoolean(2) : null;
      l.push(cell(fw).flymode(enable));
      return 1;
    });
    vm.setFunction(L, -1, "simid", l -> {
      Integer set = Args.isInteger(l, 1) ? (int) l.toInteger(1) : null;
      l.push(cell(fw).simid(set));
      return 1;
    });
    vm.setFunction(L, -1, "apn", l -> apn(fw, l));
    vm.setFunction(L, -1, "reset", l -> {
      cell(fw).reset();
      return 0;
    });
    L.setGlobal("mobile");
  }

  /**
   * {@code mobile.apn(index, cid, name, user, password, ip_type, protocol, delete)}: the current APN
   * (nil before an attach); with a name, the user name and password must be strings too, and the name
   * is used from the next attach ("" goes back to the network's, as does {@code delete} true).
   */
  private static int apn(LuaFirmware fw, Lua L) {
    Vm vm = fw.vm();
    Args.optInteger(L, 1, 0);
    Args.optInteger(L, 2, 0);
    String set = null;
    if (!Args.isNone(L, 3) && (L.type(3) == Lua.LuaType.STRING || L.type(3) == Lua.LuaType.NUMBER)) {
      set = Args.checkString(vm, L, 3);
      Args.checkBytes(vm, L, 4);
      Args.checkBytes(vm, L, 5);
      Args.optInteger(L, 6, 1);
      Args.optInteger(L, 7, 3);
    } else if (Args.isTrue(L, 8)) {
      set = "";
    }
    return text(vm, L, cell(fw).apn(set));
  }

  /** The identity functions: an optional SIM index, then the text or nil. */
  private static int text(Vm vm, Lua L, String value) {
    Args.optInteger(L, 1, 0);
    if (value == null) L.pushNil();
    else vm.pushString(L, value);
    return 1;
  }

  private static int reading(Lua L, int value) {
    L.push(value);
    return 1;
  }

  private static Cellular cell(LuaFirmware fw) {
    return fw.network().cellular();
  }
}
