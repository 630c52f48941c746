package airemu.netif;

import airemu.core.Device;
import java.nio.charset.StandardCharsets;

/**
 * Where the firmware's C-side lines go ({@code D/socket connect to ...}, {@code D/net adapter 1 connect
 * ...}): the device's log stream, through the Lua host's level filter. {@link #raw} lines are the
 * firmware's unfiltered {@code DBG_Printf} output ({@code dft adapter change from 1 to 2}). Called on
 * the device thread only.
 */
public interface FirmwareLog {

  /** One {@code <level>/<tag> <text>} line; {@code level} is D, I, W or E. */
  void line(char level, String tag, String text);

  /** One unprefixed line, printed whatever the log level. */
  void raw(String text);

  /** Writes straight to the device's log stream, unfiltered; what tests and tools use. */
  static FirmwareLog of(Device device) {
    return new FirmwareLog() {
      @Override
      public void line(char level, String tag, String text) {
        device.log((level + "/" + tag + " " + text + "\n").getBytes(StandardCharsets.UTF_8));
      }

      @Override
      public void raw(String text) {
        device.log((text + "\n").getBytes(StandardCharsets.UTF_8));
      }
    };
  }

  /** Drops everything. */
  FirmwareLog NONE = new FirmwareLog() {
    @Override
    public void line(char level, String tag, String text) {}

    @Override
    public void raw(String text) {}
  };
}
