package airemu.netif;

/**
 * {@link UdpTest} on the Air8000's network, where the cellular adapter the tests use is registered
 * before Wi-Fi STA and AP: UDP ctrls behave the same whatever else the board has.
 */
class UdpOnAir8000Test extends UdpTest {
  @Override
  TestDevice ready(NetOptions options, int sockets) {
    return Boards.readyAir8000(options, sockets);
  }
}
