package airemu.netif;

import airemu.core.Message;

/**
 * A network event on a device's bus: data or a connection result from a Netty thread, a DNS answer,
 * a link or IP change. It carries no bytes (received data waits in the ctrl's buffer), so dropping
 * one leaks nothing.
 *
 * <p>The firmware handles it inside {@code rtos.receive}, on the device thread, with one call:
 *
 * <pre>{@code
 * if (m instanceof NetMessage nm) {
 *   NetDelivery d = nm.handle();
 *   if (d instanceof NetDelivery.SocketEvent e) {
 *     // by what e.ctrl().attachment() holds: cb(lightuserdata, e.event(), e.param()),
 *     // or sys_send(task, e.event(), e.param()),
 *     // or sys_pub("NWCTRL*", e.ctrl().adapterNumber(), e.ctrl().socketId(), e.event(), e.param())
 *   } else if (d instanceof NetDelivery.Publish p) {
 *     // sys_pub(p.topic(), p.args()...)
 *   } // NetDelivery.NONE: rtos.receive returns nothing for this message
 * }
 * }</pre>
 *
 * {@link #handle()} runs the socket state machine for this event (state, wait target, new-data
 * flag) and returns what the script is to see: at most one socket event for one ctrl, or one
 * publish. Events for a released ctrl, or for a socket the ctrl has closed since, give
 * {@link NetDelivery#NONE}. Call it once, on the device thread.
 */
public interface NetMessage extends Message {
  NetDelivery handle();
}
