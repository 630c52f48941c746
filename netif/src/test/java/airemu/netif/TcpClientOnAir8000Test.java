package airemu.netif;

/**
 * {@link TcpClientTest} on the Air8000's network, where the cellular adapter the tests use is registered
 * before Wi-Fi STA and AP: a TCP client ctrl behave the same whatever else the board has.
 */
class TcpClientOnAir8000Test extends TcpClientTest {
  @Override
  TestDevice ready(NetOptions options, int sockets) {
    return Boards.readyAir8000(options, sockets);
  }
}
