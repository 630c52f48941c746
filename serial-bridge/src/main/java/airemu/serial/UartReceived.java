package airemu.serial;

import airemu.core.Message;

/**
 * Bytes that arrived from the host on uart {@code uartId}, as the module's UART RX interrupt would hand
 * them to the LuatOS message bus; the {@code uart} library turns it into its {@code "receive"} callback.
 */
public record UartReceived(int uartId, byte[] bytes) implements Message {}
