package airemu.lua;

import airemu.boards.BoardProfile;
import airemu.netif.AccessPoint;
import airemu.netif.NetOptions;
import java.nio.file.Path;
import java.util.List;

/**
 * Everything a device boots with besides its kernel: the board it is, the project it runs, its own
 * storage folder (the writable "/", kept across reboots, made on first write), the host side of its
 * UARTs, how its network reaches the host's (hosts table, DNS, buffer sizes, attach delay), and the
 * Wi-Fi access points around it ({@code null}: the board profile's).
 */
public record DeviceSetup(BoardProfile board, Project project, Path storage, UartHost uarts, NetOptions network,
    List<AccessPoint> accessPoints) {

  public DeviceSetup {
    if (accessPoints != null) accessPoints = List.copyOf(accessPoints);
  }

  public static DeviceSetup of(BoardProfile board, Project project, Path storage) {
    return new DeviceSetup(board, project, storage, UartHost.NONE, NetOptions.defaults(), null);
  }

  public DeviceSetup withUarts(UartHost uarts) {
    return new DeviceSetup(board, project, storage, uarts, network, accessPoints);
  }

  public DeviceSetup withNetwork(NetOptions network) {
    return new DeviceSetup(board, project, storage, uarts, network, accessPoints);
  }

  /** The access points the device's radio sees instead of the board's ({@code --wifi SSID[:PASSWORD]}). */
  public DeviceSetup withAccessPoints(List<AccessPoint> accessPoints) {
    return new DeviceSetup(board, project, storage, uarts, network, accessPoints);
  }
}
