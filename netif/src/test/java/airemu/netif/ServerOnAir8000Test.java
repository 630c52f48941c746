package airemu.netif;

/**
 * {@link ServerTest} on the Air8000's network, where the cellular adapter the tests use is registered
 * before Wi-Fi STA and AP: listening ctrls behave the same whatever else the board has.
 */
class ServerOnAir8000Test extends ServerTest {
  @Override
  TestDevice ready(NetOptions options, int sockets) {
    return Boards.readyAir8000(options, sockets);
  }
}
