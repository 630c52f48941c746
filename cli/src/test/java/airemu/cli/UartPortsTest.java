package airemu.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code --uart} and {@code --uart-udp}: the script's UARTs wired to host ports. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class UartPortsTest {
  /** uart 3, so the simulator's ports are 9003 and 19003. */
  static final int UART = 3;

  /** An echo project on uart 3, as a user writes one for the PC simulator. */
  static final String ECHO = """
      uart.setup(3, 115200)
      uart.on(3, "receive", function(id, len)
        local data = uart.read(id, len)
        uart.write(id, data)
        if data == "bye" then os.exit(0) end
      end)
      log.info("echo", "ready")
      sys.run()
      """;

  @TempDir
  Path dir;

  @Test
  void uartUdpIsThePcSimulatorsConventionReceiveOn9000PlusIdSendTo19000PlusId() throws Exception {
    InetAddress loopback = InetAddress.getLoopbackAddress();
    try (DatagramSocket tool = new DatagramSocket(19000 + UART, loopback); // where the simulator always sends
        DatagramSocket sender = new DatagramSocket(0, loopback);
        LiveRun run = LiveRun.start("run", "--plain", "--uart-udp", "--timeout", "50s", project(ECHO))) {
      tool.setSoTimeout((int) LiveRun.WAIT_MILLIS);
      run.awaitErr("airemu: uart3 at (udp://127\\.0\\.0\\.1:9003), sending to udp://127\\.0\\.0\\.1:19003");
      run.awaitOut("I/user.echo ready");

      send(sender, "ping", 9000 + UART); // from any port: the answer still goes to 19000+id
      assertThat(receive(tool)).isEqualTo("ping");
      send(tool, "bye", 9000 + UART);
      assertThat(receive(tool)).isEqualTo("bye");
      assertThat(run.exitCode()).isZero();
    }
  }

  @Test
  void aUartGivenTwiceIsOneLineSayingHowToListSeveralPorts() throws Exception {
    StringWriter err = new StringWriter();
    int code = Main.execute(new PrintWriter(new StringWriter()), new PrintWriter(err), "run", "--uart", "1=tcp:0",
        "--uart", "1=pty", project(ECHO));
    assertThat(code).isEqualTo(ExitCode.USAGE);
    assertThat(err.toString()).isEqualTo(
        "airemu: --uart 1 is given twice; list several ports in one option, e.g. --uart 1=pty,tcp:9001\n");
  }

  private static void send(DatagramSocket from, String text, int port) throws IOException {
    byte[] b = text.getBytes(StandardCharsets.US_ASCII);
    from.send(new DatagramPacket(b, b.length, InetAddress.getLoopbackAddress(), port));
  }

  private static String receive(DatagramSocket socket) throws IOException {
    DatagramPacket p = new DatagramPacket(new byte[1500], 1500);
    socket.receive(p);
    return new String(Arrays.copyOf(p.getData(), p.getLength()), StandardCharsets.US_ASCII);
  }

  private String project(String main) throws IOException {
    Path p = Files.createDirectories(dir.resolve("project"));
    Files.writeString(p.resolve("main.lua"), main);
    return p.toString();
  }
}
