package airemu.lua;

import airemu.serial.DataPort;
import airemu.serial.UartReceived;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.slf4j.LoggerFactory;
import party.iroiro.luajava.Lua;

/**
 * {@code uart}: the module's serial ports for scripts, with the firmware's arguments, return values
 * and callbacks (openLuat/LuatOS {@code luat/modules/luat_lib_uart.c} over the EC618/EC7xx ports
 * {@code luat_uart_ec618.c} and {@code luat_uart_ec7xx.c}). A UART's bytes go to and come from the
 * host port {@link DeviceSetup#uarts()} names for its id; per-UART state lives in {@link Uart}.
 *
 * <pre>{@code
 * uart.setup(1, 115200)                                   -- 0; -1 for an id the module lacks
 * uart.on(1, "receive", function(id, len) uart.write(id, uart.read(id, len)) end)
 * }</pre>
 *
 * <p>Error contract, as on the module: wrong argument types raise {@code bad argument} errors
 * ({@link ArgError}); everything else answers with numbers: {@code -1} for an id the module does not
 * have, {@code 0} bytes written by a hardware UART that is not set up, {@code ""} from an empty read.
 * Received bytes reach scripts only inside {@code rtos.receive}, as the firmware's message handler
 * runs the "receive" and "sent" callbacks there; bytes for a UART that is not set up are dropped.
 */
final class UartLib {
  static final int PARITY_NONE = 0, PARITY_ODD = 1, PARITY_EVEN = 2;
  static final int LSB = 0, MSB = 1;
  /** {@code LUAT_VUART_ID_0}: the USB virtual UART; every id from here up names it. */
  static final int VUART_0 = 0x20;
  /** {@code LUAT_UART_RX_MAX_LEN}: the most one {@code uart.read} returns as a string. */
  static final int READ_MAX = 0x10000;

  private static final long U32 = 0xFFFF_FFFFL;

  /** Installs the {@code uart} global and makes the library the firmware's UART message handler. */
  static UartLib install(LuaFirmware fw, Lua L) {
    UartLib lib = new UartLib(fw);
    lib.installInto(L);
    fw.uarts = lib;
    return lib;
  }

  private UartLib(LuaFirmware fw) {
    this.fw = fw;
    this.vm = fw.vm();
  }

  private void installInto(Lua L) {
    L.newTable();
    function(L, "write", this::write);
    function(L, "read", this::read);
    function(L, "wait485", this::wait485);
    function(L, "tx", this::tx);
    function(L, "rx", this::rx);
    function(L, "rxClear", this::rxClear);
    function(L, "rxSize", this::rxSize);
    function(L, "rx_size", this::rxSize);
    function(L, "createSoft", this::createSoft);
    function(L, "close", this::close);
    function(L, "on", this::on);
    function(L, "setup", this::setup);
    function(L, "exist", this::exist);
    constant(L, "Odd", PARITY_ODD);
    constant(L, "Even", PARITY_EVEN);
    constant(L, "None", PARITY_NONE);
    constant(L, "ODD", PARITY_ODD);
    constant(L, "EVEN", PARITY_EVEN);
    constant(L, "NONE", PARITY_NONE);
    constant(L, "LSB", LSB);
    constant(L, "MSB", MSB);
    constant(L, "VUART_0", VUART_0);
    L.setGlobal("uart");
  }

  // --- messages from the bus (LuaFirmware.deliver) -----------------------------------------------

  /**
   * A burst the host sent to a UART: buffered when the UART is set up, then the "receive" callback
   * {@code (id, len)} runs if the driver reports it. Pushes what {@code take} answers.
   */
  int received(Lua L, UartReceived message) {
    Uart u = closed ? null : uart(message.uartId());
    if (u == null || (u.virtual() && !u.receiveArmed)) return nothing(L); // the USB input is not hooked up
    int len = u.receive(message.bytes());
    if (len == 0 || !u.receiveArmed) return nothing(L);
    return handler(L, u.receiveRef, u.id(), len);
  }

  /** The output of a write has left: the "sent" callback {@code (id)} runs. */
  private int sent(Lua L, int id) {
    Uart u = closed ? null : uarts.get(id);
    if (u == null) return nothing(L);
    return handler(L, u.sentRef, id, -1);
  }

  /** Forgets this boot's UARTs; the host ports stay open for the next boot. */
  void close() {
    closed = true;
    uarts.clear();
  }

