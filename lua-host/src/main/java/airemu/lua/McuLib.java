package airemu.lua;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import party.iroiro.luajava.Lua;

/**
 * {@code mcu}: ticks since boot, the 64-bit hardware tick, the chip's unique id (stable per device
 * name, so each emulated device has its own) and clock settings.
 */
final class McuLib {
  /** EC618/EC7xx hardware ticks run at 26 MHz. */
  private static final long TICKS_PER_US = 26;

  private McuLib() {}

  static void install(LuaFirmware fw, Lua L) {
    Vm vm = fw.vm();
    L.newTable();
    String[] peripherals = {"UART", "I2C", "SPI", "PWM", "CAN", "GPIO", "I2S", "SDIO", "LCD", "CAMERA", "ONEWIRE"};
    for (int i = 0; i < peripherals.length; i++) {
      L.push(i);
      L.setField(-2, peripherals[i]);
    }
    L.push(9);
    L.setField(-2, "CAM");
    vm.setFunction(L, -1, "ticks", l -> {
      l.push((long) (int) fw.device().uptimeMillis()); // a 32-bit C long on the module: wraps after 24.8 days
      return 1;
    });
    vm.setFunction(L, -1, "hz", l -> {
      l.push(1000);
      return 1;
    });
    vm.setFunction(L, -1, "tick64", l -> {
      long ticks = fw.device().uptimeNanos() / 1000 * TICKS_PER_US;
      byte[] b = new byte[Args.isTrue(l, 1) ? 9 : 8];
      for (int i = 0; i < 8; i++) b[i] = (byte) (ticks >>> (8 * i));
      vm.pushBytes(l, b);
      l.push(TICKS_PER_US);
      return 2;
    });
    vm.setFunction(L, -1, "dtick64", l -> {
      long a = le64(Args.checkBytes(vm, l, 1));
      long b = le64(Args.checkBytes(vm, l, 2));
      long ref = Args.optInteger(l, 3, 0);
      long diff = a - b;
      l.push(diff >= ref);
      l.push(diff);
      return 2;
    });
    vm.setFunction(L, -1, "ticks2", l -> {
      long mode = Args.optInteger(l, 1, 0);
      long us = fw.device().uptimeNanos() / 1000;
      long v = switch ((int) mode) {
        case 0 -> us;
        case 1 -> us / 1000;
        case 2 -> us / 1_000_000;
        default -> -1;
      };
      if (mode < 0 || mode > 2) return 0;
      l.push((v / 1_000_000) & 0xFFFFFFFFL);
      l.push((v % 1_000_000) & 0xFFFFFFFFL);
      return 2;
    });
    vm.setFunction(L, -1, "unique_id", l -> {
      vm.pushBytes(l, uniqueId(fw.device().name(), fw.board().uniqueIdBytes()));
      return 1;
    });
    vm.setFunction(L, -1, "getClk", l -> {
      l.push(240);
      return 1;
    });
    vm.setFunction(L, -1, "setClk", l -> {
      Args.checkInteger(l, 1);
      l.push(true);
      return 1;
    });
    vm.setFunction(L, -1, "x32", l -> {
      l.push("0x" + Long.toHexString(Args.checkInteger(l, 1) & 0xFFFFFFFFL));
      return 1;
    });
    L.setGlobal("mcu");
  }

  /** A chip id derived from the device name: stable across runs, different between devices. */
  static byte[] uniqueId(String deviceName, int length) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(("airemu:" + deviceName).getBytes(StandardCharsets.UTF_8));
      return java.util.Arrays.copyOf(digest, length);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static long le64(byte[] b) {
    long v = 0;
    for (int i = Math.min(8, b.length) - 1; i >= 0; i--) v = (v << 8) | (b[i] & 0xFF);
    return v;
  }
}
