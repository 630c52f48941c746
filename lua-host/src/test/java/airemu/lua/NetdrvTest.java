package airemu.lua;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code netdrv}: lwIP network devices, Ethernet set up by the script, and ping (luat_lib_netdrv.c, luat_lib_icmp.c). */
class NetdrvTest {

  private static List<String> run(String board, String script) {
    try (Emulation emu = Emulation.run(board, script)) {
      emu.awaitExit();
      return emu.scriptLines();
    }
  }

  @Test
  void ethernetSetUpWithDhcpLeasesAnAddressAndBecomesTheLastRegisteredAdapter() {
    List<String> lines = run("air8101", """
        sys.taskInit(function()
          local eth = socket.LWIP_ETH
          log.info("t", netdrv.ready(eth), netdrv.link(eth), netdrv.dhcp(eth, true))
          log.info("t", netdrv.setup(eth), netdrv.dhcp(eth, true), netdrv.link(eth), netdrv.ipv4(eth))
          log.info("t", socket.dft())
          local _, ip, adapter = sys.waitUntil("IP_READY")
          local addr, mask, gw = netdrv.ipv4(eth)
          log.info("t", adapter == eth, addr == ip, mask, gw, netdrv.link(eth), netdrv.ready(eth), #netdrv.mac(eth), #netdrv.mac(eth, nil, false))
          log.info("t", netdrv.setup(eth, 64), netdrv.setup(socket.LWIP_STA), netdrv.dhcp(socket.LWIP_STA, false))
          os.exit(0)
        end)
        sys.run()
        """);
    String dhcp = lines.stream().filter(l -> l.startsWith("DHCP ready")).findFirst().orElseThrow();
    assertThat(dhcp).matches("DHCP ready adapter=4 IP=192\\.168\\.2\\.\\d+ gw=192\\.168\\.2\\.1");
    assertThat(lines).containsExactly("I/user.t nil nil false", "I/user.t true true false 0.0.0.0 0.0.0.0 0.0.0.0", "I/user.t 2 4", dhcp,
        "I/user.t true true 255.255.255.0 192.168.2.1 true true 12 6", "W/netdrv 无效的注册id或类型 id=4, impl=64",
        "I/user.t false true true");
  }

  @Test
  void aStaticAddressIsCheckedAndUsedOnceTheLinkIsUp() {
    assertThat(run("air780epm", """
        sys.taskInit(function()
          local eth = socket.LWIP_ETH
          netdrv.setup(eth, netdrv.CH390, {spi = 0, cs = 8})
          log.info("t", select("#", netdrv.ipv4(eth, "192.168.5.300", "255.255.255.0", "192.168.5.1")))
          log.info("t", select("#", netdrv.ipv4(eth, "192.168.5.2", "255.255.255.x", "192.168.5.1")))
          log.info("t", netdrv.ipv4(eth, "192.168.5.2", "255.255.255.0", "192.168.5.1"))
          repeat local _, ip, adapter = sys.waitUntil("IP_READY") until adapter == eth
          log.info("t", netdrv.ready(eth), socket.localIP(eth))
          log.info("t", netdrv.dhcp(socket.LWIP_GP, true), pcall(netdrv.ipv4, "x"))
          os.exit(0)
        end)
        sys.run()
        """)).containsExactly("W/netdrv 非法IP[4] 192.168.5.300 0", "I/user.t 0", "W/netdrv 非法MARK[4] 255.255.255.x 0",
        "I/user.t 0", "I/user.t 192.168.5.2 255.255.255.0 192.168.5.1", "I/user.t true 192.168.5.2 255.255.255.0 192.168.5.1 nil",
        "W/netdrv 该netdrv不支持设置dhcp开关", "I/user.t false false bad argument #1 to 'netdrv.ipv4' (number expected, got string)");
  }

  @Test
  void aPingFromAReadyAdapterPublishesTheResult() {
    assertThat(run("air780epm", """
        sys.subscribe("PING_RESULT", function(id, ms, ip) log.info("pub", "PING_RESULT", id, math.type(ms), ms > 0, ip) end)
        sys.taskInit(function()
          sys.waitUntil("IP_READY")
          log.info("t", netdrv.ping(socket.LWIP_GP, "127.0.0.1"))
          local ok, id, _, ip = sys.waitUntil("PING_RESULT", 10000)
          log.info("t", ok, id, ip)
          log.info("t", select("#", netdrv.ping(socket.LWIP_GP, "localhost")), select("#", netdrv.ping(socket.LWIP_ETH, {})))
          os.exit(0)
        end)
        sys.run()
        """)).containsExactly("I/user.t 1", "I/user.pub PING_RESULT 1 integer true 127.0.0.1", "I/user.t true 1 127.0.0.1",
        "W/icmp 目标地址非法 localhost", "W/icmp icmp初始化失败", "I/user.t 0 0");
  }

  @Test
  void libnetPingIsTrueForAHostThatAnswersAndFalseOtherwise() {
    List<String> lines = run("air780epm", """
        local libnet = require "libnet"
        sys.taskInit(function()
          sys.waitUntil("IP_READY")
          log.info("t", libnet.ping(socket.LWIP_GP, "127.0.0.1"))
          mobile.flymode(0, true)
          sys.waitUntil("IP_LOSE")
          log.info("t", libnet.ping(socket.LWIP_GP, "127.0.0.1", 300)) -- no bearer: the request is never sent
          log.info("t", libnet.ping(nil, "127.0.0.1"), libnet.ping(socket.LWIP_GP), libnet.ping(socket.LWIP_ETH, "127.0.0.1"))
          os.exit(0)
        end)
        sys.run()
        """).stream().filter(l -> !l.startsWith("D/user.libnet")).toList();
    String answered = lines.get(0);
    assertThat(answered).matches("I/user\\.libnet\\.ping ping成功 目标: 127\\.0\\.0\\.1 耗时: [1-9]\\d* ms");
    assertThat(lines).containsExactly(answered, "I/user.t true", "W/user.libnet.ping ping失败 目标: 127.0.0.1", "I/user.t false",
        "E/user.libnet.ping 参数错误：缺少网络适配器编号(id)", "E/user.libnet.ping 参数错误：缺少目标IP地址(ip)",
        "W/icmp icmp初始化失败", "W/user.libnet.ping ping请求发送失败 目标: 127.0.0.1", "I/user.t false false false");
  }

  @Test
  void boardsWithoutEthernetHaveNoNetdrv() {
    assertThat(run("air780e", "log.info('t', netdrv) os.exit(0)")).containsExactly("I/user.t nil");
  }
}
