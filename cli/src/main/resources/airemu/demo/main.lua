-- airemu demo: a LuatOS TCP client as it would run on an Air780EPM, in the style of the official
-- socket demos. It waits for the cellular network, syncs the clock over SNTP, then talks to the
-- netlab.luatos.com echo service and reconnects whenever the connection is lost.
-- Under `airemu run`, netlab.luatos.com and the NTP servers are embedded peers on this machine.
PROJECT = "airemu_demo"
VERSION = "1.0.0"

local libnet = require "libnet"

local SERVER, PORT = "netlab.luatos.com", 41506
local taskName = "netlab_client"

log.info("main", PROJECT, VERSION, rtos.bsp(), rtos.version())

sys.subscribe("IP_READY", function(ip, adapter)
    log.info("demo", "network ready", ip, "adapter", adapter)
    socket.sntp()
end)
sys.subscribe("NTP_UPDATE", function()
    log.info("demo", "clock synced", os.date("%Y-%m-%d %H:%M:%S"))
end)

-- messages libnet does not wait for (a task started with taskInitEx gets them here)
local function unhandled(msg)
    log.info("demo", "unhandled", msg[1], msg[2], msg[3], msg[4])
end

sys.taskInitEx(function()
    local rx = zbuff.create(1024)
    local netc = socket.create(nil, taskName)
    socket.config(netc) -- TCP, no TLS
    local sent = 0
    while true do
        libnet.waitLink(taskName, 0, netc)
        if libnet.connect(taskName, 15000, netc, SERVER, PORT) then
            log.info("demo", "connected", SERVER, PORT, socket.remoteIP(netc))
            while true do
                sent = sent + 1
                local msg = string.format("hello %d from %s", sent, PROJECT)
                if not libnet.tx(taskName, 5000, netc, msg) then break end
                local ok = libnet.wait(taskName, 5000, netc)
                if not ok then break end
                local succ, len = socket.rx(netc, rx)
                if not succ then break end
                if len > 0 then
                    log.info("demo", "echo", rx:toStr(0, rx:used()))
                    rx:del()
                end
                sys.wait(2000)
            end
            log.warn("demo", "connection lost, reconnecting")
        else
            log.warn("demo", "connect failed, retrying")
        end
        libnet.close(taskName, 5000, netc)
        sys.wait(3000)
    end
end, taskName, unhandled)

sys.run()
