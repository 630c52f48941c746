package airemu.lua;

/**
 * A zbuff seen as a framebuffer ({@code zbuff.create({w, h, bit})}, {@code setFrameBuffer}): pixel
 * access and the firmware's line, rectangle and circle drawing, with its C integer arithmetic and
 * its quirks kept (the 32-bit mode addresses pixel {@code n} at byte {@code n}, not {@code 4n}; a
 * line stops one pixel short of its end; a circle that crosses the left or top edge is not drawn;
 * circle points are clipped on their offsets, not their coordinates).
 *
 * <p>Point numbers, coordinates products and colours are unsigned 32-bit values, as in the C code.
 * Where the module would write outside its allocation (corrupting its heap) nothing is written, and
 * bytes outside the allocation read as 0.
 */
final class ZbuffFrame {
  private static final long U32 = 0xFFFF_FFFFL;

  private ZbuffFrame() {}

  /** The firmware's set_framebuffer_point. */
  static void set(Zbuff z, long point, long color) {
    point &= U32;
    color &= U32;
    byte[] a = z.array();
    switch (z.bit) {
      case 1 -> {
        long i = point / 8;
        if (!in(a, i)) return;
        int mask = 1 << (7 - (int) (point % 8));
        a[(int) i] = (byte) (color % 2 != 0 ? a[(int) i] | mask : a[(int) i] & ~mask);
      }
      case 4 -> {
        long i = point / 2;
        if (!in(a, i)) return;
        boolean odd = point % 2 != 0;
        int v = a[(int) i] & (odd ? 0xF0 : 0x0F);
        a[(int) i] = (byte) (v | (int) (odd ? color : color * 0x10)); // color is not masked on the module
      }
      case 8 -> put(a, point, color);
      case 16 -> {
        long i = (point * 2) & U32;
        put(a, i, color / 0x100);
        put(a, i + 1, color % 0x100);
      }
      case 24 -> {
        long i = (point * 3) & U32;
        put(a, i, color / 0x10000);
        put(a, i + 1, color % 0x10000 / 0x100);
        put(a, i + 2, color % 0x100);
      }
      case 32 -> { // addressed by the point itself, so neighbouring pixels overlap
        put(a, point, color / 0x1000000);
        put(a, point + 1, color % 0x1000000 / 0x10000);
        put(a, point + 2, color % 0x10000 / 0x100);
        put(a, point + 3, color % 0x100);
      }
      default -> {}
    }
  }

  /** The firmware's get_framebuffer_point: the colour as an unsigned 32-bit value. */
  static long get(Zbuff z, long point) {
    point &= U32;
    byte[] a = z.array();
    return switch (z.bit) {
      case 1 -> (at(a, point / 8) >> (7 - (int) (point % 8))) % 2;
      case 4 -> (at(a, point / 2) >> (point % 2 != 0 ? 0 : 4)) % 0x10;
      case 8 -> at(a, point);
      case 16 -> {
        long i = (point * 2) & U32;
        yield at(a, i) * 0x100L + at(a, i + 1);
      }
      case 24 -> {
        long i = (point * 3) & U32;
        yield at(a, i) * 0x10000L + at(a, i + 1) * 0x100L + at(a, i + 2);
      }
      case 32 -> (at(a, point) * 0x1000000L + at(a, point + 1) * 0x10000L + at(a, point + 2) * 0x100L + at(a, point + 3)) & U32;
      default -> 0;
    };
  }

  /** Sets every pixel, {@code 0 .. width*height-1}, to {@code color}; stops where the allocation ends. */
  static void fill(Zbuff z, long color) {
    long points = (z.width * z.height) & U32;
    for (long p = 0; p < points; p++) {
      if (!in(z.array(), firstByte(z.bit, p))) return;
      set(z, p, color);
    }
  }

