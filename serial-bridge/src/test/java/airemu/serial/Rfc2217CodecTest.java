package airemu.serial;

import static airemu.serial.Rfc2217Codec.BINARY;
import static airemu.serial.Rfc2217Codec.COM_PORT;
import static airemu.serial.Rfc2217Codec.DO;
import static airemu.serial.Rfc2217Codec.DONT;
import static airemu.serial.Rfc2217Codec.ECHO;
import static airemu.serial.Rfc2217Codec.IAC;
import static airemu.serial.Rfc2217Codec.SB;
import static airemu.serial.Rfc2217Codec.SE;
import static airemu.serial.Rfc2217Codec.SGA;
import static airemu.serial.Rfc2217Codec.WILL;
import static airemu.serial.Rfc2217Codec.WONT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import airemu.core.LogRecord;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Telnet option negotiation, COM-PORT-OPTION answers and IAC escaping, byte for byte. */
class Rfc2217CodecTest {
  /** Server answer codes are the client's + 100 (RFC 2217 section 3). */
  static final int SERVER_SET_BAUDRATE = 101, SERVER_SET_DATASIZE = 102, SERVER_SET_PARITY = 103;
  static final int SERVER_SET_STOPSIZE = 104, SERVER_SET_CONTROL = 105, SERVER_NOTIFY_MODEMSTATE = 107;
  static final int SERVER_PURGE_DATA = 112;

  private EmbeddedChannel channel;
  private final List<Object> events = new ArrayList<>();

