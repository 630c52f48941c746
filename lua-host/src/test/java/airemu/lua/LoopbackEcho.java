package airemu.lua;

import airemu.netif.peers.EchoPeer;
import java.net.InetAddress;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * An {@link EchoPeer} on loopback for the tests of one class:
 * {@code @RegisterExtension static final LoopbackEcho echo = new LoopbackEcho();}
 */
final class LoopbackEcho implements BeforeAllCallback, AfterAllCallback {
  private EchoPeer peer;

  int port() {
    return peer.port();
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    peer = EchoPeer.start(InetAddress.getLoopbackAddress(), 0);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    peer.close();
  }
}
