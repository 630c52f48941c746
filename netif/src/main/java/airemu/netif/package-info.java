/**
 * Virtual network interfaces: the adapters of a board with their link and IP state, the adapter
 * registry, the socket state machine of the firmware and the transports that carry real bytes.
 */
package airemu.netif;
