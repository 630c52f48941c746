package airemu.lua;

import static org.assertj.core.api.Assertions.assertThat;

import airemu.config.BoardProfiles;
import airemu.core.Device;
import airemu.netif.Peers;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Arguments of the wrong type, as {@code luat_lib_socket.c} and {@code luat_lib_sntp.c} check them:
 * {@code luaL_check*} and {@code luaL_opt*} raise; an argument read only when {@code lua_isinteger},
 * {@code lua_isstring} or {@code lua_type(L, i) == LUA_TNUMBER} says so is otherwise ignored; a
 * number where a string is read is its text; indices are taken as the C types hold them.
 */
class SocketArgumentsTest {
  private static Peers.Socat udpEcho;

  @BeforeAll
  static void startPeer() {
    udpEcho = Peers.Socat.udpEcho();
  }

  @AfterAll
  static void stopPeer() {
    udpEcho.close();
  }

  private static List<String> run(String script) throws Exception {
    String main = "ECHO = " + udpEcho.port + "\n" + """
        sys.taskInit(function()
          while not socket.adapter(socket.dft()) do sys.waitUntil("IP_READY", 1000) end
        """ + script + """
          os.exit(0)
        end)
        sys.run()
        """;
    try (Emulation emu = Emulation.run(BoardProfiles.find("air8000"), Map.of("main.lua", main), Device.CrashPolicy.STOP, 5000,
        Emulation.TEST_NETWORK)) {
      emu.awaitExit();
      return emu.scriptLines().stream().filter(l -> !l.startsWith("D/net ") && !l.startsWith("D/socket connect")).toList();
    }
  }

  @Test
  void aFailedCreateReturnsOneNilAndAWrongAdapterTypeRaises() throws Exception {
    assertThat(run("""
          log.info("t", select("#", socket.create(99)), socket.create(99), select("#", socket.create(-1)))
          log.info("t", select("#", socket.create(socket.LWIP_ETH))) -- not registered on this board
          log.info("t", pcall(socket.create, "x"))
          log.info("t", pcall(socket.create, 1.5))
        """)).containsExactly("I/user.t 1 nil 1", "adapter index 4 is invalid!", "D/socket create fail", "I/user.t 1",
        "I/user.t false bad argument #1 to 'socket.create' (number expected, got string)",
        "I/user.t false bad argument #1 to 'socket.create' (number has no integer representation)");
  }

  @Test
  void configAndConnectCheckTheirNumbersAndHosts() throws Exception {
    assertThat(run("""
          local c = socket.create()
          log.info("t", pcall(socket.config, c, "x"))
          log.info("t", pcall(socket.config, c, nil, nil, nil, "a"))
          log.info("t", pcall(socket.config, c, nil, nil, nil, 300, 10, {}))
          log.info("t", socket.config(c, nil, 1, "yes")) -- flags count only as booleans: plain TCP
          log.info("t", pcall(socket.connect, c, true, 80))
          log.info("t", pcall(socket.connect, c, "127.0.0.1", 80.5))
        """)).containsExactly("I/user.t false bad argument #2 to 'socket.config' (number expected, got string)",
        "I/user.t false bad argument #5 to 'socket.config' (number expected, got string)",
        "I/user.t false bad argument #7 to 'socket.config' (number expected, got table)",
        "I/user.t true",
        "I/user.t false bad argument #2 to 'socket.connect' (string expected, got boolean)",
        "I/user.t false bad argument #3 to 'socket.connect' (number has no integer representation)");
  }

  @Test
  void txSendsANumberAsItsTextAndChecksTheRest() throws Exception {
    assertThat(run(UDP_CLIENT + """
          log.info("t", "int", socket.tx(u, 12345))
          sys.waitMsg("u", socket.EVENT)
          log.info("t", "echo", echo(u))
          log.info("t", "float", socket.tx(u, 1.5)) -- its text as tostring writes it
          sys.waitMsg("u", socket.EVENT)
          log.info("t", "echo", echo(u))
          log.info("t", pcall(socket.tx, u, {}))
          log.info("t", pcall(socket.tx, u, true))
          log.info("t", pcall(socket.tx, u, "x", nil, "port"))
          log.info("t", pcall(socket.tx, u, "x", "127.0.0.1", ECHO, "flag"))
        """)).containsExactly("I/user.t int true false false", "I/user.t echo true 12345 007F000001 " + udpEcho.port,
        "I/user.t float true false false", "I/user.t echo true 1.5000000000000 007F000001 " + udpEcho.port,
        "I/user.t false bad argument #2 to 'socket.tx' (ZBUFF* expected, got table)",
        "I/user.t false bad argument #2 to 'socket.tx' (ZBUFF* expected, got boolean)",
        "I/user.t false bad argument #4 to 'socket.tx' (number expected, got string)",
        "I/user.t false bad argument #5 to 'socket.tx' (number expected, got string)");
  }

