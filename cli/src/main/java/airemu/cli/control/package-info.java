/**
 * Changing a running device from outside, as a user breaks a network on purpose: one command
 * language ({@link airemu.cli.control.Controls}) over the network outside each adapter and the reset
 * button, played from a scenario's timeline, typed on the console, or sent to the loopback HTTP API,
 * which also streams the run's events.
 */
package airemu.cli.control;
