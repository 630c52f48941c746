package airemu.lua;

/**
 * The firmware's own printf (LuatOS links Marco Paland's embedded printf and routes Lua's number
 * formatting through it), reimplemented so that every number a script prints matches the module.
 *
 * <p>What differs from the C library, and why scripts see odd numbers on a module: at most nine real
 * fractional digits (more precision pads with {@code 0}); {@code %g} keeps trailing zeros and counts
 * significant digits only in [1e-4, 1e6); the decimal exponent comes from an approximate log10, so
 * {@code 1e15} prints as {@code 10.0000000000000e+14} and {@code 1e-5} as {@code 0.9999999860000e-05};
 * {@code %f} above 1e9 switches to exponent form; one conversion is capped at 32 characters; an exact
 * {@code .5} tie that rounds up to the next power of ten overflows into a string of zeros. All of it is
 * reproduced on purpose: the conversion below mirrors the firmware's arithmetic step by step in
 * IEEE doubles, which Java evaluates exactly as the C code does.
 */
final class Printf {
  static final int ZEROPAD = 1, LEFT = 2, PLUS = 4, SPACE = 8, HASH = 16, UPPERCASE = 32;
  static final int PRECISION = 1024, ADAPT_EXP = 2048;

  private static final int BUF = 32; // the firmware's per-conversion buffer
  private static final int DEFAULT_PRECISION = 6;
  private static final double MAX_FLOAT = 1e9;
  private static final double[] POW10 = {1d, 10d, 100d, 1000d, 10000d, 100000d, 1000000d, 10000000d, 100000000d, 1000000000d};

  private Printf() {}

  /** {@code tostring} of a float on the 64-bit firmware: {@code %.14g}, then {@code .0} if it looks like an integer. */
  static String luaNumber(double v) {
    StringBuilder out = new StringBuilder(24);
    etoa(out, v, 14, 0, PRECISION | ADAPT_EXP);
    for (int i = 0; i < out.length(); i++) {
      char c = out.charAt(i);
      if (c != '-' && (c < '0' || c > '9')) return out.toString();
    }
    return out.append(".0").toString();
  }

  /** One {@code e E f g G} conversion of the double {@code v}. */
  static void formatDouble(StringBuilder out, char conv, int flags, int width, int prec, double v) {
    switch (conv) {
      case 'f', 'F' -> ftoa(out, v, prec, width, flags);
      case 'e' -> etoa(out, v, prec, width, flags);
      case 'E' -> etoa(out, v, prec, width, flags | UPPERCASE);
      case 'g' -> etoa(out, v, prec, width, flags | ADAPT_EXP);
      case 'G' -> etoa(out, v, prec, width, flags | ADAPT_EXP | UPPERCASE);
      default -> throw new IllegalArgumentException("not a float conversion: " + conv);
    }
  }

  /** One {@code d i u o x X} conversion of a 64-bit integer (the firmware's {@code %lld} family). */
  static void formatInteger(StringBuilder out, char conv, int flags, int width, int prec, long v) {
    int base;
    switch (conv) {
      case 'x', 'X' -> base = 16;
      case 'o' -> base = 8;
      default -> {
        base = 10;
        flags &= ~HASH;
      }
    }
    if (conv == 'X') flags |= UPPERCASE;
    boolean signed = conv == 'd' || conv == 'i';
    if (!signed) flags &= ~(PLUS | SPACE);
    if ((flags & PRECISION) != 0) flags &= ~ZEROPAD;
    if (signed) {
      ntoa(out, v > 0 ? v : 0 - v, v < 0, base, prec, width, flags);
    } else {
      ntoa(out, v, false, base, prec, width, flags);
    }
  }

  /** {@code %c}: one byte, space padded. */
  static void formatChar(ByteBuf out, int flags, int width, int c) {
    int l = 1;
    if ((flags & LEFT) == 0) while (l++ < width) out.put(' ');
    out.put(c);
    if ((flags & LEFT) != 0) while (l++ < width) out.put(' ');
  }

