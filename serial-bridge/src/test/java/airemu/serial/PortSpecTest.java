package airemu.serial;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class PortSpecTest {

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "pty                          | pty",
      "PTY:/tmp/luat0               | pty:/tmp/luat0",
      "tcp:7000                     | tcp:127.0.0.1:7000",
      "tcp:0.0.0.0:7000             | tcp:0.0.0.0:7000",
      "tcp:[::1]:7000               | tcp:[::1]:7000",
      "rfc2217:0                    | rfc2217:127.0.0.1:0",
      "udp:9001                     | udp:127.0.0.1:9001",
      "udp:9001@19001               | udp:127.0.0.1:9001@127.0.0.1:19001",
      "udp:0.0.0.0:9001@[::1]:19001 | udp:0.0.0.0:9001@[::1]:19001",
      "serial:COM5                  | serial:COM5@115200",
      "serial:/dev/ttyUSB0@921600   | serial:/dev/ttyUSB0@921600",
      "serial:/dev/serial/by-path/pci-0000:00:14.0-usb-0:2:1.0@2000000 | serial:/dev/serial/by-path/pci-0000:00:14.0-usb-0:2:1.0@2000000",
  })
  void acceptedFormsParseToTheirCanonicalText(String spec, String canonical) {
    PortSpec parsed = PortSpec.parse(spec);
    assertEquals(canonical, parsed.toString());
    assertEquals(parsed, PortSpec.parse(parsed.toString()));
  }

  @Test
  void partsAreExposedForTheTransports() {
    PortSpec tcp = PortSpec.parse("tcp:7000");
    assertEquals(PortSpec.Kind.TCP, tcp.kind());
    assertEquals("127.0.0.1", tcp.host());
    assertEquals(7000, tcp.port());
    assertNull(PortSpec.parse("pty").path());
    assertEquals(921600, PortSpec.parse("serial:COM3@921600").baud());
    PortSpec simulator = PortSpec.parse("udp:9003@19003");
    assertEquals(9003, simulator.port());
    assertEquals("127.0.0.1", simulator.peerHost());
    assertEquals(19003, simulator.peerPort());
    assertNull(PortSpec.parse("udp:9003").peerHost());
  }

  @Test
  void aListIsCommaSeparated() {
    assertEquals(List.of(PortSpec.parse("pty"), PortSpec.parse("rfc2217:7000")), PortSpec.parseList("pty, rfc2217:7000"));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "com5           | unknown transport \"com5\"",
      "tcp            | PORT is missing",
      "tcp:abc        | PORT must be a number 0-65535, not \"abc\"",
      "rfc2217:70000  | PORT must be a number 0-65535, not \"70000\"",
      "tcp::7000      | HOST is empty",
      "pty:           | PATH is empty",
      "serial:        | NAME is missing",
      "serial:COM5@x  | BAUD must be a number",
      "udp:9001@      | PORT is missing",
      "udp:9001@0     | PEERPORT must be a number 1-65535, not 0",
  })
  void aBadSpecIsOneLineNamingItAndTheAcceptedForms(String spec, String why) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PortSpec.parse(spec));
    String message = e.getMessage();
    assertEquals(-1, message.indexOf('\n'), message);
    assertTrue(message.startsWith("bad port spec \"" + spec + "\": " + why), message);
    assertTrue(message.endsWith("accepted forms: " + PortSpec.FORMS), message);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", " , "})
  void anEmptyListIsAnError(String specs) {
    assertThrows(IllegalArgumentException.class, () -> PortSpec.parseList(specs));
  }

  @Test
  void lineEndingsParse() {
    assertEquals(LogPort.LineEnding.LF, LogPort.LineEnding.parse("LF"));
    assertEquals(LogPort.LineEnding.CRLF, LogPort.LineEnding.parse("crlf"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LogPort.LineEnding.parse("cr"));
    assertEquals("bad line ending \"cr\": expected lf or crlf", e.getMessage());
  }
}