  @BeforeEach
  void connect() {
    channel = new EmbeddedChannel(new Rfc2217Codec(), new ChannelInboundHandlerAdapter() {
      @Override
      public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        events.add(evt);
      }
    });
  }

  @Test
  void onConnectTheServerOffersBinaryAndComPortAndAsksForBinary() {
    assertArrayEquals(bytes(IAC, WILL, BINARY, IAC, DO, BINARY, IAC, WILL, COM_PORT), drainOutbound());
  }

  @Test
  void itAgreesToWhatPyserialAsksAndRefusesEcho() {
    drainOutbound();
    // pyserial 3.5 opens with: DO ECHO, WILL SGA, DO SGA, DO COM_PORT, WILL COM_PORT
    channel.writeInbound(buf(IAC, DO, ECHO, IAC, WILL, SGA, IAC, DO, SGA, IAC, DO, COM_PORT, IAC, WILL, COM_PORT));
    assertArrayEquals(bytes(
        IAC, WONT, ECHO,
        IAC, DO, SGA,
        IAC, WILL, SGA,
        // DO COM_PORT answers our own WILL: no reply, but COM-PORT-OPTION is now on, so the modem lines go out
        IAC, SB, COM_PORT, SERVER_NOTIFY_MODEMSTATE, 0xB0, IAC, SE,
        IAC, DO, COM_PORT), drainOutbound());
    // ... and its answers to our requests need no answer back
    channel.writeInbound(buf(IAC, DO, BINARY, IAC, WILL, BINARY));
    assertArrayEquals(new byte[0], drainOutbound());
    assertTrue(events.contains(Rfc2217Codec.NEGOTIATION));
    assertNull(channel.readInbound(), "commands must not reach the data stream");
  }

  @Test
  void aRefusalIsNotAnsweredButTurningAnAgreedOptionOffIs() {
    drainOutbound();
    channel.writeInbound(buf(IAC, DONT, BINARY)); // refuses our WILL BINARY
    assertArrayEquals(new byte[0], drainOutbound());
    channel.writeInbound(buf(IAC, WILL, SGA)); // agreed ...
    drainOutbound();
    channel.writeInbound(buf(IAC, WONT, SGA)); // ... then withdrawn
    assertArrayEquals(bytes(IAC, DONT, SGA), drainOutbound());
  }

  @Test
  void portSettingsAreAcknowledgedWithTheirValues() {
    drainOutbound();
    channel.writeInbound(buf(
        IAC, SB, COM_PORT, 1, 0x00, 0x0E, 0x10, 0x00, IAC, SE, // baud 921600
        IAC, SB, COM_PORT, 2, 8, IAC, SE, // 8 data bits
        IAC, SB, COM_PORT, 3, 1, IAC, SE, // no parity
        IAC, SB, COM_PORT, 4, 1, IAC, SE, // 1 stop bit
        IAC, SB, COM_PORT, 5, 1, IAC, SE, // no flow control
        IAC, SB, COM_PORT, 12, 1, IAC, SE)); // purge receive buffer
    assertArrayEquals(bytes(
        IAC, SB, COM_PORT, SERVER_SET_BAUDRATE, 0x00, 0x0E, 0x10, 0x00, IAC, SE,
        IAC, SB, COM_PORT, SERVER_SET_DATASIZE, 8, IAC, SE,
        IAC, SB, COM_PORT, SERVER_SET_PARITY, 1, IAC, SE,
        IAC, SB, COM_PORT, SERVER_SET_STOPSIZE, 1, IAC, SE,
        IAC, SB, COM_PORT, SERVER_SET_CONTROL, 1, IAC, SE,
        IAC, SB, COM_PORT, SERVER_PURGE_DATA, 1, IAC, SE), drainOutbound());
  }

  @Test
  void queriesAnswerTheCurrentValueAndAnFfInAValueIsEscapedBothWays() {
    drainOutbound();
    channel.writeInbound(buf(IAC, SB, COM_PORT, 1, 0x00, 0x00, IAC, IAC, IAC, IAC, IAC, SE)); // baud 65535
    channel.writeInbound(buf(IAC, SB, COM_PORT, 1, 0, 0, 0, 0, IAC, SE)); // what is the baud?
    channel.writeInbound(buf(IAC, SB, COM_PORT, 5, 7, IAC, SE)); // what is DTR?
    assertArrayEquals(bytes(
        IAC, SB, COM_PORT, SERVER_SET_BAUDRATE, 0x00, 0x00, IAC, IAC, IAC, IAC, IAC, SE,
        IAC, SB, COM_PORT, SERVER_SET_BAUDRATE, 0x00, 0x00, IAC, IAC, IAC, IAC, IAC, SE,
        IAC, SB, COM_PORT, SERVER_SET_CONTROL, 8, IAC, SE), drainOutbound()); // DTR on
  }

  @Test
  void inboundDataLosesItsTelnetCommandsAndKeepsEscapedFf() {
    drainOutbound();
    channel.writeInbound(buf('A', IAC, 241 /* NOP */, 'T', IAC, IAC, IAC, SB, COM_PORT, 2, 8, IAC, SE, '\r', '\n'));
    assertArrayEquals(bytes('A', 'T', 0xFF, '\r', '\n'), readInbound());
  }

  @Test
  void aCommandSplitAcrossReadsIsStillACommand() {
    drainOutbound();
    channel.writeInbound(buf('x', IAC));
    channel.writeInbound(buf(WILL));
    channel.writeInbound(buf(SGA, 'y'));
    assertArrayEquals(bytes('x', 'y'), readInbound());
    assertArrayEquals(bytes(IAC, DO, SGA), drainOutbound());
  }

  @Test
  void outboundFfIsDoubled() {
    drainOutbound();
    channel.writeOutbound(buf('a', 0xFF, 'b', 0xFF));
    assertArrayEquals(bytes('a', IAC, IAC, 'b', IAC, IAC), drainOutbound());
  }

  @Test
  void overRealTcpTheLogPortSpeaksTelnetAndEscapesFf() throws Exception {
    try (LogPort port = LogPort.open(List.of(PortSpec.parse("rfc2217:0")), Wire.options().withEcho(false))) {
      port.write(new LogRecord(0, 0, bytes('b', 'i', 'n', 0xFF, '\n')));
      try (Socket s = new Socket("127.0.0.1", port.endpoints().get(0).localPort())) {
        s.setSoTimeout(Wire.TIMEOUT_MILLIS);
        InputStream in = s.getInputStream();
        assertArrayEquals(bytes(IAC, WILL, BINARY, IAC, DO, BINARY, IAC, WILL, COM_PORT), in.readNBytes(9));
        s.getOutputStream().write(bytes('A', IAC, 241, 'T', '\r', '\n')); // a NOP inside "AT"
        // sending data attaches the client: first the backlog, with its 0xFF doubled, then the reply
        assertArrayEquals(bytes('b', 'i', 'n', IAC, IAC, '\r', '\n', 'O', 'K', '\r', '\n'), in.readNBytes(11));
      }
    }
  }

  private byte[] drainOutbound() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (ByteBuf b; (b = channel.readOutbound()) != null; ) {
      out.writeBytes(ByteBufUtil.getBytes(b));
      b.release();
    }
    return out.toByteArray();
  }

  private byte[] readInbound() {
    ByteArrayOutputStream in = new ByteArrayOutputStream();
    for (ByteBuf b; (b = channel.readInbound()) != null; ) {
      in.writeBytes(ByteBufUtil.getBytes(b));
      b.release();
    }
    return in.toByteArray();
  }

  static ByteBuf buf(int... values) {
    return Unpooled.wrappedBuffer(bytes(values));
  }

  static byte[] bytes(int... values) {
    byte[] out = new byte[values.length];
    for (int i = 0; i < values.length; i++) out[i] = (byte) values[i];
    return out;
  }
}
