package airemu.config;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as users write them: {@code 500ms}, {@code 30s}, {@code 2m}, {@code 1h}. */
public final class Durations {
  private static final Pattern FORMAT = Pattern.compile("(\\d+)(ms|s|m|h)");

  private Durations() {}

  /** Milliseconds in {@code text}, or a {@link ConfigException} explaining the format. */
  public static long parseMillis(String text) throws ConfigException {
    Matcher m = FORMAT.matcher(text == null ? "" : text.trim());
    if (!m.matches()) {
      throw new ConfigException("invalid duration '" + text + "': write a number and a unit, such as 500ms, 30s, 2m or 1h");
    }
    long n;
    try {
      n = Long.parseLong(m.group(1));
    } catch (NumberFormatException e) {
      throw new ConfigException("invalid duration '" + text + "': the number is too large");
    }
    long unit = switch (m.group(2)) {
      case "ms" -> 1;
      case "s" -> 1000;
      case "m" -> 60_000;
      default -> 3_600_000;
    };
    if (n > Long.MAX_VALUE / unit) throw new ConfigException("invalid duration '" + text + "': too long");
    return n * unit;
  }
}
