-- sys: the LuatOS task scheduler as the firmware ships it (script/corelib/sys.lua, SCRIPT_LIB_VER 2.3.2,
-- with sysplus merged in). Written for airemu from the firmware's observable behaviour; the firmware
-- loads it as stripped bytecode, and so does airemu (no file:line in its own errors).
local sys = {}

local rtos, log, coroutine, debug, table = rtos, log, coroutine, debug, table
local type, pairs, ipairs, next, select, unpack, rawget, setmetatable = type, pairs, ipairs, next, select, table.unpack, rawget, setmetatable

_G.SCRIPT_LIB_VER = "2.3.2"
_G.COROUTINE_ERROR_ROLL_BACK = true -- read when a task fails: kill the VM 500 ms later
_G.COROUTINE_ERROR_RESTART = true   -- read when a task fails and ROLL_BACK is off: reboot at once

local TASK_TIMER_ID_MAX = 0x1FFFFF -- task timers (sys.wait): 1 .. 0x1FFFFE, then 0
local MSG_TIMER_ID_MAX = 0x7FFFFF  -- callback timers: 0x200000 .. 0x7FFFFF, cycling

local taskTimerId = 0
local msgId = TASK_TIMER_ID_MAX
local timerPool = {}   -- id -> waiting coroutine (task timer) or callback (message timer)
local para = {}        -- id -> callback arguments
local subscribers = {} -- topic -> set of functions and coroutines
local queue, qhead, qtail = {}, 1, 0 -- published messages, dispatched by the main loop
local taskList = {}    -- task name -> {msgQueue, To, cb}

function sys.check_task()
  local co, ismain = coroutine.running()
  if ismain then error(debug.traceback("attempt to yield from outside a coroutine")) end
  return co
end

local function coresume_result(co, ok, ...)
  if not ok then
    local err = ...
    local tb = debug.traceback(co)
    local traceBack
    if tb == nil or tb == "" then traceBack = err else traceBack = err .. "\r\n" .. tb end
    log.error("coroutine.resume", traceBack)
    if _G.COROUTINE_ERROR_ROLL_BACK then
      sys.timerStart(assert, 500, false, traceBack)
    elseif _G.COROUTINE_ERROR_RESTART then
      rtos.reboot()
    end
  end
  return ok, ...
end

function sys.coresume(co, ...)
  return coresume_result(co, coroutine.resume(co, ...))
end

function sys.wait(ms)
  local co = sys.check_task()
  repeat
    if taskTimerId >= TASK_TIMER_ID_MAX - 1 then taskTimerId = 0 else taskTimerId = taskTimerId + 1 end
  until timerPool[taskTimerId] == nil
  local id = taskTimerId
  timerPool[id] = co
  if rtos.timer_start(id, ms) ~= 1 then
    log.debug("rtos.timer_start error")
    return
  end
  local message = { coroutine.yield() }
  if #message ~= 0 then
    rtos.timer_stop(id)
    timerPool[id] = nil
    return unpack(message)
  end
end

