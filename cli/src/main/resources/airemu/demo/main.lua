-- airemu demo: a LuatOS project as it would run on an Air780EPM.
PROJECT = "airemu_demo"
VERSION = "1.0.0"

log.info("main", PROJECT, VERSION, rtos.bsp(), rtos.version())

-- a task that waits on a timer and publishes what it measured
sys.taskInit(function()
    local n = 0
    while true do
        sys.wait(1000)
        n = n + 1
        sys.publish("TICK", n, mcu.ticks())
    end
end)

-- a task that waits for those messages
sys.taskInit(function()
    while true do
        local ok, n, ticks = sys.waitUntil("TICK", 5000)
        if ok then
            log.info("demo", "tick", n, "uptime ms", ticks, "lua heap", rtos.meminfo())
        else
            log.warn("demo", "no tick within 5 s")
        end
    end
end)

-- a callback timer, json and the firmware's own number format
sys.timerLoopStart(function()
    log.info("demo", json.encode({ uptime = mcu.ticks() // 1000, ratio = 1 / 3 }), 10 / 4)
end, 3000)

sys.run()
