/**
 * The device kernel: the {@link airemu.core.Clock}, firmware timers, each device's message bus and
 * the shared {@link airemu.core.Scheduler} that steps devices without a thread per device.
 *
 * <p>Threading contract: a device's firmware is touched only by the worker that is stepping it; every
 * other thread (timers, network, serial) talks to a device by posting a {@link airemu.core.Message}.
 * The one exception is a step stuck inside a native call, which the scheduler's watchdog thread gives
 * up: it then acts for the device, and the stuck worker's VM is never stepped again.
 */
package airemu.core;
