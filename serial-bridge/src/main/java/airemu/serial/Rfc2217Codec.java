package airemu.serial;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.util.ReferenceCountUtil;
import java.util.Arrays;

/**
 * The server side of Telnet with COM-PORT-OPTION (RFC 854, RFC 2217), as much as a virtual port needs
 * for pyserial's {@code rfc2217://} client, hub4com and virtual-COM drivers to accept it.
 *
 * <ul>
 *   <li>Inbound, Telnet commands are taken out of the stream and only data goes up the pipeline;
 *       {@code IAC IAC} becomes one 0xFF byte. Outbound data has each 0xFF doubled.
 *   <li>BINARY (0), SUPPRESS-GO-AHEAD (3) and COM-PORT-OPTION (44) are agreed in both directions; the
 *       server asks for BINARY and offers COM-PORT-OPTION as soon as the client connects. Everything else
 *       (ECHO in particular: the shell echoes by itself) is refused.
 *   <li>Every COM-PORT-OPTION request is acknowledged with its code plus 100, echoing the value, or the
 *       current value when the request is a query (value 0). pyserial's open fails within ~3 s without
 *       these answers. The settings are remembered and reported, never applied: a virtual line has no
 *       baud rate.
 * </ul>
 *
 * <p>Each time a command arrives it fires {@link #NEGOTIATION}, so that the connection waits for the
 * client to finish opening before replaying the backlog.
 */
final class Rfc2217Codec extends ChannelDuplexHandler {
  /** User event: the client sent a Telnet command, so it is still setting up. */
  static final Object NEGOTIATION = new Object() {
    @Override
    public String toString() {
      return "RFC2217_NEGOTIATION";
    }
  };

