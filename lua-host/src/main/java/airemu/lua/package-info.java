/**
 * The LuatOS firmware: a real Lua VM prepared as the module's (Lua 5.3 behaviour over Lua 5.4, the
 * firmware's number formatting) and the LuatOS libraries as thin bindings onto the kernel, network
 * and serial modules. {@link airemu.lua.LuaFirmware} boots a {@link airemu.lua.Project} on a board.
 */
package airemu.lua;
