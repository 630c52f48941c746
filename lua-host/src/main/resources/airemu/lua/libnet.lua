-- libnet: blocking socket calls for tasks started with sysplus.taskInitEx, as the firmware's
-- script/libs/libnet.lua (version 202607021200) behaves. Written for airemu from that behaviour.
-- Each call issues the socket request, then waits in the task's message queue for the matching event.
local libnet = {}

local VERSION = "202607021200"

-- waits for the event that answers a request; true only for {event, 0}
local function answered(taskName, event, timeout)
  local msg = sysplus.waitMsg(taskName, event, timeout)
  return type(msg) == "table" and msg[2] == 0
end

function libnet.waitLink(taskName, timeout, ...)
  local succ, ready = socket.linkup(...)
  if not succ then return false end
  if ready then return true end
  return answered(taskName, socket.LINK, timeout)
end

function libnet.connect(taskName, timeout, ...)
  local succ, done = socket.connect(...)
  if not succ then return false end
  if done then return true end
  return answered(taskName, socket.ON_LINE, timeout)
end

function libnet.listen(taskName, timeout, ...)
  local succ, done = socket.listen(...)
  if not succ then return false end
  if done then return true end
  return answered(taskName, socket.ON_LINE, timeout)
end

function libnet.tx(taskName, timeout, ...)
  local succ, full, acked = socket.tx(...)
  if not succ then return false, full end
  if full then return true, true end
  if acked then return true, full end
  if answered(taskName, socket.TX_OK, timeout) then return true, false end
  return false, full
end

function libnet.wait(taskName, timeout, netc)
  local succ, pending = socket.wait(netc)
  if not succ then return false, false end
  if pending then return true, true end
  local msg = sysplus.waitMsg(taskName, socket.EVENT, timeout)
  if type(msg) ~= "table" then return true, false end -- timed out: the link is fine, nothing arrived
  if msg[2] == 0 then return true, true end
  return false, false
end

function libnet.close(taskName, timeout, netc)
  local succ, closed = socket.discon(netc)
  if succ and not closed then sysplus.waitMsg(taskName, socket.CLOSED, timeout) end
  socket.close(netc)
end

function libnet.ping(id, ip, timeout, len)
  if not id then
    log.error("libnet.ping", "参数错误：缺少网络适配器编号(id)")
    return false
  end
  if not ip then
    log.error("libnet.ping", "参数错误：缺少目标IP地址(ip)")
    return false
  end
  if not netdrv.ping(id, ip, len or 128) then
    log.warn("libnet.ping", "ping请求发送失败", "目标:", ip)
    return false
  end
  local ok, _, ms, dst = sys.waitUntil("PING_RESULT", timeout or 5000)
  if ok and ms and ms > 0 then
    log.info("libnet.ping", "ping成功", "目标:", dst, "耗时:", ms, "ms")
    return true
  end
  log.warn("libnet.ping", "ping失败", "目标:", ip)
  return false
end

function libnet.version()
  return VERSION
end

log.debug("libnet", "version -> " .. VERSION)

return libnet
