package airemu.config;

/** Durations as users write them: {@code 500ms}, {@code 30s}, {@code 2m}, {@code 1h}. */
public final class Durations {
  private Durations() {}

  /**
   * Milliseconds in {@code text}, or a {@link ConfigException} explaining the format. Read by hand,
   * not with a regular expression: it is on the path to a run's first line.
   */
  public static long parseMillis(String text) throws ConfigException {
    String t = text == null ? "" : text.trim();
    int digits = 0;
    while (digits < t.length() && t.charAt(digits) >= '0' && t.charAt(digits) <= '9') digits++;
    long unit = switch (t.substring(digits)) {
      case "ms" -> 1;
      case "s" -> 1000;
      case "m" -> 60_000;
      case "h" -> 3_600_000;
      default -> 0;
    };
    if (digits == 0 || unit == 0) {
      throw new ConfigException("invalid duration '" + text + "': write a number and a unit, such as 500ms, 30s, 2m or 1h");
    }
    long n;
    try {
      n = Long.parseLong(t.substring(0, digits));
    } catch (NumberFormatException e) {
      throw new ConfigException("invalid duration '" + text + "': the number is too large");
    }
    if (n > Long.MAX_VALUE / unit) throw new ConfigException("invalid duration '" + text + "': too long");
    return n * unit;
  }
}
