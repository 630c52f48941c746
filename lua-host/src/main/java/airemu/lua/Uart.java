package airemu.lua;

import airemu.serial.DataPort;

/**
 * One UART of the module as the firmware's driver keeps it: whether {@code uart.setup} enabled it,
 * the bytes received and not yet read, the host port its output goes to, and the {@code uart.on}
 * callbacks. The {@code uart} library ({@link UartLib}) translates Lua calls onto these methods.
 *
 * <p>Receiving follows the EC618/EC7xx driver that LuatOS calls ({@code Uart_BaseInitEx},
 * {@code Uart_RxBufferRead}). Its receive ring holds 32 KiB whatever buffer size {@code uart.setup}
 * asks for, and a burst that does not fit throws away everything buffered and leaves the receiver
 * dead until the port is set up again; measured on hardware in toitlang/toit
 * {@code docs/ec618-known-issues.md} (#4) and {@code tests/hw/ec618/uart2-ring-ec618.toit}. The
 * USB virtual UART ({@code uart.VUART_0}) is a growing buffer instead ({@code OS_BufferWrite} in
 * {@code luat_usb_recv_cb}, openLuat/luatos-soc-2024 {@code interface/src/luat_uart_ec7xx.c}).
 *
 * <pre>{@code
 * Uart u = new Uart(1, false);
 * u.host(port);                    // the host side, looked up once per boot
 * u.enable();                      // uart.setup(1)
 * int len = u.receive(bytes);      // a burst from the host: the length "receive" callbacks get
 * int n = u.read(dst, 0, 16);      // uart.read(1, 16)
 * }</pre>
 *
 * <p>Device thread only.
 */
final class Uart {
  /** The hardware driver's receive ring, independent of the requested buffer size. */
  static final int RING_BYTES = 32 * 1024;

  /**
   * Where the emulator stops the virtual UART's buffer, which on the module grows until the heap
   * runs out; what arrives beyond it is dropped.
   */
  static final int VUART_LIMIT = 1024 * 1024;

  Uart(int id, boolean virtual) {
    this.id = id;
    this.virtual = virtual;
  }

  int id() {
    return id;
  }

  boolean virtual() {
    return virtual;
  }

  /** {@code uart.setup}: enables receiving into an empty buffer; a dead receiver comes back. */
  void enable() {
    enabled = true;
    dead = false;
    clear();
  }

  /** {@code uart.close}: receiving stops and what was buffered is gone. */
  void disable() {
    enabled = false;
    clear();
  }

  boolean enabled() {
    return enabled;
  }

  /**
   * A burst arrived from the host. Returns the length the firmware reports to the "receive"
   * callback: the bytes now buffered for a hardware UART (its idle-line interrupt reads the fill
   * level), the burst's own length for the virtual UART; 0 when the bytes were dropped (the UART is
   * not set up, its receiver died, or this burst overflowed it) and nothing is reported.
   */
  int receive(byte[] bytes) {
    if (!enabled || dead || bytes.length == 0) return 0;
    if (virtual) {
      if (size + bytes.length > VUART_LIMIT) return 0;
      append(bytes);
      return bytes.length;
    }
    if (size + bytes.length > RING_BYTES) {
      clear(); // the driver discards the whole ring, silently, and receives nothing more until set up again
      dead = true;
      return 0;
    }
    append(bytes);
    return size;
  }

  /** Bytes buffered ({@code uart.rxSize}). */
  int available() {
    return size;
  }

  /** Moves up to {@code len} buffered bytes into {@code dst}; returns how many. */
  int read(byte[] dst, int off, int len) {
    int n = Math.min(len, size);
    System.arraycopy(buf, head, dst, off, n);
    head += n;
    size -= n;
    if (size == 0) head = 0;
    return n;
  }

  /** {@code uart.rxClear}: forgets what was buffered. */
  void clear() {
    head = 0;
    size = 0;
    if (buf.length > INITIAL) buf = new byte[INITIAL];
  }

  /**
   * Sends bytes to the host port; false when the UART cannot send (a hardware UART that is not set
   * up). A UART without a host port sends into the void, as a module with nothing on its pins does.
   */
  boolean transmit(byte[] bytes, int off, int len) {
    if (!virtual && !enabled) return false;
    if (host != null && len > 0) host.write(bytes, off, len);
    return true;
  }

  /** The host side of this UART, or null when it leads nowhere. */
  void host(DataPort port) {
    host = port;
  }

  private void append(byte[] bytes) {
    if (head + size + bytes.length > buf.length) {
      if (size + bytes.length <= buf.length) {
        System.arraycopy(buf, head, buf, 0, size);
      } else {
        byte[] bigger = new byte[Math.max(buf.length * 2, size + bytes.length)];
        System.arraycopy(buf, head, bigger, 0, size);
        buf = bigger;
      }
      head = 0;
    }
    System.arraycopy(bytes, 0, buf, head + size, bytes.length);
    size += bytes.length;
  }

  private static final int INITIAL = 256;

  private final int id; // the id scripts use: 0..n for hardware UARTs, uart.VUART_0 for the USB one
  private final boolean virtual;
  private boolean enabled; // set up and not closed: receives, and (hardware) sends
  private boolean dead; // overflowed since the last setup: receives nothing
  private byte[] buf = new byte[INITIAL]; // buffered bytes are buf[head, head + size)
  private int head;
  private int size;
  private DataPort host; // null: the UART leads nowhere on the host

  // uart.on: registry references of the Lua callbacks (0 = none), kept across close and setup as the
  // firmware keeps them, and whether the driver posts the events at all (luat_setup_cb)
  int receiveRef;
  int sentRef;
  boolean receiveArmed;
  boolean sentArmed;
}
