/**
 * The device kernel: the {@link airemu.core.Clock}, firmware timers, each device's message bus and
 * the shared {@link airemu.core.Scheduler} that steps devices without a thread per device.
 *
 * <p>Threading contract: a device's firmware is touched only by the worker that is stepping it; every
 * other thread (timers, network, serial) talks to a device by posting a {@link airemu.core.Message}.
 */
package airemu.core;
