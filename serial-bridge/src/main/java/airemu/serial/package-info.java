/**
 * Virtual UARTs: the device's log port and its {@code uart} data ports, exposed to the host as a
 * pty, a TCP or RFC 2217 socket, or an existing serial port.
 */
package airemu.serial;
