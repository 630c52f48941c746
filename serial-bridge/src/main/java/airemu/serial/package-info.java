/**
 * Virtual UARTs: a device's log port ({@link airemu.serial.LogPort}) and its {@code uart} data ports
 * ({@link airemu.serial.DataPort}), exposed to the host as a pty, a TCP or RFC 2217 server, a UDP
 * socket or an existing OS serial port, as named by a {@link airemu.serial.PortSpec}.
 */
package airemu.serial;
