/**
 * Small servers {@code airemu run} starts on loopback so unmodified demos have someone to talk to:
 * an echo service for {@code netlab.luatos.com} and an SNTP responder for the default NTP names.
 */
package airemu.netif.peers;