  // --- uart.* -------------------------------------------------------------------------------------

  /** {@code uart.setup(id, baud, databits, stopbits, parity, bitorder, bufsize, 485gpio, 485level, 485delay)}. */
  private int setup(Lua L) {
    if (!Args.isNoneOrNil(L, 4)) Args.checkNumber(L, 4); // read first, in its own statement
    int id = (int) Args.checkInteger(L, 1);
    int baud = (int) Args.optInteger(L, 2, 115200);
    for (int arg = 3; arg <= 9; arg++) {
      if (arg != 4) Args.optInteger(L, arg, 0); // framing, buffer size and RS-485 do not change the bytes
    }
    Args.optInteger(L, 10, baud == 0 ? 0 : 12_000_000 / baud);
    Uart u = uart(id);
    if (u == null) return push(L, -1);
    u.enable();
    attachHost(u);
    if (!u.virtual() && family().setupDisarms) {
      u.receiveArmed = false; // EC618: setup puts the driver's dummy callbacks back
      u.sentArmed = false;
    }
    return push(L, 0);
  }

  /** {@code uart.write(id, data[, len])}: bytes handed to the UART, -1 when there is no such UART. */
  private int write(Lua L) {
    int id = byteId(L, 1);
    byte[] data = NONE;
    int off = 0, len = 0;
    if (isUserdata(L, 2)) {
      Zbuff z = ZbuffLib.check(vm, L, 2); // from the cursor to the end of the allocation
      data = z.array();
      off = z.used();
      len = z.len() - z.used();
    } else if (!Args.isNone(L, 2) && (L.type(2) == Lua.LuaType.STRING || L.type(2) == Lua.LuaType.NUMBER)) {
      data = Args.checkBytes(vm, L, 2);
      len = data.length;
    } // anything else is lua_tolstring's NULL with length 0
    if (Args.isInteger(L, 3)) {
      long limit = Args.checkInteger(L, 3) & U32;
      if (len > limit) len = (int) limit;
    }
    return push(L, transmit(id, data, off, len));
  }

  /** {@code uart.read(id[, len[, zbuff]])}: a string of at most len bytes, or the count read into the zbuff. */
  private int read(Lua L) {
    int id = byteId(L, 1);
    long length = Args.optInteger(L, 2, 1024) & U32;
    Uart u = uart(id);
    if (isUserdata(L, 3)) {
      Zbuff z = ZbuffLib.check(vm, L, 3); // at the cursor, as far as the allocation reaches
      int n = (int) Math.min(length, z.len() - z.used());
      int got = u == null ? 0 : u.read(z.array(), z.used(), n);
      z.used(z.used() + got);
      return push(L, got);
    }
    if (length < 1) return pushString(L, NONE);
    if (length > READ_MAX) {
      fw.clog('E', "uart", "uart read length too much " + length + ", change to " + READ_MAX);
      length = READ_MAX;
    }
    byte[] dst = new byte[(int) Math.min(length, u == null ? 0 : u.available())];
    int got = u == null ? 0 : u.read(dst, 0, dst.length);
    if (got == 0) return pushString(L, NONE);
    if (Args.isInteger(L, 3)) {
      Args.checkInteger(L, 3); // the firmware fwrites to the FILE* this number points at and returns
      return 1; // what is on top of the stack; the emulator has no such pointers and drops the bytes
    }
    return pushString(L, dst);
  }

  /** {@code uart.close(id)}: no values; receiving stops and the buffer is emptied. */
  private int close(Lua L) {
    Uart u = uart(family().byteIds ? byteId(L, 1) : (int) Args.checkInteger(L, 1));
    if (u != null) u.disable();
    return 0;
  }

  /** {@code uart.on(id, event, fn)}: no values, or "no such uart id". */
  private int on(Lua L) {
    Uart u = uart((int) Args.checkInteger(L, 1));
    if (u == null) return pushString(L, "no such uart id".getBytes(StandardCharsets.US_ASCII));
    String event = cString(Args.checkBytes(vm, L, 2));
    if (event.equals("receive") || event.equals("recv")) {
      u.receiveRef = replace(L, u.receiveRef);
    } else if (event.equals("sent")) {
      u.sentRef = replace(L, u.sentRef);
    }
    // luat_setup_cb: the driver starts posting an event once a callback was registered for it; the
    // USB virtual UART's input is hooked up by any uart.on
    if (u.virtual()) u.receiveArmed = true;
    if (!u.virtual() && u.receiveRef != 0) u.receiveArmed = true;
    if (!u.virtual() && u.sentRef != 0) u.sentArmed = true;
    return 0;
  }

