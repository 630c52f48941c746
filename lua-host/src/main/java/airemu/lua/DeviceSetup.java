package airemu.lua;

import airemu.boards.BoardProfile;
import airemu.netif.NetOptions;
import java.nio.file.Path;

/**
 * Everything a device boots with besides its kernel: the board it is, the project it runs, its own
 * storage folder (the writable "/", kept across reboots, made on first write), the host side of its
 * UARTs, and how its network reaches the host's (hosts table, DNS, buffer sizes, attach delay).
 */
public record DeviceSetup(BoardProfile board, Project project, Path storage, UartHost uarts, NetOptions network) {

  public static DeviceSetup of(BoardProfile board, Project project, Path storage) {
    return new DeviceSetup(board, project, storage, UartHost.NONE, NetOptions.defaults());
  }

  public DeviceSetup withUarts(UartHost uarts) {
    return new DeviceSetup(board, project, storage, uarts, network);
  }

  public DeviceSetup withNetwork(NetOptions network) {
    return new DeviceSetup(board, project, storage, uarts, network);
  }
}
