package airemu.core;

/**
 * Something delivered to a device's message bus (the LuatOS msgbus): a timer expiry, a socket event,
 * bytes from a UART. Posted from any thread with {@link Device#post}, taken by the firmware on the
 * device's own step, in posting order.
 */
public interface Message {}
