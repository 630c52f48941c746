package airemu.lua;

import airemu.boards.BoardProfile;
import java.nio.file.Path;

/**
 * Everything a device boots with besides its kernel: the board it is, the project it runs, its own
 * storage folder (the writable "/", kept across reboots, made on first write) and the host side of
 * its UARTs.
 */
public record DeviceSetup(BoardProfile board, Project project, Path storage, UartHost uarts) {

  public static DeviceSetup of(BoardProfile board, Project project, Path storage) {
    return new DeviceSetup(board, project, storage, UartHost.NONE);
  }

  public DeviceSetup withUarts(UartHost uarts) {
    return new DeviceSetup(board, project, storage, uarts);
  }
}
