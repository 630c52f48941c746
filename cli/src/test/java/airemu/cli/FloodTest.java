package airemu.cli;

import static airemu.serial.Wire.readLine;
import static airemu.serial.Wire.send;
import static org.assertj.core.api.Assertions.assertThat;

import airemu.serial.Wire;
import com.fazecast.jSerialComm.SerialPort;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A script that logs as fast as it can while viewers are attached that never read: the device is not
 * held back (it logs every line and its timers keep firing), the viewers lose what they could not
 * take, stay attached, and get the newest lines once they read again.
 */
class FloodTest {
  /**
   * 20 MB of log in 1 KB lines: far more than a pty holds (about 14 KB in the kernel plus the port's
   * bounded queue) and more than a loopback socket holds for a reader that never reads (its receive
   * window stays at the default while nothing is read; the send buffer grows to 4 MB at most).
   */
  static final int LINES = 20_000;

  /** "go" on uart 1 starts the flood, anything else ends the run. */
  static final String MAIN = """
      local line = string.rep("x", 1000)
      local function flood()
        for i = 1, %d do
          log.info("flood", i, line)
          if i %% 100 == 0 then sys.wait(1) end -- a timer must fire for the flood to go on
        end
        log.info("flood", "done")
        while true do
          sys.wait(20)
          log.info("flood", "alive")
        end
      end
      uart.setup(1)
      uart.on(1, "receive", function(id, len)
        if uart.read(id, len) == "go" then sys.taskInit(flood) else os.exit(0) end
      end)
      log.info("flood", "ready")
      sys.run()
      """.formatted(LINES);

  @TempDir
  Path dir;

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS) // a guard against a stalled device, not a speed requirement
  void viewersThatNeverReadDoNotHoldTheDeviceBackAndGetTheNewestLinesWhenTheyRead() throws Exception {
    Wire.assumePty();
    Path project = Files.createDirectories(dir.resolve("flood"));
    Files.writeString(project.resolve("main.lua"), MAIN);
    // stdout keeps only the markers: the flood itself need not be held in memory
    try (LiveRun run = LiveRun.start(l -> !l.startsWith("I/user.flood ") || !Character.isDigit(l.charAt(13)),
        "run", "--plain", "--log-port", "pty,tcp:0", "--uart", "1=tcp:0", "--attach-delay", LogPortTest.ATTACH_DELAY,
        "--timeout", "110s", project.toString())) {
      String pty = run.logPort("/dev/");
      int tcp = Integer.parseInt(run.logPort("socket://").replaceAll(".*:", ""));
      int uart = Integer.parseInt(run.awaitErr("airemu: uart1 at socket://127\\.0\\.0\\.1:(\\d+)"));
      run.awaitOut("I/user.flood ready");
      SerialPort ptyViewer = Wire.openSerial(pty);
      try (Socket tcpViewer = new Socket("127.0.0.1", tcp); Socket control = new Socket("127.0.0.1", uart)) {
        tcpViewer.setSoTimeout(Wire.TIMEOUT_MILLIS);
        InputStream ptyIn = new BufferedInputStream(ptyViewer.getInputStream());
        InputStream tcpIn = new BufferedInputStream(tcpViewer.getInputStream());
        Wire.handshake(ptyIn, ptyViewer.getOutputStream()); // attached for sure, and now never read
        Wire.handshake(tcpIn, tcpViewer.getOutputStream());

        send(control.getOutputStream(), "go");
        run.awaitOut("I/user.flood done"); // every line logged, a timer fired every 100 of them
        run.awaitOut("I/user.flood alive");

        int ptyLines = readToAlive(ptyIn);
        assertThat(ptyLines).as("flood lines the pty viewer got").isLessThan(LINES); // the rest were dropped
        readToAlive(tcpIn);
        assertThat(readLine(ptyIn)).isEqualTo("I/user.flood alive\r\n"); // both still attached and fed
        assertThat(readLine(tcpIn)).isEqualTo("I/user.flood alive\r\n");
        send(control.getOutputStream(), "bye");
        assertThat(run.exitCode()).isZero();
      } finally {
        ptyViewer.closePort();
      }
    }
  }

  /** Reads up to a line logged after the flood; returns how many flood lines came before it. */
  private static int readToAlive(InputStream in) throws IOException {
    int flood = 0;
    for (String line; !(line = readLine(in)).equals("I/user.flood alive\r\n"); ) {
      if (line.startsWith("I/user.flood ") && Character.isDigit(line.charAt(13))) flood++;
    }
    return flood;
  }
}
