package airemu.lua;

import static org.assertj.core.api.Assertions.assertThat;

import airemu.config.BoardProfiles;
import airemu.core.Device;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code socket.debug(ctrl, true)} as a module prints it: the adapter layer's own lines for that
 * ctrl, raw and interleaved with the script's, as in a LuaTools log of the firmware
 * ({@code luat_network_adapter.c}, its {@code ctrl->is_debug} lines).
 */
class SocketDebugTest {
  @RegisterExtension static final LoopbackEcho echo = new LoopbackEcho();

  @Test
  void aDebuggedCtrlShowsEveryEventBeforeAndAfterTheStateMachineAndItsLocalPort() throws Exception {
    String main = "PORT = " + echo.port() + "\n" + """
        sys.taskInit(function()
          sys.waitUntil("IP_READY")
          local c = socket.create(nil, function(_, ev, param)
            log.info("cb", ev, param)
            sys.publish("CB", ev)
          end)
          socket.config(c)
          socket.debug(c, true)
          log.info("t", "connect", socket.connect(c, "127.0.0.1", PORT))
          sys.waitUntil("CB")
          socket.tx(c, "hi")
          sys.waitUntil("CB") -- TX_OK
          socket.debug(c, false)
          sys.waitUntil("CB") -- the echo: not debugged any more
          socket.debug(c, "yes") -- only a boolean switches it
          log.info("t", "discon", socket.discon(c))
          sys.waitUntil("CB")
          os.exit(0)
        end)
        sys.run()
        """;
    List<String> lines;
    try (Emulation emu = Emulation.run(BoardProfiles.find("air780epm"), Map.of("main.lua", main), Device.CrashPolicy.STOP, 5000,
        Emulation.TEST_NETWORK)) {
      emu.awaitExit();
      lines = emu.scriptLines();
    }
    String cb = "network_default_socket_callback ";
    assertThat(lines).containsExactly(
        "D/socket connect to 127.0.0.1," + echo.port(),
        "network_socket_connect 1610:network 1-0 local port auto select 51001",
        "D/net adapter 1 connect 127.0.0.1:" + echo.port() + " TCP",
        "I/user.t connect true false",
        cb + "1123:before process socket 0,event:0xf2000009(连接成功),state:3(正在连接),wait:2(等待连接完成)",
        cb + "1127:after process socket 0,state:5(在线),wait:0(无等待)",
        "I/user.cb 33554449 0",
        cb + "1123:before process socket 0,event:0xf2000004(发送成功),state:5(在线),wait:3(等待发送完成)",
        cb + "1127:after process socket 0,state:5(在线),wait:0(无等待)",
        "I/user.cb 33554450 0",
        "I/user.cb 33554452 0",
        "I/user.t discon true false",
        "I/user.cb 33554451 0");
  }
}
