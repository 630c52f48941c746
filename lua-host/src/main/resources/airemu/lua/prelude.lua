-- The airemu prelude: makes stock Lua 5.4 behave as the LuatOS 5.3 VM and wires the VM to its host.
-- Loaded once per boot under the chunk name "=[C]", so its frames read like firmware C functions in
-- tracebacks. H is the host's table of Java functions; the prelude returns the hooks the host needs.
local H = ...

local type, select, error, tonumber, rawget, rawset = type, select, error, tonumber, rawget, rawset
local getmetatable, setmetatable, pairs, ipairs, next = getmetatable, setmetatable, pairs, ipairs, next
local math_type, tointeger, floor = math.type, math.tointeger, math.floor
local concat, unpack = table.concat, table.unpack
local co_create, co_resume, co_yield = coroutine.create, coroutine.resume, coroutine.yield
local co_running, co_status, co_isyieldable = coroutine.running, coroutine.status, coroutine.isyieldable
local raw_pcall, raw_xpcall, raw_tostring, raw_load = pcall, xpcall, tostring, load
local sethook, getinfo, traceback = debug.sethook, debug.getinfo, debug.traceback
local registry = debug.getregistry()
local string_dump, string_byte, string_sub = string.dump, string.byte, string.sub
local stock_io = io
local G = _G

local P = {} -- what the host gets back

---------------------------------------------------------------------------------------------------
-- Stopping the VM (watchdog, os.exit, rtos.reboot)
--
-- A Lua hook cannot yield, and pcall would swallow a plain error. So once the VM must stop, every
-- thread's count hook fires at every instruction and raises again, and the wrappers of pcall, xpcall
-- and coroutine.resume re-raise on return: no Lua code runs again until control is back in the host.
---------------------------------------------------------------------------------------------------
local ABORT -- the error value that unwinds the VM once it is stopping
local HOOK_EVERY = 100000
local must_stop, host_abort = H.must_stop, H.abort -- must_stop(): nil, or why the VM stops now
local collect = collectgarbage
local heap_limit_kb = math.huge -- the board's Lua heap; set by the host once the firmware is loaded

-- Runs every HOOK_EVERY instructions of every thread: the watchdog (and a stop or reboot asked from
-- outside), and the module's fixed Lua heap (an allocation past it fails with "not enough memory";
-- without it a runaway script could take the host's memory before the watchdog fires).
local hook
hook = function()
  if ABORT == nil then
    local why = must_stop()
    if why == nil then
      if collect("count") > heap_limit_kb then
        collect("collect")
        if collect("count") > heap_limit_kb then error("not enough memory", 0) end
      end
      return
    end
    ABORT = host_abort(why)
  end
  sethook(hook, "", 1)
  error(ABORT, 0)
end

function P.set_heap_limit(kb)
  heap_limit_kb = kb
end

-- The bytes the Lua heap holds (what rtos.meminfo reports), however the script has changed the globals.
function P.heap_used()
  return floor(collect("count") * 1024)
end

local function abort_now(kind, code)
  ABORT = host_abort(kind, code)
  sethook(hook, "", 1)
  error(ABORT, 0)
end

local function reraise_if_stopping(...)
  if ABORT ~= nil then error(ABORT, 0) end
  return ...
end

function pcall(...) return reraise_if_stopping(raw_pcall(...)) end
function xpcall(...) return reraise_if_stopping(raw_xpcall(...)) end

---------------------------------------------------------------------------------------------------
-- Coroutines: the main chunk runs in the host coroutine, but to the script it is the main thread.
---------------------------------------------------------------------------------------------------
local HOST -- the coroutine running main.lua; yielding it hands control back to the host

function P.host(co)
  HOST = co
  sethook(co, hook, "", HOOK_EVERY)
end

coroutine.create = function(f)
  local co = co_create(f)
  sethook(co, hook, "", HOOK_EVERY)
  return co
end

coroutine.resume = function(co, ...)
  return reraise_if_stopping(co_resume(co, ...))
end

coroutine.running = function()
  local co, ismain = co_running()
  if co == HOST then return co, true end
  return co, ismain
end

