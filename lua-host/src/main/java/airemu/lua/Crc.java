package airemu.lua;

/**
 * The firmware's CRC and checksum routines ({@code components/crypto/luat_crc.c}), bit for bit:
 * one bitwise CRC-8 and CRC-16 with an optional reflection, a table CRC-32 that is always reflected,
 * a table MODBUS CRC-16 and a 7-bit CRC. The register starts at the given value as is (never
 * reflected), so {@code crc16(data, 0xFFFF, 0, 0x8005, true)} is CRC-16/MODBUS.
 *
 * <p>All values are unsigned and returned as ints (CRC-32 as a long).
 */
final class Crc {
  private Crc() {}

  /** CRC-8: {@code reflected} runs LSB first with the polynomial reflected; no final XOR. */
  static int crc8(byte[] data, int off, int len, int start, int poly, boolean reflected) {
    int crc = start & 0xFF;
    if (reflected) {
      int p = reflect(poly & 0xFF, 8);
      for (int i = off; i < off + len; i++) {
        crc ^= data[i] & 0xFF;
        for (int b = 0; b < 8; b++) crc = (crc & 1) != 0 ? (crc >>> 1) ^ p : crc >>> 1;
      }
    } else {
      for (int i = off; i < off + len; i++) {
        crc ^= data[i] & 0xFF;
        for (int b = 0; b < 8; b++) crc = ((crc & 0x80) != 0 ? (crc << 1) ^ poly : crc << 1) & 0xFF;
      }
    }
    return crc;
  }

  /** CRC-16 over one register, XORed with {@code xorOut} at the end (the firmware's luat_crc16). */
  static int crc16(byte[] data, int off, int len, int start, int xorOut, int poly, boolean reflected) {
    int crc = start & 0xFFFF;
    poly &= 0xFFFF;
    if (reflected) {
      int p = reflect(poly, 16);
      for (int i = off; i < off + len; i++) {
        int d = data[i] & 0xFF;
        for (int b = 0; b < 8; b++) {
          boolean feedback = ((crc & 1) ^ ((d >>> b) & 1)) != 0;
          crc >>>= 1;
          if (feedback) crc ^= p;
        }
      }
    } else {
      for (int i = off; i < off + len; i++) {
        int d = data[i] & 0xFF;
        for (int b = 7; b >= 0; b--) {
          boolean feedback = (((crc >>> 15) & 1) ^ ((d >>> b) & 1)) != 0;
          crc = (crc << 1) & 0xFFFF;
          if (feedback) crc ^= poly;
        }
      }
    }
    return (crc ^ xorOut) & 0xFFFF;
  }

  /** The 16 bits of {@code v} in reverse order (the firmware's output reflection). */
  static int reverse16(int v) {
    return reflect(v & 0xFFFF, 16);
  }

  /**
   * CRC-32, reflected, register starting at {@code start} (not inverted here: the caller passes
   * 0xFFFFFFFF and XORs the end value itself). A zero polynomial means 0x04C11DB7.
   */
  static long crc32(byte[] data, int off, int len, long start, long poly) {
    int p = (int) poly;
    if (p == 0) p = 0x04C11DB7;
    int r = Integer.reverse(p);
    int crc = (int) start;
    for (int i = off; i < off + len; i++) {
      crc ^= data[i] & 0xFF;
      for (int b = 0; b < 8; b++) crc = (crc & 1) != 0 ? (crc >>> 1) ^ r : crc >>> 1;
    }
    return crc & 0xFFFFFFFFL;
  }

  /** CRC-16/MODBUS: reflected 0x8005, register 0xFFFF, no final XOR. */
  static int crc16Modbus(byte[] data) {
    return crc16(data, 0, data.length, 0xFFFF, 0, 0x8005, true);
  }

  /**
   * CRC-7, MSB first: the polynomial is taken without its x^7 term ({@code poly & 0x7F}, zero meaning
   * 0x09), the register keeps 7 bits.
   */
  static int crc7(byte[] data, int poly, int start) {
    int p = poly & 0x7F;
    if (p == 0) p = 0x09;
    int crc = start & 0x7F;
    for (byte b : data) {
      for (int bit = 7; bit >= 0; bit--) {
        int feedback = ((crc >>> 6) & 1) ^ ((b >>> bit) & 1);
        crc = (crc << 1) & 0x7F;
        if (feedback != 0) crc ^= p;
      }
    }
    return crc;
  }

  /** The firmware's 8-bit checksum: the XOR of all bytes, or their sum when {@code sum}. */
  static int checksum(byte[] data, boolean sum) {
    int c = 0;
    for (byte b : data) c = sum ? c + (b & 0xFF) : c ^ (b & 0xFF);
    return c & 0xFF;
  }

  private static int reflect(int v, int bits) {
    return Integer.reverse(v) >>> (32 - bits);
  }
}
