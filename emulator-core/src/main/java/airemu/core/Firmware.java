package airemu.core;

/**
 * The program a device runs (the LuatOS VM in {@code lua-host}). Every method is called by the one
 * worker that is stepping the device, never concurrently.
 */
public interface Firmware {

  /** Boots the VM and runs the project until it first waits. */
  Step boot();

  /** Runs on after mail arrived or the wait deadline of the previous step passed. */
  Step resume();

  /** Releases the VM and everything it holds (sockets, ports); called once, before a reboot or stop. */
  void close();

  /** Builds the firmware for one boot of a device. */
  @FunctionalInterface
  interface Factory {
    Firmware create(Device device);
  }
}
