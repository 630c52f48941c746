/**
 * The {@code airemu} command: {@code run} boots a project on an emulated board and streams its log,
 * {@code boards} lists the built-in boards. Exit codes are defined in {@link airemu.cli.ExitCode}.
 */
package airemu.cli;
