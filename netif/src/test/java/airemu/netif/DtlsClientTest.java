package airemu.netif;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The DTLS client's clock as the firmware drives mbedtls: nothing happens between datagrams, a
 * datagram after the flight's timer expired makes it resend the flight with the timeout doubled
 * (2, 4, 8, 16, 32, then 60 s), and the expiry after the 60 s one fails the handshake with
 * MBEDTLS_ERR_SSL_TIMEOUT. The device clock is a counter here, so minutes pass at once; the peer is
 * a server that only ever sends a byte that is no DTLS record.
 */
class DtlsClientTest {
  private static final byte[] NOT_A_RECORD = {'x'};

  private final AtomicLong clock = new AtomicLong();
  private final List<byte[]> sent = new ArrayList<>();
  private Integer failure;
  private TestDevice dev;
  private DtlsClient client;

  @BeforeEach
  void client() {
    dev = TestDevice.start(Boards.air780(4), Boards.options());
    TlsSettings psk = TlsSettings.parse(true, new TlsArgs(bytes("1234"), bytes("dev1"), null, null));
    client = new DtlsClient(psk, "dtls.test", new TlsLog(dev.stack()), new DtlsClient.Link() {
      @Override
      public void send(byte[] datagram) {
        sent.add(datagram);
      }

      @Override
      public void established() {
        throw new AssertionError("nothing answered the hello");
      }

      @Override
      public void failed(int code) {
        failure = code;
      }

      @Override
      public void data(byte[] plain) {
        throw new AssertionError("no data before the handshake");
      }
    }, clock::get, System::currentTimeMillis);
  }

  @AfterEach
  void shutdown() {
    dev.close();
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  @Test
  void theFlightIsResentOnlyWhenADatagramFindsItsTimerExpiredAndTheHandshakeGivesUpAfterTheSixtySecondOne() {
    client.start();
    assertEquals(1, sent.size(), "the ClientHello");
    clock.set(DtlsClient.MIN_TIMEOUT - 1);
    client.datagram(NOT_A_RECORD);
    assertEquals(1, sent.size(), "within 2 s a datagram is read, and dropped");

    long at = 0;
    int timeout = 2000;
    for (int resend = 1; resend <= 5; resend++) {
      clock.set(at += timeout);
      client.datagram(NOT_A_RECORD);
      assertEquals(1 + resend, sent.size(), "resend " + resend + " after " + timeout + " ms");
      assertArrayEquals(withoutRecordNumber(sent.get(0)), withoutRecordNumber(sent.get(resend)), "the same ClientHello");
      clock.set(at + Math.min(2 * timeout, DtlsClient.MAX_TIMEOUT) - 1);
      client.datagram(NOT_A_RECORD);
      assertEquals(1 + resend, sent.size(), "nothing more before the doubled timeout");
      timeout = Math.min(2 * timeout, DtlsClient.MAX_TIMEOUT);
    }
    assertEquals(DtlsClient.MAX_TIMEOUT, timeout);
    assertNull(failure);

    clock.set(at + DtlsClient.MAX_TIMEOUT);
    client.datagram(NOT_A_RECORD);
    assertEquals(0x6800, failure, "MBEDTLS_ERR_SSL_TIMEOUT");
    assertEquals(6, sent.size(), "no alert after a timeout");
    assertFalse(client.established());
  }

  /** A DTLS record with its 48-bit sequence number zeroed: retransmissions get new numbers. */
  private static byte[] withoutRecordNumber(byte[] record) {
    byte[] r = Arrays.copyOf(record, record.length);
    Arrays.fill(r, 5, 11, (byte) 0);
    return r;
  }
}
