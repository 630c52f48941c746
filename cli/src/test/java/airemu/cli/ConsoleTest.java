package airemu.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import org.junit.jupiter.api.Test;

/** The LuaTools prefix, written by hand for a fast first line, says what the formatters would. */
class ConsoleTest {
  private static final DateTimeFormatter LUATOOLS =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS").withZone(ZoneId.systemDefault());

  @Test
  void thePrefixIsTheHostsLocalTimeAndTheUptime() {
    long[][] cases = {{0, 0}, {1_786_000_000_007L, 512}, {1_799_999_999_999L, 99_999_999_999L}, {951_782_400_000L, 1_000}};
    for (long[] c : cases) {
      assertThat(Console.prefix(c[0], c[1])).isEqualTo("[" + LUATOOLS.format(Instant.ofEpochMilli(c[0])) + "]["
          + String.format("%08d.%03d", c[1] / 1000, c[1] % 1000) + "] ");
    }
    assertThat(Console.prefix(1_786_000_000_007L, 512)).matches("\\[\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.007]\\[00000000\\.512] ");
  }
}
