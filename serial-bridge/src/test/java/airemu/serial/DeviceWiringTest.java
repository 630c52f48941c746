package airemu.serial;

import static airemu.serial.Wire.readLine;
import static airemu.serial.Wire.readUntil;
import static airemu.serial.Wire.send;
import static org.junit.jupiter.api.Assertions.assertEquals;

import airemu.core.Clock;
import airemu.core.Device;
import airemu.core.DeviceListener;
import airemu.core.Firmware;
import airemu.core.LogRecord;
import airemu.core.Message;
import airemu.core.Scheduler;
import airemu.core.Step;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The ports wired to a real {@link Device} the way the CLI and the Lua host will: the device's log
 * stream goes to a {@link LogPort}, {@code AT+RESET} reboots the device, and bytes a client sends to a
 * {@link DataPort} reach the firmware through the message bus, which echoes them.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DeviceWiringTest {

  /** Logs a line at each boot and echoes whatever arrives on uart 1. */
  static final class EchoFirmware implements Firmware {
    EchoFirmware(Device device, AtomicReference<DataPort> uart) {
      this.device = device;
      this.uart = uart;
    }

    @Override
    public Step boot() {
      device.log(("I/user.main boot " + device.bootCount() + "\n").getBytes(StandardCharsets.US_ASCII));
      return Step.waitForMail();
    }

    @Override
    public Step resume() {
      for (Message m; (m = device.poll()) != null; ) {
        if (m instanceof UartReceived rx && rx.uartId() == 1) uart.get().write(rx.bytes());
      }
      return Step.waitForMail();
    }

    @Override
    public void close() {}

    private final Device device;
    private final AtomicReference<DataPort> uart;
  }

  @Test
  void logLinesResetAndUartEchoThroughARunningDevice() throws Exception {
    AtomicReference<LogPort> log = new AtomicReference<>();
    AtomicReference<DataPort> uart = new AtomicReference<>();
    BlockingQueue<Integer> boots = new LinkedBlockingQueue<>();
    DeviceListener listener = new DeviceListener() {
      @Override
      public void onLog(Device device, LogRecord record) {
        log.get().write(record);
      }

      @Override
      public void onBoot(Device device, int bootCount) {
        boots.add(bootCount);
      }
    };
    try (Scheduler scheduler = Scheduler.create(Clock.system(), 2)) {
      Device device = scheduler.newDevice(new Device.Options("dev1", Device.CrashPolicy.STOP, 5_000),
          d -> new EchoFirmware(d, uart), listener);
      log.set(LogPort.open(PortSpec.parseList("tcp:0"), Wire.options().withEcho(false).withOnReset(device::requestReboot)));
      uart.set(DataPort.open("uart1", PortSpec.parseList("tcp:0"), FromHost.post(device, 1)));
      try {
        device.start();
        assertEquals(1, boots.poll(Wire.TIMEOUT_MILLIS, TimeUnit.MILLISECONDS));

        try (Socket viewer = connect(log.get().endpoints().get(0));
            Socket terminal = connect(uart.get().endpoints().get(0))) {
          assertEquals("I/user.main boot 1\r\n", readLine(viewer.getInputStream()));

          send(viewer.getOutputStream(), "AT+RESET\r\n");
          assertEquals(List.of("OK\r\n", "I/user.main boot 2\r\n"), readUntil(viewer.getInputStream(), "I/user.main boot 2\r\n"));
          assertEquals(2, boots.poll(Wire.TIMEOUT_MILLIS, TimeUnit.MILLISECONDS));

          send(terminal.getOutputStream(), "ping");
          assertEquals("ping", new String(terminal.getInputStream().readNBytes(4), StandardCharsets.US_ASCII));
        }
        device.stop(0);
        assertEquals(0, device.stopped().get(Wire.TIMEOUT_MILLIS, TimeUnit.MILLISECONDS));
      } finally {
        log.get().close();
        uart.get().close();
      }
    }
  }

  private static Socket connect(Endpoint endpoint) throws IOException {
    Socket s = new Socket("127.0.0.1", endpoint.localPort());
    s.setSoTimeout(Wire.TIMEOUT_MILLIS);
    return s;
  }
}