function sys.waitUntil(id, ms)
  local co = sys.check_task()
  sys.subscribe(id, co)
  local message = ms and { sys.wait(ms) } or { coroutine.yield() }
  sys.unsubscribe(id, co)
  return message[1] ~= nil, unpack(message, 2, #message)
end

function sys.waitUntilExt(id, ms)
  local co = sys.check_task()
  sys.subscribe(id, co)
  local message = ms and { sys.wait(ms) } or { coroutine.yield() }
  sys.unsubscribe(id, co)
  if message[1] ~= nil then return unpack(message) end
  return false
end

function sys.waitUntilMsg(id)
  local co = sys.check_task()
  sys.subscribe(id, co)
  local message = { coroutine.yield() }
  sys.unsubscribe(id, co)
  return unpack(message, 2, #message)
end

function sys.taskInit(fun, ...)
  local co = coroutine.create(fun)
  sys.coresume(co, ...)
  return co
end

-- call arguments against stored ones: same length, elements equal one by one
local function sameArgs(args, stored)
  if stored == nil then return #args == 0 end
  if #args ~= #stored then return false end
  for i = 1, #args do
    if args[i] ~= stored[i] then return false end
  end
  return true
end

local function isCallback(v, fnc)
  return v == fnc or (type(v) == "table" and v.cb == fnc)
end

function sys.timerStop(val, ...)
  if type(val) == "number" then
    timerPool[val], para[val] = nil, nil
    rtos.timer_stop(val)
    return
  end
  local args = { ... }
  for k, v in pairs(timerPool) do
    if isCallback(v, val) and sameArgs(args, para[k]) then
      rtos.timer_stop(k)
      timerPool[k], para[k] = nil, nil
      break
    end
  end
end

function sys.timerStopAll(fnc)
  for k, v in pairs(timerPool) do
    if isCallback(v, fnc) then
      rtos.timer_stop(k)
      timerPool[k], para[k] = nil, nil
    end
  end
end

function sys.timerAdvStart(fnc, ms, _repeat, ...)
  local args = { ... }
  if #args == 0 then sys.timerStop(fnc) else sys.timerStop(fnc, ...) end
  repeat
    if msgId >= MSG_TIMER_ID_MAX then msgId = TASK_TIMER_ID_MAX end
    msgId = msgId + 1
  until timerPool[msgId] == nil
  local id = msgId
  timerPool[id] = fnc
  if rtos.timer_start(id, ms, _repeat) ~= 1 then
    log.error("rtos.timer_start", "create fail!!!")
    return
  end
  if #args ~= 0 then para[id] = args end
  return id
end

function sys.timerStart(fnc, ms, ...)
  return sys.timerAdvStart(fnc, ms, 0, ...)
end

function sys.timerLoopStart(fnc, ms, ...)
  return sys.timerAdvStart(fnc, ms, -1, ...)
end

function sys.timerIsActive(val, ...)
  if type(val) == "number" then return timerPool[val] end
  local args = { ... }
  for k, v in pairs(timerPool) do
    if v == val and sameArgs(args, para[k]) then return true end
  end
end

function sys.subscribe(id, callback)
  if type(id) == "table" then
    for _, v in pairs(id) do sys.subscribe(v, callback) end
    return
  end
  local set = subscribers[id]
  if set == nil then
    set = {}
    subscribers[id] = set
  end
  set[callback] = true
end

function sys.unsubscribe(id, callback)
  if type(id) == "table" then
    for _, v in pairs(id) do sys.unsubscribe(v, callback) end
    return
  end
  local set = subscribers[id]
  if set == nil then return end
  set[callback] = nil
  if next(set) == nil then subscribers[id] = nil end
end

function sys.publish(...)
  qtail = qtail + 1
  queue[qtail] = { ... }
end

local function dispatch()
  if qhead > qtail then return end
  while qhead <= qtail do
    local message = queue[qhead]
    queue[qhead] = nil
    qhead = qhead + 1
    local set = subscribers[message[1]]
    if set then
      local snapshot = {}
      for cb in pairs(set) do snapshot[#snapshot + 1] = cb end
      for _, cb in ipairs(snapshot) do
        if type(cb) == "function" then
          cb(unpack(message, 2, #message))
        elseif type(cb) == "thread" then
          sys.coresume(cb, unpack(message))
        end
      end
    end
  end
  qhead, qtail = 1, 0 -- every slot was cleared above: reuse the table
end

function sys.safeRun()
  dispatch()
  local msg, param, exparam = rtos.receive(rtos.INF_TIMEOUT)
  if not msg or msg == 0 then return end
  if msg == rtos.MSG_TIMER and timerPool[param] then
    if param < TASK_TIMER_ID_MAX then
      local co = timerPool[param]
      timerPool[param] = nil
      sys.coresume(co)
    else
      local cb = timerPool[param]
      if exparam == 0 then timerPool[param] = nil end
      local args = para[param]
      if args ~= nil then
        if exparam == 0 then para[param] = nil end
        cb(unpack(args))
      else
        cb()
      end
    end
  end
end

if _G.SYSP then
  function sys.run() end
else
  function sys.run()
    while true do sys.safeRun() end
  end
end

---------------------------------------------------------------------------------------------------
-- Task message queues (formerly sysplus): tasks started with taskInitEx own a named queue.
---------------------------------------------------------------------------------------------------

function sys.taskInitEx(fun, taskName, cbFun, ...)
  if taskName == nil then
    log.error("sys", "taskName is nil", debug.traceback())
    return
  end
  taskList[taskName] = { msgQueue = {}, To = false, cb = cbFun }
  return sys.taskInit(fun, ...)
end

function sys.taskDel(taskName)
  taskList[taskName] = nil
end

local function waitTo(taskName)
  local task = taskList[taskName]
  if task then task.To = true end
  sys.publish(taskName)
end

function sys.sendMsg(taskName, param1, param2, param3, param4)
  local task = taskList[taskName]
  if task == nil then return false end
  table.insert(task.msgQueue, { param1, param2, param3, param4 })
  sys.publish(taskName)
  return true
end

function sys.waitMsg(taskName, target, ms)
  local task = taskList[taskName]
  if task == nil then
    log.error("sys", "sys.taskInitEx启动的task才能使用waitMsg")
    return false
  end
  local msg
  while #task.msgQueue > 0 do
    msg = table.remove(task.msgQueue, 1)
    if target == nil or msg[1] == target then return msg end
    if type(task.cb) == "function" then task.cb(msg) end
  end
  msg = nil
  local co = coroutine.running()
  sys.subscribe(taskName, co)
  sys.timerStop(waitTo, taskName)
  if ms and ms ~= 0 then sys.timerStart(waitTo, ms, taskName) end
  task.To = false
  local done = false
  while not done do
    coroutine.yield()
    if #task.msgQueue > 0 then
      local m = table.remove(task.msgQueue, 1)
      if target == nil or m[1] == target then
        msg = m
        done = true
      elseif type(task.cb) == "function" then
        task.cb(m)
      end
    elseif task.To then
      done = true
    end
  end
  if task.To then msg = nil end
  task.To = false
  sys.timerStop(waitTo, taskName)
  sys.unsubscribe(taskName, co)
  return msg
end

function sys.cleanMsg(taskName)
  local task = taskList[taskName]
  if task == nil then return false end
  task.msgQueue = {}
  return true
end

function sys.taskCB(taskName, msg)
  local task = taskList[taskName]
  if task and type(task.cb) == "function" then
    task.cb(msg)
  else
    log.error(taskName, "no cb fun")
  end
end

---------------------------------------------------------------------------------------------------
-- sys_cw: the wait object that asynchronous firmware calls return (obj.wait(), obj.cb(f)).
---------------------------------------------------------------------------------------------------
local cwaitMt = {
  __index = function(t, k)
    if k == "wait" then
      return function()
        local r = rawget(t, "r")
        if r then return unpack(r) end
        return sys.waitUntilMsg(rawget(t, "w"))
      end
    elseif k == "cb" then
      return function(f)
        if type(f) ~= "function" then return end
        sys.taskInit(function()
          local r = rawget(t, "r")
          if r then f(unpack(r)) else f(sys.waitUntilMsg(rawget(t, "w"))) end
        end)
      end
    end
  end,
}

function _G.sys_cw(w, ...)
  local r
  if select("#", ...) > 0 then r = { ... } end
  return setmetatable({ w = w, r = r }, cwaitMt)
end

_G.sys_pub = sys.publish
_G.sys_send = sys.sendMsg
_G.sys_wait = sys.waitMsg

return sys