  /** {@code %s} with modifiers: stops at the precision (and at a NUL, as C strings do). */
  static void formatString(ByteBuf out, int flags, int width, int prec, byte[] s) {
    int nul = 0;
    while (nul < s.length && s[nul] != 0) nul++;
    int l = (prec != 0) ? Math.min(nul, prec) : nul;
    if ((flags & PRECISION) != 0) l = Math.min(l, prec);
    int written = l;
    int pad = l;
    if ((flags & LEFT) == 0) while (pad++ < width) out.put(' ');
    out.put(s, 0, written);
    if ((flags & LEFT) != 0) while (pad++ < width) out.put(' ');
  }

  // --- the conversions, step for step as the firmware computes them ---

  private static void outRev(StringBuilder out, char[] buf, int len, int width, int flags) {
    int start = out.length();
    if ((flags & LEFT) == 0 && (flags & ZEROPAD) == 0) {
      for (int i = len; i < width; i++) out.append(' ');
    }
    while (len > 0) out.append(buf[--len]);
    if ((flags & LEFT) != 0) {
      while (out.length() - start < width) out.append(' ');
    }
  }

  private static void ntoa(StringBuilder out, long value, boolean negative, int base, int prec, int width, int flags) {
    char[] buf = new char[BUF];
    int len = 0;
    if (value == 0) flags &= ~HASH;
    if ((flags & PRECISION) == 0 || value != 0) {
      do {
        int digit = (int) Long.remainderUnsigned(value, base);
        buf[len++] = digit < 10 ? (char) ('0' + digit) : (char) (((flags & UPPERCASE) != 0 ? 'A' : 'a') + digit - 10);
        value = Long.divideUnsigned(value, base);
      } while (value != 0 && len < BUF);
    }
    ntoaFormat(out, buf, len, negative, base, prec, width, flags);
  }

  private static void ntoaFormat(StringBuilder out, char[] buf, int len, boolean negative, int base, int prec, int width, int flags) {
    if ((flags & LEFT) == 0) {
      if (width != 0 && (flags & ZEROPAD) != 0 && (negative || (flags & (PLUS | SPACE)) != 0)) width--;
      while (len < prec && len < BUF) buf[len++] = '0';
      while ((flags & ZEROPAD) != 0 && len < width && len < BUF) buf[len++] = '0';
    }
    if ((flags & HASH) != 0) {
      if ((flags & PRECISION) == 0 && len != 0 && (len == prec || len == width)) {
        len--;
        if (len != 0 && base == 16) len--;
      }
      if (base == 16 && len < BUF) buf[len++] = (flags & UPPERCASE) != 0 ? 'X' : 'x';
      if (len < BUF) buf[len++] = '0';
    }
    if (len < BUF) {
      if (negative) buf[len++] = '-';
      else if ((flags & PLUS) != 0) buf[len++] = '+';
      else if ((flags & SPACE) != 0) buf[len++] = ' ';
    }
    outRev(out, buf, len, width, flags);
  }

