/**
 * Board profiles: what a LuatOS module is, as data. A {@link airemu.boards.BoardProfile} names the
 * chip and firmware a script sees, its memory figures, its network adapters in registration order
 * and the figures of its lwIP build; the built-in profiles are resource files beside this package,
 * read by {@code config}.
 */
package airemu.boards;
