/**
 * Board profiles: what a LuatOS module is, as data. A {@link airemu.boards.BoardProfile} names the
 * chip and firmware a script sees, its memory figures and its network adapters in registration
 * order; the built-in profiles are resource files beside this package, read by {@code config}.
 */
package airemu.boards;