  /** {@code uart.exist(id)}: true for the module's UARTs, the UART_MAX slot and every id from VUART_0 up. */
  private int exist(Lua L) {
    int id = family().byteIds ? byteId(L, 1) : (int) Args.checkInteger(L, 1);
    L.push(uart(id) != null);
    return 1;
  }

  /** {@code uart.wait485(id)}: 0 loops waited; the emulated transmitter is always empty. */
  private int wait485(Lua L) {
    Args.checkInteger(L, 1);
    return push(L, 0);
  }

  /** {@code uart.rx(id, zbuff)}: everything buffered, appended at the zbuff's cursor, which grows to fit. */
  private int rx(Lua L) {
    int id = byteId(L, 1);
    if (!isUserdata(L, 2)) return push(L, 0);
    Zbuff z = ZbuffLib.check(vm, L, 2);
    Uart u = uart(id);
    int available = u == null ? 0 : u.available();
    if (available > z.len() - z.used()) z.resize((z.len() + (long) available) & U32); // len + n, not used + n
    int got = u == null ? 0 : u.read(z.array(), z.used(), Math.min(available, z.len() - z.used()));
    z.used(z.used() + got);
    return push(L, got);
  }

  /** {@code uart.rxSize(id)} and {@code uart.rx_size(id)}: bytes buffered. */
  private int rxSize(Lua L) {
    Uart u = uart(byteId(L, 1));
    return push(L, u == null ? 0 : u.available());
  }

  /** {@code uart.rxClear(id)}: no values. */
  private int rxClear(Lua L) {
    Uart u = uart(byteId(L, 1));
    if (u != null) u.clear();
    return 0;
  }

  /** {@code uart.tx(id, zbuff[, start[, len]])}: sends {@code [start, start + len)}, len defaulting to the used bytes. */
  private int tx(Lua L) {
    int id = byteId(L, 1);
    if (!isUserdata(L, 2)) return push(L, 0);
    Zbuff z = ZbuffLib.check(vm, L, 2);
    long start = Args.optInteger(L, 3, 0) & U32;
    long len = Args.optInteger(L, 4, z.used()) & U32;
    if (start >= z.len()) return push(L, 0);
    if (((start + len) & U32) >= z.len()) len = z.len() - start;
    len = Math.min(len, z.len() - start); // a wrapped sum would send past the allocation on the module
    return push(L, transmit(id, z.array(), (int) start, (int) len));
  }

  /**
   * {@code uart.createSoft(...)}: nil, as on the EC7xx builds, which have no software UART. The EC618
   * build has one (timer-driven bit-banging on two GPIOs); the emulator does not model it.
   */
  private int createSoft(Lua L) {
    fw.clog('E', "uart", "not support soft uart");
    L.pushNil();
    return 1;
  }

  // --- helpers ------------------------------------------------------------------------------------

  /**
   * {@code luat_uart_write}: -1 without such a UART, 0 when it cannot send, else the length; a
   * "sent" event follows the bytes when the driver reports it.
   */
  private int transmit(int id, byte[] data, int off, int len) {
    Uart u = uart(id);
    if (u == null) return -1;
    if (u.virtual()) attachHost(u); // the USB port sends without setup
    if (!u.transmit(data, off, len)) return 0;
    if (len > 0 && (u.virtual() ? family().virtualSent : u.sentArmed)) fw.device().post(new Sent(this, u.id()));
    return len;
  }

  /** The UART {@code id} names ({@code luat_uart_exist}), made on first use; null when the module has none. */
  private Uart uart(int id) {
    int key;
    if (id >= VUART_0) key = VUART_0;
    else if (id >= 0 && id <= family().lastId) key = id;
    else return null; // negative ids index the firmware's tables out of bounds; here they do not exist
    return uarts.computeIfAbsent(key, k -> new Uart(k, k == VUART_0));
  }

