package airemu.serial;

/**
 * One attached reader of a port: the process holding a pty slave open, a TCP connection, the peer of an
 * OS serial port, the last UDP sender.
 */
interface Client {

  /**
   * Queues {@code bytes} for this client and returns at once; what its buffers cannot take is dropped
   * and counted by its transport. The array is never modified afterwards, so it may be kept.
   */
  void send(byte[] bytes);
}
