package airemu.core;

/**
 * Observes one device: its log stream and the end of its run. Called by whichever thread steps the
 * device (a worker, or the scheduler's watchdog thread when it takes over a stuck step), one at a
 * time, so an implementation must not block; it may call {@link Device#stop(int)}.
 */
public interface DeviceListener {

  /** The device wrote to its log stream. */
  default void onLog(Device device, LogRecord record) {}

  /** The VM died (script error, watchdog); the device reboots or stops according to its options. */
  default void onCrash(Device device, String reason) {}

  /** The device is booting (again); {@code bootCount} starts at 1. */
  default void onBoot(Device device, int bootCount) {}

  /** The device stopped for good with {@code exitCode}. */
  default void onStopped(Device device, int exitCode) {}
}