coroutine.isyieldable = function(co)
  co = co or co_running()
  if co == HOST then return false end
  return co_isyieldable(co)
end

coroutine.yield = function(...)
  if co_running() == HOST then error("attempt to yield from outside a coroutine", 0) end
  return co_yield(...)
end

local function wrap_result(ok, ...)
  if ABORT ~= nil then error(ABORT, 0) end
  if ok then return ... end
  local e = ...
  if type(e) == "string" then error(e, 2) end -- 5.3 prefixes the caller's position to string errors
  error(e, 0)
end

coroutine.wrap = function(f)
  local co = coroutine.create(f)
  return function(...) return wrap_result(co_resume(co, ...)) end
end

---------------------------------------------------------------------------------------------------
-- Lua 5.3 numbers: arithmetic on numeric strings is float arithmetic, bitwise ops accept them.
---------------------------------------------------------------------------------------------------
local smt = getmetatable("")

local function arith_operand(v)
  local t = type(v)
  if t == "number" then return v + 0.0 end
  if t == "string" then
    local n = tonumber(v)
    if n ~= nil then return n + 0.0 end
  end
  return nil
end

local function other_metamethod(a, b, event)
  local mt = type(b) ~= "string" and getmetatable(b)
  local f = mt and rawget(mt, event)
  if f == nil and type(a) ~= "string" then
    mt = getmetatable(a)
    f = mt and rawget(mt, event)
  end
  return f
end

local function arith(event, op)
  return function(a, b)
    local x, y = arith_operand(a), arith_operand(b)
    if x ~= nil and y ~= nil then return op(x, y) end
    local f = other_metamethod(a, b, event)
    if f then return f(a, b) end
    local bad = (x == nil) and a or b
    error("attempt to perform arithmetic on a " .. type(bad) .. " value", 2)
  end
end

