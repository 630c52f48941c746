package airemu.netif;

/**
 * {@link WaitTargetTest} on the Air8000's network, where the cellular adapter the tests use is registered
 * before Wi-Fi STA and AP: results follow the wait target whatever else the board has.
 */
class WaitTargetOnAir8000Test extends WaitTargetTest {
  @Override
  TestDevice ready(NetOptions options, int sockets) {
    return Boards.readyAir8000(options, sockets);
  }
}