  static final int IAC = 255, DONT = 254, DO = 253, WONT = 252, WILL = 251, SB = 250, SE = 240;
  static final int BINARY = 0, ECHO = 1, SGA = 3, COM_PORT = 44;
  // COM-PORT-OPTION client commands; the server answers with the same code + 100
  static final int SET_BAUDRATE = 1, SET_DATASIZE = 2, SET_PARITY = 3, SET_STOPSIZE = 4, SET_CONTROL = 5;
  static final int NOTIFY_MODEMSTATE = 7, FLOWCONTROL_SUSPEND = 8, FLOWCONTROL_RESUME = 9;
  static final int SET_LINESTATE_MASK = 10, SET_MODEMSTATE_MASK = 11, PURGE_DATA = 12;
  static final int SERVER_OFFSET = 100;
  /** Carrier detect, data set ready and clear to send: a cable that is plugged in. */
  static final int MODEM_STATE = 0x80 | 0x20 | 0x10;

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    request(ctx, WILL, BINARY);
    request(ctx, DO, BINARY);
    request(ctx, WILL, COM_PORT);
    ctx.flush();
    ctx.fireChannelActive();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    ByteBuf in = (ByteBuf) msg;
    ByteBuf data = ctx.alloc().buffer(in.readableBytes());
    boolean negotiated = false;
    try {
      while (in.isReadable()) {
        int b = in.readUnsignedByte();
        negotiated |= parse(ctx, b, data);
      }
    } finally {
      ReferenceCountUtil.release(in);
    }
    ctx.flush();
    if (negotiated) ctx.fireUserEventTriggered(NEGOTIATION);
    if (data.isReadable()) {
      ctx.fireChannelRead(data);
    } else {
      data.release();
    }
  }

  /** Doubles each 0xFF of outgoing data. Commands this handler sends start below it and are not escaped. */
  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (!(msg instanceof ByteBuf)) {
      ctx.write(msg, promise);
      return;
    }
    ByteBuf buf = (ByteBuf) msg;
    int iacs = 0;
    for (int i = buf.readerIndex(); i < buf.writerIndex(); i++) {
      if (buf.getByte(i) == (byte) IAC) iacs++;
    }
    if (iacs == 0) {
      ctx.write(buf, promise);
      return;
    }
    ByteBuf out = ctx.alloc().buffer(buf.readableBytes() + iacs);
    try {
      while (buf.isReadable()) {
        byte b = buf.readByte();
        out.writeByte(b);
        if (b == (byte) IAC) out.writeByte(IAC);
      }
    } finally {
      buf.release();
    }
    ctx.write(out, promise);
  }

  /** Consumes one byte; data goes to {@code data}. Returns true if a command was completed. */
  private boolean parse(ChannelHandlerContext ctx, int b, ByteBuf data) {
    switch (state) {
      case DATA:
        if (b == IAC) {
          state = S_IAC;
        } else if (!(b == 0 && lastWasCr && !him[BINARY])) { // NVT sends CR NUL for a bare CR
          data.writeByte(b);
        }
        lastWasCr = b == '\r';
        return false;
      case S_IAC:
        state = DATA;
        switch (b) {
          case IAC:
            data.writeByte(IAC);
            lastWasCr = false;
            return false;
          case WILL: case WONT: case DO: case DONT:
            verb = b;
            state = S_OPTION;
            return false;
          case SB:
            sbLength = 0;
            state = S_SB;
            return false;
          default: // NOP, AYT, GA, a stray SE: nothing a serial line means
            return true;
        }
      case S_OPTION:
        state = DATA;
        negotiate(ctx, verb, b);
        return true;
      case S_SB:
        if (b == IAC) {
          state = S_SB_IAC;
        } else {
          sbByte(b);
        }
        return false;
      case S_SB_IAC:
        if (b == IAC) {
          sbByte(IAC);
          state = S_SB;
          return false;
        }
        state = DATA; // SE, or a malformed end: either way the subnegotiation is over
        subnegotiation(ctx);
        return true;
      default:
        throw new AssertionError(state);
    }
  }

  private void negotiate(ChannelHandlerContext ctx, int verb, int option) {
    boolean supported = option == BINARY || option == SGA || option == COM_PORT;
    switch (verb) {
      case WILL: // the client offers to do it
        if (!supported) {
          send(ctx, DONT, option);
        } else if (!him[option]) {
          him[option] = true;
          if (!doSent[option]) send(ctx, DO, option); // else it answers our request
          doSent[option] = true;
          if (option == COM_PORT) comPortAgreed(ctx);
        }
        break;
      case DO: // the client asks us to do it
        if (!supported) {
          send(ctx, WONT, option);
        } else if (!us[option]) {
          us[option] = true;
          if (!willSent[option]) send(ctx, WILL, option);
          willSent[option] = true;
          if (option == COM_PORT) comPortAgreed(ctx);
        }
        break;
      case WONT:
        if (him[option]) send(ctx, DONT, option); // acknowledge the change; a refusal needs no answer
        him[option] = false;
        doSent[option] = false;
        break;
      case DONT:
        if (us[option]) send(ctx, WONT, option);
        us[option] = false;
        willSent[option] = false;
        break;
      default:
        throw new AssertionError(verb);
    }
  }

  /** Tells a new client the modem lines once, so that reading CTS or DSR does not wait for a poll. */
  private void comPortAgreed(ChannelHandlerContext ctx) {
    if (modemStateSent) return;
    modemStateSent = true;
    reply(ctx, NOTIFY_MODEMSTATE + SERVER_OFFSET, new byte[] {(byte) MODEM_STATE});
  }

  private void subnegotiation(ChannelHandlerContext ctx) {
    if (sbLength < 2 || (sb[0] & 0xff) != COM_PORT) return; // nothing else is agreed
    int command = sb[1] & 0xff;
    byte[] value = Arrays.copyOfRange(sb, 2, sbLength);
    switch (command) {
      case SET_BAUDRATE:
        if (value.length == 4) {
          int asked = ((value[0] & 0xff) << 24) | ((value[1] & 0xff) << 16) | ((value[2] & 0xff) << 8) | (value[3] & 0xff);
          if (asked != 0) baud = asked;
        }
        reply(ctx, command + SERVER_OFFSET, new byte[] {(byte) (baud >>> 24), (byte) (baud >>> 16), (byte) (baud >>> 8), (byte) baud});
        break;
      case SET_DATASIZE:
        dataSize = setting(ctx, command, value, dataSize);
        break;
      case SET_PARITY:
        parity = setting(ctx, command, value, parity);
        break;
      case SET_STOPSIZE:
        stopSize = setting(ctx, command, value, stopSize);
        break;
      case SET_CONTROL:
        control(ctx, value.length == 0 ? 0 : value[0] & 0xff);
        break;
      case NOTIFY_MODEMSTATE: // a poll for the modem lines
        reply(ctx, command + SERVER_OFFSET, new byte[] {(byte) MODEM_STATE});
        break;
      case FLOWCONTROL_SUSPEND:
      case FLOWCONTROL_RESUME:
        // The connection's own buffering already protects a slow client; there is no UART to pause.
        reply(ctx, command + SERVER_OFFSET, new byte[0]);
        break;
      case SET_LINESTATE_MASK:
      case SET_MODEMSTATE_MASK:
      case PURGE_DATA:
        reply(ctx, command + SERVER_OFFSET, value);
        break;
      default:
        break; // a server code or something newer: ignore, as RFC 2217 asks
    }
  }

  /** A one-byte setting: value 0 asks for the current one, anything else sets it. */
  private int setting(ChannelHandlerContext ctx, int command, byte[] value, int current) {
    int next = value.length == 1 && value[0] != 0 ? value[0] & 0xff : current;
    reply(ctx, command + SERVER_OFFSET, new byte[] {(byte) next});
    return next;
  }

  /** SET_CONTROL: queries (0, 4, 7, 10, 13) answer the current state; the rest set and echo it. */
  private void control(ChannelHandlerContext ctx, int v) {
    int answer;
    switch (v) {
      case 0: answer = flow; break;
      case 1: case 2: case 3: flow = v; answer = v; break;
      case 4: answer = breakState; break;
      case 5: case 6: breakState = v; answer = v; break;
      case 7: answer = dtr; break;
      case 8: case 9: dtr = v; answer = v; break;
      case 10: answer = rts; break;
      case 11: case 12: rts = v; answer = v; break;
      case 13: answer = inboundFlow; break;
      case 14: case 15: case 16: inboundFlow = v; answer = v; break;
      default: answer = v; break; // DCD, DTR, DSR flow control: accepted, like the others, and ignored
    }
    reply(ctx, SET_CONTROL + SERVER_OFFSET, new byte[] {(byte) answer});
  }

  private void sbByte(int b) {
    if (sbLength < sb.length) sb[sbLength++] = (byte) b; // longer ones are not COM-PORT-OPTION commands
  }

  private void request(ChannelHandlerContext ctx, int verb, int option) {
    if (verb == WILL) willSent[option] = true;
    if (verb == DO) doSent[option] = true;
    send(ctx, verb, option);
  }

  private static void send(ChannelHandlerContext ctx, int verb, int option) {
    ctx.write(ctx.alloc().buffer(3).writeByte(IAC).writeByte(verb).writeByte(option));
  }

  private static void reply(ChannelHandlerContext ctx, int code, byte[] value) {
    ByteBuf out = ctx.alloc().buffer(6 + value.length * 2);
    out.writeByte(IAC).writeByte(SB).writeByte(COM_PORT).writeByte(code);
    for (byte b : value) {
      out.writeByte(b);
      if (b == (byte) IAC) out.writeByte(IAC);
    }
    out.writeByte(IAC).writeByte(SE);
    ctx.write(out);
  }

  private static final int DATA = 0, S_IAC = 1, S_OPTION = 2, S_SB = 3, S_SB_IAC = 4;

  private int state = DATA;
  private int verb; // the WILL/WONT/DO/DONT whose option byte is next
  private boolean lastWasCr; // for CR NUL
  private final byte[] sb = new byte[64]; // the current subnegotiation, without IAC SB and IAC SE
  private int sbLength;

  private final boolean[] us = new boolean[256]; // options this server has enabled
  private final boolean[] him = new boolean[256]; // options the client has enabled
  private final boolean[] willSent = new boolean[256]; // our WILL awaits or got its answer
  private final boolean[] doSent = new boolean[256]; // our DO awaits or got its answer
  private boolean modemStateSent;

  // what the client set; reported back, never applied
  private int baud = 921600;
  private int dataSize = 8;
  private int parity = 1; // NONE
  private int stopSize = 1;
  private int flow = 1; // no flow control
  private int inboundFlow = 14; // no inbound flow control
  private int breakState = 6; // off
  private int dtr = 8; // on
  private int rts = 11; // on
}