  /** Looks up the UART's host port once per boot; a port that cannot open leaves the UART unconnected. */
  private void attachHost(Uart u) {
    if (!hostsLooked.add(u.id())) return;
    DeviceSetup setup = fw.setup();
    if (setup == null || setup.uarts() == null) return;
    try {
      DataPort port = setup.uarts().port(u.id(), fw.device());
      u.host(port);
    } catch (IOException | RuntimeException e) {
      LoggerFactory.getLogger(UartLib.class).warn("{}: uart {} is not connected to the host: {}",
          fw.device().name(), u.id(), e.getMessage());
    }
  }

  private Family family() {
    if (family == null) family = Family.of(fw.board().chip());
    return family;
  }

  /** The firmware's {@code uint8_t id = luaL_checkinteger(L, n)}. */
  private static int byteId(Lua L, int arg) {
    return (int) (Args.checkInteger(L, arg) & 0xFF);
  }

  /** {@code lua_isuserdata}: full or light userdata. */
  private static boolean isUserdata(Lua L, int arg) {
    if (Args.isNone(L, arg)) return false;
    Lua.LuaType t = L.type(arg);
    return t == Lua.LuaType.USERDATA || t == Lua.LuaType.LIGHTUSERDATA;
  }

  /** Drops the callback in {@code old} and references the function at argument 3, if it is one. */
  private static int replace(Lua L, int old) {
    if (old != 0) L.unref(old);
    if (Args.isNone(L, 3) || !L.isFunction(3)) return 0;
    L.pushValue(3);
    return L.ref();
  }

  /** What the firmware's {@code l_uart_handler} makes of an event: the callback, or 0 for rtos.receive. */
  private static int handler(Lua L, int ref, int id, int len) {
    if (ref == 0) return push2(L, 1, 0);
    L.push(2);
    L.refGet(ref);
    L.push(id);
    if (len < 0) return 3;
    L.push(len);
    return 4;
  }

  /** No message on the module (the interrupt never fired): rtos.receive returns nothing. */
  private static int nothing(Lua L) {
    L.push(1);
    return 1;
  }

  private static int push(Lua L, long v) {
    L.push(v);
    return 1;
  }

  private static int push2(Lua L, long a, long b) {
    L.push(a);
    L.push(b);
    return 2;
  }

  private int pushString(Lua L, byte[] bytes) {
    vm.pushBytes(L, bytes);
    return 1;
  }

  /** How C's {@code strcmp} sees a Lua string: up to the first NUL. */
  private static String cString(byte[] s) {
    int n = 0;
    while (n < s.length && s[n] != 0) n++;
    return new String(s, 0, n, StandardCharsets.ISO_8859_1);
  }

  private void function(Lua L, String name, LuaCall call) {
    vm.setFunction(L, -1, name, (call));
  }

  private static void constant(Lua L, String name, int value) {
    L.push(value);
    L.setField(-2, name);
  }

  /** The "sent" event, posted when a write has left the UART. */
  private record Sent(UartLib lib, int id) implements LuaMessage {
    @Override
    public int deliver(LuaFirmware firmware, Lua L) {
      return lib.sent(L, id);
    }
  }

  /**
   * What differs between the module families' UART ports.
   *
   * @param lastId the highest id below VUART_0 that {@code luat_uart_exist} admits (UART_MAX: the
   *     hardware UARTs are 0..lastId-1, the next slot belongs to the virtual UART's callbacks)
   * @param setupDisarms whether {@code uart.setup} resets the driver's callbacks to dummies, so that a
   *     {@code uart.on} made before it reports nothing (EC618; EC7xx keeps them)
   * @param virtualSent whether the USB virtual UART posts a "sent" event after each write (EC7xx)
   * @param byteIds whether {@code uart.exist} and {@code uart.close} read the id as {@code uint8_t}
   *     (the EC618 build, which has LUAT_USE_SOFT_UART)
   */
  private record Family(int lastId, boolean setupDisarms, boolean virtualSent, boolean byteIds) {
    static Family of(String chip) {
      if ("EC618".equals(chip)) return new Family(3, true, false, true);
      return new Family(4, false, true, false); // EC718P/PM/HM; the BK7258 is assumed to match
    }
  }

  private static final byte[] NONE = new byte[0];

  private final LuaFirmware fw;
  private final Vm vm;
  private final Map<Integer, Uart> uarts = new HashMap<>(); // by the id scripts use (VUART_0 for all virtual ids)
  private final Set<Integer> hostsLooked = new HashSet<>(); // UARTs whose host port was looked up this boot
  private Family family; // from the board, known once the firmware is attached to a device
  private boolean closed; // the boot is over: late messages find no UART
}
