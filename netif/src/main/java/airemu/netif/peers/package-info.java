/**
 * Small servers {@code airemu run} starts on loopback so unmodified demos have someone to talk to
 * (an echo service for {@code netlab.luatos.com}, an SNTP responder for the default NTP names), and
 * TLS peers for tests and benchmarks: a real {@code openssl s_server} echo and a certificate authority.
 */
package airemu.netif.peers;
