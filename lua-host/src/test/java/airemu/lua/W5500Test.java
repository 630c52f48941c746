package airemu.lua;

import static org.assertj.core.api.Assertions.assertThat;

import airemu.config.BoardProfiles;
import airemu.core.Device;
import airemu.netif.NetStack;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code w5500}: a W5500 on the Air780E's SPI registered as {@code ETH0}, carrying a socket to a real
 * echo peer while its cable is pulled and plugged back from outside (luat_lib_w5500.c, spec 6.1, 6.2).
 */
class W5500Test {
  private static final int ETH0 = 5; // socket.ETH0 in the numbering of firmware built before 2025-01-12 (spec 1.2)
  @RegisterExtension static final LoopbackEcho echo = new LoopbackEcho();

  @Test
  void theChipRegistersAsEth0AndItsCableDropsAndRestoresTheLink() throws Exception {
    String main = "PORT = " + echo.port() + "\n" + """
        for _, topic in ipairs({"W5500_IND", "IP_READY", "IP_LOSE"}) do
          sys.subscribe(topic, function(...)
            local args = {...}
            if args[#args] ~= socket.LWIP_GP then log.info("pub", topic, ...) end
          end)
        end
        local function client(name)
          local netc = socket.create(socket.ETH0, function(_, ev, param)
            log.info("cb", name, ev == socket.ON_LINE and "ON_LINE" or ev == socket.EVENT and "EVENT" or ev, param)
            sys.publish("CB_" .. name, ev, param)
          end)
          socket.config(netc)
          socket.connect(netc, "127.0.0.1", PORT)
          return netc
        end
        sys.taskInit(function()
          log.info("t", w5500.config("192.168.1.2", "255.255.255.0", "192.168.1.1"))
          w5500.init(0, 24000000, 8, 9, 10)
          log.info("t", w5500.config(nil, nil, nil, string.fromHex("102a3b4c5d6e")), w5500.getMac():toHex())
          log.info("t", socket.create(socket.ETH0))
          w5500.bind(socket.ETH0)
          repeat local _, _, adapter = sys.waitUntil("IP_READY") until adapter == socket.ETH0
          local a = client("a")
          sys.waitUntil("CB_a")
          socket.wait(a)
          log.info("t", "online", socket.state(a))
          sys.waitUntil("CB_a")
          log.info("t", "unplugged", socket.adapter(socket.ETH0))
          repeat local _, _, adapter = sys.waitUntil("IP_READY") until adapter == socket.ETH0
          sys.waitUntil("CB_a")
          local b = client("b")
          sys.waitUntil("CB_b")
          os.exit(0)
        end)
        sys.run()
        """;
    try (Emulation emu = Emulation.run(BoardProfiles.find("air780e"), Map.of("main.lua", main), Device.CrashPolicy.STOP, 5000,
        Emulation.TEST_NETWORK)) {
      emu.awaitLine(l -> l.startsWith("I/user.t online"));
      NetStack net = emu.network();
      net.setLink(ETH0, false); // the cable pulled, from the test's thread
      emu.awaitLine(l -> l.startsWith("I/user.t unplugged"));
      net.setLink(ETH0, true);
      emu.awaitExit();
      List<String> lines = emu.scriptLines();
      String ready = lines.stream().filter(l -> l.startsWith("I/user.pub IP_READY")).findFirst().orElseThrow();
      assertThat(ready).matches("I/user.pub IP_READY 192\\.168\\.3\\.\\d+ " + ETH0);
      assertThat(lines).containsExactly("D/w5500 device no ready", "I/user.t false", "D/w5500 cs 8 irq 9 reset 10 link 255",
          "I/user.t true 102A3B4C5D6E 12", "adapter index " + ETH0 + " is invalid!", "D/socket create fail", "I/user.t nil",
          "I/user.pub W5500_IND CABLE_INSERT", "D/W5500 network ready", ready,
          "D/socket connect to 127.0.0.1," + echo.port(), "D/net adapter " + ETH0 + " connect 127.0.0.1:" + echo.port() + " TCP",
          "I/user.cb a ON_LINE 0", "I/user.t online 5 在线",
          "I/user.pub W5500_IND CABLE_REMOVE", "I/user.pub IP_LOSE " + ETH0, "I/user.cb a EVENT -1", "I/user.t unplugged false " + ETH0,
          "I/user.pub W5500_IND CABLE_INSERT", "D/W5500 network ready", ready, "I/user.cb a EVENT -1",
          "D/socket connect to 127.0.0.1," + echo.port(), "D/net adapter " + ETH0 + " connect 127.0.0.1:" + echo.port() + " TCP",
          "I/user.cb b ON_LINE 0");
    }
  }

  @Test
  void bindingMakesEth0TheLastRegisteredAdapterWhichAFirmwareOf2025Shows() {
    // the 2024 firmware has no socket.dft to show it (spec 2.22); an Air780E flashed with a later build does
    String main = """
        log.info("t", socket.dft())
        w5500.init(0, 24000000, 8, 9, 10)
        w5500.bind(socket.ETH0)
        log.info("t", socket.ETH0, socket.dft())
        os.exit(0)
        """;
    try (Emulation emu = Emulation.run(Emulation.builtOn("air780e", "Oct  1 2025 10:00:00"), Map.of("main.lua", main),
        Device.CrashPolicy.STOP, 5000)) {
      emu.awaitExit();
      assertThat(emu.scriptLines()).containsExactly("I/user.t 1 1", "D/w5500 cs 8 irq 9 reset 10 link 255", "I/user.t 16 1 16");
    }
  }

  @Test
  void onlyTheAir780eCarriesOne() {
    try (Emulation emu = Emulation.run("air780epm", "log.info('t', w5500) os.exit(0)")) {
      emu.awaitExit();
      assertThat(emu.scriptLines()).containsExactly("I/user.t nil");
    }
  }
}
