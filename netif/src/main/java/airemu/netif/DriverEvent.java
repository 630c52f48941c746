package airemu.netif;

import java.util.function.Supplier;

/**
 * A driver's event that falls due (an association completing, a DHCP lease, a scan ending, a ping
 * reply): its action runs on the device thread when the message is taken and says what the script
 * receives. A driver guards actions that a later call may cancel with its own counter.
 */
final class DriverEvent implements NetMessage {
  private final NetStack stack;
  private final Supplier<NetDelivery> action;

  DriverEvent(NetStack stack, Supplier<NetDelivery> action) {
    this.stack = stack;
    this.action = action;
  }

  @Override
  public NetDelivery handle() {
    return stack.isClosed() ? NetDelivery.NONE : action.get();
  }

  @Override
  public String toString() {
    return "DriverEvent";
  }
}
