package airemu.core;

/**
 * The program a device runs (the LuatOS VM in {@code lua-host}). Every method but {@link #abandon} is
 * called by the one worker that is stepping the device, never concurrently.
 */
public interface Firmware {

  /** Boots the VM and runs the project until it first waits. */
  Step boot();

  /** Runs on after mail arrived or the wait deadline of the previous step passed. */
  Step resume();

  /** Releases the VM and everything it holds (sockets, ports); called once, before a reboot or stop. */
  void close();

  /**
   * Gives up the VM of a step that never returned: it ran on past the watchdog, or past a stop or
   * reboot request, inside one native call that no hook reaches. Called on the scheduler's watchdog
   * thread while that step still runs, so it must not touch the VM: it makes the VM inert (if the call
   * ever returns, nothing the script does reaches the device any more), releases what lives outside
   * the VM, and returns the VM's end as the module's watchdog reset, whose log line it writes when
   * {@code report} is true. {@link #close()} follows on the stuck thread, if it ever returns.
   *
   * <p>The default suits a firmware with nothing to fence: it ends the VM as a crash.
   */
  default Step abandon(boolean report) {
    return Step.vmExit("watchdog: stuck in one call", 0, 1);
  }

  /** Builds the firmware for one boot of a device. */
  @FunctionalInterface
  interface Factory {
    Firmware create(Device device);
  }
}
