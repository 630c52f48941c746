-- Training run for the class-data-sharing archive built by 'mvn package' (cli/pom.xml): exercises
-- what a typical project touches at boot and on the network (the embedded peers included), so those
-- classes load from the archive afterwards.
log.info("cds", "training", 1 / 3, json.encode({ a = 1 }), string.format("%5.2f|%d|%s", 1.5, 2, "x"))
sys.taskInit(function()
    sys.wait(10)
    sys.publish("CDS", 1)
end)
sys.taskInit(function()
    local ok = sys.waitUntil("CDS", 1000)
    log.info("cds", "done", ok, os.time() > 0, mcu.ticks() >= 0, rtos.meminfo())
    sys.waitUntil("IP_READY", 10000)
    local netc = socket.create(nil, function(c, e)
        if e == socket.ON_LINE then socket.tx(c, "cds") elseif e == socket.EVENT then os.exit(0) end
    end)
    socket.config(netc)
    socket.connect(netc, "netlab.luatos.com", 41506)
    sys.wait(10000)
    os.exit(0)
end)
sys.run()