smt.__add = arith("__add", function(x, y) return x + y end)
smt.__sub = arith("__sub", function(x, y) return x - y end)
smt.__mul = arith("__mul", function(x, y) return x * y end)
smt.__div = arith("__div", function(x, y) return x / y end)
smt.__mod = arith("__mod", function(x, y) return x % y end)
smt.__pow = arith("__pow", function(x, y) return x ^ y end)
smt.__idiv = arith("__idiv", function(x, y) return x // y end)
smt.__unm = function(a)
  local x = arith_operand(a)
  if x ~= nil then return -x end
  error("attempt to perform arithmetic on a " .. type(a) .. " value", 2)
end

local function bit_operand(v)
  local t = type(v)
  local n = v
  if t == "string" then n = tonumber(v) end
  if type(n) ~= "number" then return nil end
  local i = tointeger(n)
  if i == nil then error("number has no integer representation", 3) end
  return i
end

local function bitwise(event, op)
  return function(a, b)
    local x, y = bit_operand(a), bit_operand(b)
    if x ~= nil and y ~= nil then return op(x, y) end
    local f = other_metamethod(a, b, event)
    if f then return f(a, b) end
    local bad = (x == nil) and a or b
    error("attempt to perform bitwise operation on a " .. type(bad) .. " value", 2)
  end
end

smt.__band = bitwise("__band", function(x, y) return x & y end)
smt.__bor = bitwise("__bor", function(x, y) return x | y end)
smt.__bxor = bitwise("__bxor", function(x, y) return x ~ y end)
smt.__shl = bitwise("__shl", function(x, y) return x << y end)
smt.__shr = bitwise("__shr", function(x, y) return x >> y end)
smt.__bnot = function(a)
  local x = bit_operand(a)
  if x ~= nil then return ~x end
  error("attempt to perform bitwise operation on a " .. type(a) .. " value", 2)
end

---------------------------------------------------------------------------------------------------
-- The 5.1/5.2 compatibility LuatOS compiles in (LUA_COMPAT_5_2, LUA_COMPAT_BITLIB).
---------------------------------------------------------------------------------------------------
G.unpack = table.unpack -- (the local 'unpack' above is the prelude's own)
math.pow = math.pow or function(x, y) return x ^ y end
math.log10 = math.log10 or function(x) return math.log(x, 10) end
math.ldexp = math.ldexp or function(m, e) return m * 2.0 ^ e end
math.cosh = math.cosh or function(x) return (math.exp(x) + math.exp(-x)) / 2 end
math.sinh = math.sinh or function(x) return (math.exp(x) - math.exp(-x)) / 2 end
math.tanh = math.tanh or function(x)
  local a, b = math.exp(x), math.exp(-x)
  return (a - b) / (a + b)
end
math.frexp = math.frexp or function(x)
  if x == 0 or x ~= x or x == math.huge or x == -math.huge then return x, 0 end
  local e = floor(math.log(math.abs(x), 2)) + 1
  local m = x / 2.0 ^ e
  if math.abs(m) >= 1 then m, e = m / 2, e + 1 elseif math.abs(m) < 0.5 then m, e = m * 2, e - 1 end
  return m, e
end
table.maxn = function(t)
  local max = 0
  for k in next, t do
    if type(k) == "number" and k > max then max = k end
  end
  return max
end

do -- bit32: 32-bit unsigned results, as Lua 5.2 defined them
  local MASK = 0xFFFFFFFF
  local function u(v, i, name)
    local n = tointeger(v)
    if n == nil then
      if type(v) == "number" then error("bad argument #" .. i .. " to '" .. name .. "' (number has no integer representation)", 3) end
      n = tonumber(v)
      n = n and tointeger(n)
      if n == nil then error("bad argument #" .. i .. " to '" .. name .. "' (number expected, got " .. (v == nil and "no value" or type(v)) .. ")", 3) end
    end
    return n & MASK
  end
  local function fold(name, op, init)
    return function(...)
      local r = init
      for i = 1, select("#", ...) do r = op(r, u((select(i, ...)), i, name)) end
      return r & MASK
    end
  end
  local function field(f, w, name)
    if w == nil then w = 1 end
    if f < 0 then error("bad argument #2 to '" .. name .. "' (field cannot be negative)", 3) end
    if w <= 0 then error("bad argument #3 to '" .. name .. "' (width must be positive)", 3) end
    if f + w > 32 then error("trying to access non-existent bits", 3) end
    return f, w
  end
  local function shift(x, n)
    if n <= -32 or n >= 32 then return 0 end
    if n >= 0 then return (x << n) & MASK end
    return (x >> -n) & MASK
  end
  bit32 = {
    band = fold("band", function(a, b) return a & b end, MASK),
    bor = fold("bor", function(a, b) return a | b end, 0),
    bxor = fold("bxor", function(a, b) return a ~ b end, 0),
    btest = function(...) return fold("btest", function(a, b) return a & b end, MASK)(...) ~= 0 end,
    bnot = function(x) return (~u(x, 1, "bnot")) & MASK end,
    lshift = function(x, n) return shift(u(x, 1, "lshift"), tointeger(n) or 0) end,
    rshift = function(x, n) return shift(u(x, 1, "rshift"), -(tointeger(n) or 0)) end,
    arshift = function(x, n)
      x, n = u(x, 1, "arshift"), tointeger(n) or 0
      if n < 0 or (x & 0x80000000) == 0 then return shift(x, -n) end
      if n >= 32 then return MASK end
      return ((x >> n) | ~(MASK >> n)) & MASK
    end,
    lrotate = function(x, n)
      x, n = u(x, 1, "lrotate"), (tointeger(n) or 0) & 31
      return ((x << n) | (x >> (32 - n))) & MASK
    end,
    rrotate = function(x, n)
      x, n = u(x, 1, "rrotate"), (-(tointeger(n) or 0)) & 31
      return ((x << n) | (x >> (32 - n))) & MASK
    end,
    extract = function(x, f, w)
      x = u(x, 1, "extract")
      f, w = field(tointeger(f), tointeger(w), "extract")
      return (x >> f) & ~(-1 << w) & MASK
    end,
    replace = function(x, v, f, w)
      x, v = u(x, 1, "replace"), u(v, 2, "replace")
      f, w = field(tointeger(f), tointeger(w), "replace")
      local m = ~(-1 << w)
      return ((x & ~(m << f)) | ((v & m) << f)) & MASK
    end,
  }
end

---------------------------------------------------------------------------------------------------
-- Numbers print as the firmware prints them; print joins with spaces and goes to the device log.
---------------------------------------------------------------------------------------------------
local format_number, write_line = H.format_number, H.write_line

function tostring(...)
  if select("#", ...) == 0 then error("bad argument #1 to 'tostring' (value expected)", 2) end
  local v = ...
  if math_type(v) == "float" then return format_number(v) end
  return raw_tostring(v)
end

function print(...)
  local n = select("#", ...)
  local parts = { ... }
  local ts = G.tostring -- looked up per call, as the firmware's print does
  for i = 1, n do
    local s = ts(parts[i])
    if type(s) ~= "string" then error("'tostring' must return a string to 'print'", 2) end
    parts[i] = s
  end
  write_line(concat(parts, " ", 1, n))
end

string.format = H.format
string.dump = nil

---------------------------------------------------------------------------------------------------
-- Loading code: text chunks only; require searches the file system, then /luadb/, then firmware libs.
---------------------------------------------------------------------------------------------------
local read_source = H.read_source -- (path) -> bytes | nil, errno

function load(chunk, chunkname, mode, ...)
  if type(chunk) == "string" and string_byte(chunk, 1) == 27 then
    return nil, "attempt to load a binary chunk (mode is 't')"
  end
  if select("#", ...) > 0 then return raw_load(chunk, chunkname, "t", (...)) end
  return raw_load(chunk, chunkname, "t")
end
loadstring = load

local function chunk_name(path)
  -- files in /luadb/ read as LuaTools builds them for a module: "main.lua:12:". On a module,
  -- log.style(1) prints "D/main.lua:40" (the firmware skips the first character of the chunk's source,
  -- luat_lib_log.c add_debug_info), so the source is "@main.lua", without the /luadb/ folder.
  if string_sub(path, 1, 7) == "/luadb/" then return "@" .. string_sub(path, 8) end
  return "@" .. path
end

function loadfile(path, mode, ...)
  if path == nil then return nil, "cannot open stdin" end
  local src, errno = read_source(path)
  if src == nil then return nil, "cannot open " .. path .. ": " .. tostring(errno) end
  return load(src, chunk_name(path), mode, ...)
end

function dofile(path)
  local f, err = loadfile(path)
  if f == nil then error(err, 2) end
  return f()
end

local builtin = H.builtin -- (name) -> source of a firmware library, or nil

-- the registry's table, as on the module: C code (luaL_argerror naming a function) looks there
local loaded_modules = registry._LOADED
for k in pairs(loaded_modules) do loaded_modules[k] = nil end

local package = {
  loaded = loaded_modules,
  preload = {},
  path = "/?.luac;/?.lua;/luadb/?.luac;/luadb/?.lua;/lua/?.luac;/lua/?.lua",
  config = "/\n;\n?\n!\n-\n",
}
G.package = package

-- Firmware libraries are stripped bytecode on the module: no file or line in their errors. The
-- firmware's sys.lua is luac output without a source name or line info (luat/vfs/
-- luat_inline_libs_64bit_size32.c), so assert(false, tb) in its error timer adds no "sys.lua:N:".
local function load_stripped(src, name)
  local f, err = raw_load(src, "=" .. name, "t")
  if f == nil then error(err, 0) end
  return raw_load(string_dump(f, true), "=?", "b")
end
P.load_stripped = load_stripped

local function search_preload(name)
  local f = package.preload[name]
  if f == nil then return "\n\tno field package.preload['" .. name .. "']" end
  return f, ":preload:"
end

local function search_files(name)
  local tried = {}
  local base = name:gsub("%.", "/")
  for template in package.path:gmatch("[^;]+") do
    local path = template:gsub("%?", base)
    if path:sub(1, 5) == "/lua/" then
      local src = path:sub(-4) == ".lua" and builtin(base) or nil
      if src ~= nil then return load_stripped(src, base), path end
    else
      local src = read_source(path)
      if src ~= nil then
        local f, err = raw_load(src, chunk_name(path), "t")
        if f == nil then
          error("error loading module '" .. name .. "' from file '" .. path .. "':\n\t" .. err, 3)
        end
        return f, path
      end
    end
    tried[#tried + 1] = "\n\tno file '" .. path .. "'"
  end
  return concat(tried)
end

package.searchers = { search_preload, search_files }

function require(name)
  if type(name) ~= "string" and type(name) ~= "number" then
    error("bad argument #1 to 'require' (string expected, got " .. (name == nil and "no value" or type(name)) .. ")", 2)
  end
  name = tostring(name)
  local loaded = package.loaded
  local v = loaded[name]
  if v ~= nil then return v end
  local msg = {}
  for _, searcher in ipairs(package.searchers) do
    local loader, extra = searcher(name)
    if type(loader) == "function" then
      local r = loader(name, extra)
      if r ~= nil then loaded[name] = r end
      if loaded[name] == nil then loaded[name] = true end
      return loaded[name]
    elseif type(loader) == "string" then
      msg[#msg + 1] = loader
    end
  end
  error("module '" .. name .. "' not found:" .. concat(msg), 2)
end

-- the standard libraries are "already loaded" modules, as in stock Lua
for _, k in ipairs({ "string", "table", "math", "coroutine", "utf8", "debug" }) do
  package.loaded[k] = G[k]
end
package.loaded._G = G

---------------------------------------------------------------------------------------------------
-- rtos.receive: the main loop's one blocking call. In the host coroutine, waiting yields to the host.
-- take() answers: 0 = nothing yet, 3 = let other devices run, 1 = return these values,
-- 2 = call this function with these arguments (a firmware handler such as sys_pub or a callback),
-- 4 = the VM stops now, for this reason (the watchdog bit, or the device stops or reboots).
---------------------------------------------------------------------------------------------------
local take = H.take

local function deliver(kind, ...)
  if kind == 1 then return ... end
  if kind == 2 then
    local f = ...
    f(select(2, ...))
    return
  end
  if kind == 4 then abort_now((...)) end
  co_yield() -- kind 0 or 3: only ever returned to the host coroutine
  return deliver(take(nil, false))
end

P.receive = function(timeout)
  return deliver(take(timeout, true))
end

---------------------------------------------------------------------------------------------------
-- os.exit and rtos.reboot end the VM at once, like the module does.
---------------------------------------------------------------------------------------------------
P.exit = function(code, close)
  if code == true or code == nil then code = 0 elseif code == false then code = 1 end
  if math_type(code) ~= "integer" then
    local n = tointeger(code)
    if n == nil then error("bad argument #1 to 'exit' (number has no integer representation)", 2) end
    code = n
  end
  abort_now("exit", code)
end

P.reboot = function()
  abort_now("reboot")
end

---------------------------------------------------------------------------------------------------
-- log: the firmware's log library. The level also filters the firmware's own (C) log lines.
---------------------------------------------------------------------------------------------------
do
  local set_host_level = H.set_log_level
  local level, style = 1, 0
  local names = { SILENT = 7, DEBUG = 1, INFO = 2, WARN = 3, ERROR = 4 }

  local function tag_text(tag)
    local t = type(tag)
    if t == "string" then return tag end
    if t == "number" then return tostring(tag) end
    return "(null)"
  end

  local function where()
    local info = getinfo(3, "Sl")
    if info == nil or info.source == nil then return nil end
    local line = info.currentline
    if info.source == "=[C]" then line = -1 end
    if line > 65536 then line = 0 end
    return string_sub(info.source, 2) .. ":" .. line
  end

  local function make(limit, letter)
    return function(...)
      if level > limit or select("#", ...) < 1 then return end
      local p = G.print
      if style == 0 then return p(letter .. "/user." .. tag_text((...)), select(2, ...)) end
      if style == 1 then
        local w = where()
        if w == nil then return p(...) end
        return p(letter .. "/" .. w, ...)
      end
      if style == 2 then
        local w = where()
        if w == nil then return p(letter .. "/user." .. tag_text((...)), select(2, ...)) end
        return p(letter .. "/user." .. tag_text((...)), w, select(2, ...))
      end
      return p(...)
    end
  end

  log = {
    LOG_SILENT = 7, LOG_DEBUG = 1, LOG_INFO = 2, LOG_WARN = 3, LOG_ERROR = 4,
    debug = make(1, "D"),
    info = make(2, "I"),
    warn = make(3, "W"),
    error = make(4, "E"),
  }
  log.fatal = log.error

  function log.setLevel(v)
    local n = 0
    if math_type(v) == "integer" then n = v elseif type(v) == "string" then n = names[v] or 0 end
    if n == 0 then n = 7 end
    level = n
    set_host_level(n)
  end

  function log.getLevel() return level end

  function log.style(n)
    if math_type(n) == "integer" then style = n end
    return style
  end
  package.loaded.log = log
end

---------------------------------------------------------------------------------------------------
-- io: the module's file system: "/" is the device's own writable storage, "/luadb/" the project.
---------------------------------------------------------------------------------------------------
do
  local host_path = H.host_path -- (path, for_write) -> host path | nil, errno
  local raw_open, raw_lines, raw_type = stock_io.open, stock_io.lines, stock_io.type

  local function open(path, mode)
    mode = mode or "r"
    if type(path) ~= "string" and type(path) ~= "number" then
      error("bad argument #1 to 'open' (string expected, got " .. (path == nil and "no value" or type(path)) .. ")", 2)
    end
    if type(mode) ~= "string" or not mode:match("^[rwa]%+?b*$") then
      error("bad argument #2 to 'open' (invalid mode)", 2)
    end
    path = tostring(path)
    local hp, errno = host_path(path, mode:find("[wa+]") ~= nil)
    if hp == nil then return nil, path .. ": " .. errno, errno end
    local f, _, code = raw_open(hp, mode)
    if f == nil then return nil, path .. ": " .. tostring(code), code end
    return f
  end

  local io = {
    FILE = 0,
    DIR = 1,
    open = open,
    type = raw_type,
    lines = function(path, ...)
      if path == nil then error("bad argument #1 to 'lines' (string expected, got no value)", 2) end
      local hp, errno = host_path(tostring(path), false)
      local f = hp and raw_open(hp, "r")
      if f == nil then error("cannot open file '" .. tostring(path) .. "' (" .. tostring(errno or 2) .. ")", 2) end
      f:close()
      return raw_lines(hp, ...)
    end,
  }
  for k, v in pairs(H.io_extensions) do io[k] = v end
  G.io = io
  package.loaded.io = io
end

---------------------------------------------------------------------------------------------------
-- What scripts must not reach: the Java bridge, the host's internals, hooks and the registry.
---------------------------------------------------------------------------------------------------
do
  local safe_debug = {
    traceback = traceback,
    getinfo = getinfo,
    getlocal = debug.getlocal,
    getmetatable = debug.getmetatable,
    upvalueid = debug.upvalueid,
  }
  local function user_function(f)
    local info = type(f) == "function" and getinfo(f, "S")
    return info and info.what ~= "C" and info.source ~= "=[C]" and info.source ~= "=?"
  end
  safe_debug.getupvalue = function(f, n)
    if user_function(f) then return debug.getupvalue(f, n) end
  end
  safe_debug.setupvalue = function(f, n, v)
    if user_function(f) then return debug.setupvalue(f, n, v) end
  end
  G.debug = safe_debug
  package.loaded.debug = safe_debug
end

G.java = nil
G.__jthrowable__ = nil

rtos.receive = P.receive
rtos.reboot = P.reboot
do
  local host_meminfo = rtos.meminfo
  local arg_error = registry["airemu.argerror"].describe -- names the caller's call site
  rtos.meminfo = function(t)
    if t ~= nil and type(t) ~= "string" and type(t) ~= "number" then
      error(arg_error(1, "string expected, got " .. type(t)), 2)
    end
    return host_meminfo(t == nil and "lua" or tostring(t), floor(collectgarbage("count") * 1024))
  end
end
os.exit = P.exit
for _, name in ipairs(H.libraries) do package.loaded[name] = G[name] end

return P