  private static void ftoa(StringBuilder out, double value, int prec, int width, int flags) {
    if (value != value) {
      outRev(out, "nan".toCharArray(), 3, width, flags);
      return;
    }
    if (value < -Double.MAX_VALUE) {
      outRev(out, "fni-".toCharArray(), 4, width, flags);
      return;
    }
    if (value > Double.MAX_VALUE) {
      if ((flags & PLUS) != 0) outRev(out, "fni+".toCharArray(), 4, width, flags);
      else outRev(out, "fni".toCharArray(), 3, width, flags);
      return;
    }
    if (value > MAX_FLOAT || value < -MAX_FLOAT) {
      etoa(out, value, prec, width, flags);
      return;
    }
    char[] buf = new char[BUF];
    int len = 0;
    boolean negative = false;
    if (value < 0) {
      negative = true;
      value = 0 - value;
    }
    if ((flags & PRECISION) == 0) prec = DEFAULT_PRECISION;
    while (len < BUF && prec > 9) {
      buf[len++] = '0';
      prec--;
    }
    if (prec > 9) { // the buffer filled with zeros first; nothing else is written
      outRev(out, buf, len, width, flags);
      return;
    }
    int whole = (int) value;
    double tmp = (value - whole) * POW10[prec];
    long frac = (long) tmp;
    double diff = tmp - frac;
    if (diff > 0.5) {
      ++frac;
      if (frac >= POW10[prec]) { // rollover, e.g. 0.99 with prec 1 is 1.0
        frac = 0;
        ++whole;
      }
    } else if (diff < 0.5) {
      // keep
    } else if (frac == 0 || (frac & 1) != 0) {
      ++frac; // exact tie: round up when odd or zero, with no carry check (the firmware's bug)
    }
    if (prec == 0) {
      diff = value - (double) whole;
      if (!(diff < 0.5) && (whole & 1) != 0) ++whole; // exactly 0.5: round half to even
    } else {
      long count = prec & 0xFFFFFFFFL; // unsigned in C: may wrap when frac has too many digits
      while (len < BUF) {
        count = (count - 1) & 0xFFFFFFFFL;
        buf[len++] = (char) ('0' + (int) (frac % 10));
        frac /= 10;
        if (frac == 0) break;
      }
      while (len < BUF && count != 0) {
        count = (count - 1) & 0xFFFFFFFFL;
        buf[len++] = '0';
      }
      if (len < BUF) buf[len++] = '.';
    }
    while (len < BUF) {
      buf[len++] = (char) ('0' + (whole % 10));
      if ((whole /= 10) == 0) break;
    }
    if ((flags & LEFT) == 0 && (flags & ZEROPAD) != 0) {
      if (width != 0 && (negative || (flags & (PLUS | SPACE)) != 0)) width--;
      while (len < width && len < BUF) buf[len++] = '0';
    }
    if (len < BUF) {
      if (negative) buf[len++] = '-';
      else if ((flags & PLUS) != 0) buf[len++] = '+';
      else if ((flags & SPACE) != 0) buf[len++] = ' ';
    }
    outRev(out, buf, len, width, flags);
  }

  private static void etoa(StringBuilder out, double value, int prec, int width, int flags) {
    if (value != value || value > Double.MAX_VALUE || value < -Double.MAX_VALUE) {
      ftoa(out, value, prec, width, flags);
      return;
    }
    boolean negative = value < 0;
    if (negative) value = -value;
    if ((flags & PRECISION) == 0) prec = DEFAULT_PRECISION;

    long bits = Double.doubleToRawLongBits(value);
    int exp2 = (int) ((bits >>> 52) & 0x7FF) - 1023;
    double m = Double.longBitsToDouble((bits & ((1L << 52) - 1)) | (1023L << 52));
    int expval = (int) (0.1760912590558 + exp2 * 0.301029995663981 + (m - 1.5) * 0.289529654602168);
    exp2 = (int) (expval * 3.321928094887362 + 0.5);
    double z = expval * 2.302585092994046 - exp2 * 0.6931471805599453;
    double z2 = z * z;
    double p = Double.longBitsToDouble((long) (exp2 + 1023) << 52);
    p *= 1 + 2 * z / (2 - z + (z2 / (6 + (z2 / (10 + z2 / 14)))));
    if (value < p) {
      expval--;
      p /= 10;
    }
    int minwidth = (expval < 100 && expval > -100) ? 4 : 5;

    if ((flags & ADAPT_EXP) != 0) {
      if (value >= 1e-4 && value < 1e6) {
        prec = prec > expval ? prec - expval - 1 : 0;
        flags |= PRECISION;
        minwidth = 0;
        expval = 0;
      } else if (prec > 0 && (flags & PRECISION) != 0) {
        --prec;
      }
    }
    int fwidth = width > minwidth ? width - minwidth : 0;
    if ((flags & LEFT) != 0 && minwidth != 0) fwidth = 0;
    if (expval != 0) value /= p;

    int start = out.length();
    ftoa(out, negative ? -value : value, prec, fwidth, flags & ~ADAPT_EXP);
    if (minwidth != 0) {
      out.append((flags & UPPERCASE) != 0 ? 'E' : 'e');
      ntoa(out, expval < 0 ? -expval : expval, expval < 0, 10, 0, minwidth - 1, ZEROPAD | PLUS);
      if ((flags & LEFT) != 0) {
        while (out.length() - start < width) out.append(' ');
      }
    }
  }
}