  /** buff:drawLine: Bresenham on ints with a float error term; the end point itself is not drawn. */
  static void line(Zbuff z, long x0, long y0, long x1, long y1, long color) {
    int x = (int) x0, y = (int) y0, dx = (int) (x1 - x0), dy = (int) (y1 - y0);
    int adx = dx > 0 ? dx : -dx, ady = dy > 0 ? dy : -dy;
    boolean steep = ady > adx;
    int max = steep ? ady : adx, min = steep ? adx : ady;
    float e = 2 * min - max;
    for (int i = 0; i < max; i++) {
      if (x >= 0 && y >= 0 && x < z.width && y < z.height) set(z, x + y * z.width, color);
      if (e >= 0) {
        e = e - 2 * max;
        if (steep) x += dx >= 0 ? 1 : -1;
        else y += dy >= 0 ? 1 : -1;
      }
      e += 2 * min;
      if (steep) y += dy >= 0 ? 1 : -1;
      else x += dx >= 0 ? 1 : -1;
    }
  }

  /** buff:drawRect: corners clamped into the frame, then an outline or a filled box. */
  static void rect(Zbuff z, int x1, int y1, int x2, int y2, long color, boolean fill) {
    x1 = clamp(x1, z.width);
    y1 = clamp(y1, z.height);
    x2 = clamp(x2, z.width);
    y2 = clamp(y2, z.height);
    int xmax = Math.max(x1, x2), xmin = Math.min(x1, x2), ymax = Math.max(y1, y2), ymin = Math.min(y1, y2);
    if (fill) {
      for (int x = xmin; x <= xmax; x++) for (int y = ymin; y <= ymax; y++) set(z, x + y * z.width, color);
      return;
    }
    for (int x = xmin; x <= xmax; x++) {
      set(z, x + ymin * z.width, color);
      set(z, x + ymax * z.width, color);
    }
    for (int y = ymin; y <= ymax; y++) {
      set(z, xmin + y * z.width, color);
      set(z, xmax + y * z.width, color);
    }
  }

  /** buff:drawCircle (midpoint algorithm); false when the firmware finds the circle off screen. */
  static boolean circle(Zbuff z, int xc, int yc, int r, long color, boolean fill) {
    // xc - r is compared unsigned: a circle reaching past the left or top edge counts as off screen
    if (xc + r < 0 || ((xc - r) & U32) >= z.width || yc + r < 0 || ((yc - r) & U32) >= z.height) return false;
    int x = 0, y = r, d = 3 - 2 * r;
    while (x <= y) {
      if (fill) {
        for (int yi = x; yi <= y; yi++) octants(z, xc, yc, x, yi, color);
      } else {
        octants(z, xc, yc, x, y, color);
      }
      if (d < 0) {
        d = d + 4 * x + 6;
      } else {
        d = d + 4 * (x - y) + 10;
        y--;
      }
      x++;
    }
    return true;
  }

  private static void octants(Zbuff z, int xc, int yc, int x, int y, long c) {
    if (x < 0 || y < 0 || x >= z.width || y >= z.height) return; // the module checks the offsets only
    set(z, (xc + x) + (yc + y) * z.width, c);
    set(z, (xc - x) + (yc + y) * z.width, c);
    set(z, (xc + x) + (yc - y) * z.width, c);
    set(z, (xc - x) + (yc - y) * z.width, c);
    set(z, (xc + y) + (yc + x) * z.width, c);
    set(z, (xc - y) + (yc + x) * z.width, c);
    set(z, (xc + y) + (yc - x) * z.width, c);
    set(z, (xc - y) + (yc - x) * z.width, c);
  }

  /** CHECK0: below 0 becomes 0, at or past {@code max} (compared unsigned) becomes {@code max - 1}. */
  private static int clamp(int n, long max) {
    if (n < 0) n = 0;
    if (n >= max) n = (int) (max - 1);
    return n;
  }

  private static long firstByte(int bit, long point) {
    return switch (bit) {
      case 1 -> point / 8;
      case 4 -> point / 2;
      case 8, 32 -> point;
      case 16 -> point * 2;
      case 24 -> point * 3;
      default -> Long.MAX_VALUE; // other depths draw nothing
    };
  }

  private static boolean in(byte[] a, long i) {
    return i >= 0 && i < a.length;
  }

  private static long at(byte[] a, long i) {
    return in(a, i) ? a[(int) i] & 0xFF : 0;
  }

  private static void put(byte[] a, long i, long v) {
    if (in(a, i)) a[(int) i] = (byte) v;
  }
}