  @Test
  void rxReadAndListenReadTheirLimitsOnlyWhenIntegers() throws Exception {
    assertThat(run(UDP_CLIENT + """
          local other = socket.create()
          log.info("t", "nothing yet", socket.rx(u, other)) -- no data: the buffer is not looked at
          socket.tx(u, "abcdef")
          sys.waitMsg("u", socket.EVENT)
          log.info("t", pcall(socket.rx, u, other))
          local buf = zbuff.create(1)
          local ok, n = socket.rx(u, buf, 0, "3") -- not an integer: no limit
          log.info("t", "rx", ok, n, buf:toStr(0, buf:used()))
          socket.tx(u, "ghijkl")
          sys.waitMsg("u", socket.EVENT)
          log.info("t", "read", echo(u, "2"))
          socket.tx(u, "mnopqr")
          sys.waitMsg("u", socket.EVENT)
          log.info("t", "read", echo(u, 2.0))
          socket.tx(u, "stuvwx")
          sys.waitMsg("u", socket.EVENT)
          log.info("t", "rx", socket.rx(u, buf, 0, 0)) -- an uint32_t: 0 takes nothing, -1 everything
          log.info("t", "read", echo(u, -1))
          local s = socket.create()
          socket.config(s, 0)
          log.info("t", "listen", socket.listen(s, "x"))
        """)).containsExactly("I/user.t nothing yet true 0",
        "I/user.t false bad argument #2 to 'socket.rx' (ZBUFF* expected, got NWCTRL*)",
        "I/user.t rx true 6 abcdef",
        "I/user.t read true ghijkl 007F000001 " + udpEcho.port, "I/user.t read true mnopqr 007F000001 " + udpEcho.port,
        "D/socket 待数据数据长度 6 限制读取长度 0", "I/user.t rx true 0", "I/user.t read true stuvwx 007F000001 " + udpEcho.port,
        "I/user.t listen true false");
  }

  /** A UDP ctrl {@code u} of the task {@code "u"}, online to the echo; {@code echo(u, len)} reads a datagram. */
  private static final String UDP_CLIENT = """
          local u = socket.create(nil, "u")
          sys.taskInitEx(function() end, "u")
          socket.config(u, nil, true)
          socket.connect(u, "127.0.0.1", ECHO)
          sys.waitMsg("u", socket.ON_LINE)
          local function echo(c, len)
            local ok, data, ip, port = socket.read(c, len)
            return ok, data, ip and ip:toHex(), port
          end
      """;

  @Test
  void adapterIndicesAreCheckedAsTheFirmwareReadsThem() throws Exception {
    assertThat(run("""
          log.info("t", "adapter", socket.adapter("1"))
          log.info("t", pcall(socket.adapter, "x"))
          log.info("t", pcall(socket.adapter, 1.5))
          log.info("t", "dft", socket.dft("3")) -- not a number type: only read
          log.info("t", pcall(socket.dft, 1.5))
          log.info("t", "dft", socket.dft(259)) -- an uint8_t: 3
          log.info("t", "dft", socket.dft(socket.LWIP_GP))
          log.info("t", "close_all", socket.close_all("1"), socket.close_all(-1), socket.close_all(257))
          log.info("t", pcall(socket.close_all, 1.5))
          log.info("t", "sntp_port", socket.sntp_port("1234"), socket.sntp_port(65536 + 1234))
          log.info("t", pcall(socket.sntp_port, 1.5))
        """)).containsExactly("I/user.t adapter true 1",
        "I/user.t false bad argument #1 to 'socket.adapter' (number expected, got string)",
        "I/user.t false bad argument #1 to 'socket.adapter' (number has no integer representation)",
        "I/user.t dft 1 3",
        "I/user.t false bad argument #1 to 'socket.dft' (number has no integer representation)",
        "dft adapter change from 1 to 3", "I/user.t dft 3 3",
        "dft adapter change from 3 to 1", "I/user.t dft 1 3",
        "I/user.t close_all false false true",
        "I/user.t false bad argument #1 to 'socket.close_all' (number has no integer representation)",
        "I/user.t sntp_port 123 1234",
        "I/user.t false bad argument #1 to 'socket.sntp_port' (number has no integer representation)");
  }
}
