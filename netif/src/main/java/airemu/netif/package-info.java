/**
 * Virtual network interfaces: the adapters of a board with their link and IP state, the adapter
 * registry, the socket state machine of the firmware ({@code network_ctrl}), the Netty transports
 * that carry real bytes, and the drivers of each kind of adapter (cellular, Wi-Fi, W5500, netdrv).
 *
 * <p>Threading: a {@link airemu.netif.NetStack} and its {@link airemu.netif.SocketCtrl}s belong to one
 * device and are touched only on the thread stepping that device. Netty I/O threads, DNS and timers
 * never call into them: they post a {@link airemu.netif.NetMessage} to the device, and the firmware
 * hands it back by calling {@link airemu.netif.NetMessage#handle()} inside {@code rtos.receive}.
 */
package airemu.netif;
