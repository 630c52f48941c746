package airemu.lua;

import airemu.boards.AdapterSpec;
import airemu.boards.BoardProfile;
import airemu.netif.AccessPoint;
import airemu.netif.Environment;
import airemu.netif.NetOptions;
import java.nio.file.Path;
import java.util.List;

/**
 * Everything a device boots with besides its kernel: the board it is, the project it runs, its own
 * storage folder (the writable "/", kept across reboots, made on first write), the host side of its
 * UARTs, how its network reaches the host's (hosts table, DNS, buffer sizes, attach delay), the
 * network outside it that scenarios and live control change (links, addresses, faults), which
 * outlives the device's reboots, and the Wi-Fi access points around it ({@code null}: the board
 * profile's).
 */
public record DeviceSetup(BoardProfile board, Project project, Path storage, UartHost uarts, NetOptions network,
    Environment environment, List<AccessPoint> accessPoints) {

  public DeviceSetup {
    if (accessPoints != null) accessPoints = List.copyOf(accessPoints);
  }

  public static DeviceSetup of(BoardProfile board, Project project, Path storage) {
    return new DeviceSetup(board, project, storage, UartHost.NONE, NetOptions.defaults(), calm(board, 0), null);
  }

  /** A network outside the board's adapters with every link present and no faults. */
  public static Environment calm(BoardProfile board, long seed) {
    return Environment.create(board.adapters().stream().map(AdapterSpec::name).toList(), seed);
  }

  public DeviceSetup withUarts(UartHost uarts) {
    return new DeviceSetup(board, project, storage, uarts, network, environment, accessPoints);
  }

  public DeviceSetup withNetwork(NetOptions network) {
    return new DeviceSetup(board, project, storage, uarts, network, environment, accessPoints);
  }

  public DeviceSetup withEnvironment(Environment environment) {
    return new DeviceSetup(board, project, storage, uarts, network, environment, accessPoints);
  }

  /** The access points the device's radio sees instead of the board's ({@code --wifi SSID[:PASSWORD]}). */
  public DeviceSetup withAccessPoints(List<AccessPoint> accessPoints) {
    return new DeviceSetup(board, project, storage, uarts, network, environment, accessPoints);
  }
}
