package airemu.lua;

import airemu.boards.AdapterSpec;
import airemu.boards.BoardProfile;
import airemu.netif.Environment;
import airemu.netif.NetOptions;
import java.nio.file.Path;

/**
 * Everything a device boots with besides its kernel: the board it is, the project it runs, its own
 * storage folder (the writable "/", kept across reboots, made on first write), the host side of its
 * UARTs, how its network reaches the host's (hosts table, DNS, buffer sizes, attach delay), and the
 * network outside it that scenarios and live control change (links, addresses, faults), which
 * outlives the device's reboots.
 */
public record DeviceSetup(BoardProfile board, Project project, Path storage, UartHost uarts, NetOptions network,
    Environment environment) {

  public static DeviceSetup of(BoardProfile board, Project project, Path storage) {
    return new DeviceSetup(board, project, storage, UartHost.NONE, NetOptions.defaults(), calm(board, 0));
  }

  /** A network outside the board's adapters with every link present and no faults. */
  public static Environment calm(BoardProfile board, long seed) {
    return Environment.create(board.adapters().stream().map(AdapterSpec::name).toList(), seed);
  }

  public DeviceSetup withUarts(UartHost uarts) {
    return new DeviceSetup(board, project, storage, uarts, network, environment);
  }

  public DeviceSetup withNetwork(NetOptions network) {
    return new DeviceSetup(board, project, storage, uarts, network, environment);
  }

  public DeviceSetup withEnvironment(Environment environment) {
    return new DeviceSetup(board, project, storage, uarts, network, environment);
  }
}
