package airemu.netif;

import static airemu.netif.DtlsCipher.concat;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.modes.AEADBlockCipher;
import org.bouncycastle.crypto.modes.GCMBlockCipher;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.KeyParameter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The DTLS client against a server the test plays byte by byte, for what no real server can be made
 * to do.
 *
 * <p>The client's clock as the firmware drives mbedtls: nothing happens between datagrams, a
 * datagram after the flight's timer expired makes it resend the flight with the timeout doubled
 * (2, 4, 8, 16, 32, then 60 s), and the expiry after the 60 s one fails the handshake with
 * MBEDTLS_ERR_SSL_TIMEOUT. The device clock is a counter here, so minutes pass at once; the peer is
 * a server that only ever sends a byte that is no DTLS record.
 *
 * <p>The server's Finished: a server that completes a PSK handshake but whose Finished does not
 * match the handshake the client saw (what a man in the middle who altered it would send) fails
 * it, where the same server with the right Finished gets through.
 */
class DtlsClientTest {
  private static final byte[] NOT_A_RECORD = {'x'};

  private final AtomicLong clock = new AtomicLong();
  private final List<byte[]> sent = new ArrayList<>();
  private Integer failure;
  private boolean established;
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
        established = true;
      }

      @Override
      public void failed(int code) {
        failure = code;
      }

      @Override
      public void data(byte[] plain) {
        throw new AssertionError("no data in these handshakes");
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
    assertFalse(established);
  }

  /** A DTLS record with its 48-bit sequence number zeroed: retransmissions get new numbers. */
  private static byte[] withoutRecordNumber(byte[] record) {
    byte[] r = Arrays.copyOf(record, record.length);
    Arrays.fill(r, 5, 11, (byte) 0);
    return r;
  }

  @Test
  void aServerFinishedOverTheHandshakeTheClientSawEstablishesTheConnection() {
    handshakeEndingWithAServerFinished(0);
    assertNull(failure);
    assertTrue(established);
  }

  @Test
  void aServerFinishedThatDoesNotMatchTheHandshakeFailsItWithADecryptError() {
    handshakeEndingWithAServerFinished(0x01);
    assertEquals(0x7E80, failure, "MBEDTLS_ERR_SSL_BAD_HS_FINISHED");
    assertFalse(established);
    byte[] alert = sent.get(sent.size() - 1);
    assertEquals(List.of(21, 1), List.of((int) alert[0], u16(alert, 3)), "an alert, sealed in epoch 1");
  }

  /**
   * Plays the server of a PSK handshake (TLS-PSK-WITH-AES-128-GCM-SHA256, no extensions, RFC 5246
   * and RFC 6347) up to its Finished, whose first byte of verify_data is XORed with {@code tamper}.
   * The keys and the Finished are computed here from the PSK and the messages on the wire, and the
   * Finished is sealed with Bouncy Castle's GCM directly, not with the client's {@link DtlsCipher}.
   */
  private void handshakeEndingWithAServerFinished(int tamper) {
    client.start();
    byte[] clientHello = payload(sent.get(0), 0); // one record of one message
    byte[] clientRandom = Arrays.copyOfRange(clientHello, 12 + 2, 12 + 2 + 32);
    byte[] serverRandom = new byte[32];
    new SecureRandom().nextBytes(serverRandom);
    byte[] serverHello = message(2, 0, concat(concat(new byte[] {(byte) 0xFE, (byte) 0xFD}, serverRandom), new byte[] {0, 0x00, (byte) 0xA8, 0}));
    byte[] helloDone = message(14, 1, new byte[0]);
    client.datagram(concat(record(22, 0, 0, serverHello), record(22, 0, 1, helloDone)));
    assertEquals(2, sent.size(), "the client's flight");
    byte[] keyExchange = payload(sent.get(1), 0); // then its ChangeCipherSpec and Finished

    byte[] psk = bytes("1234");
    byte[] premaster = new byte[2 + psk.length + 2 + psk.length]; // the length, as many zeros, the length, the PSK
    premaster[1] = premaster[psk.length + 3] = (byte) psk.length;
    System.arraycopy(psk, 0, premaster, psk.length + 4, psk.length);
    byte[] master = DtlsCipher.prf(false, premaster, "master secret", concat(clientRandom, serverRandom), 48);
    ByteArrayOutputStream transcript = new ByteArrayOutputStream();
    for (byte[] m : List.of(clientHello, serverHello, helloDone, keyExchange)) transcript.writeBytes(m);
    transcript.writeBytes(message(20, 2, DtlsCipher.prf(false, master, "client finished", sha256(transcript), 12)));
    byte[] verify = DtlsCipher.prf(false, master, "server finished", sha256(transcript), 12);
    verify[0] ^= (byte) tamper;

    byte[] keys = DtlsCipher.prf(false, master, "key expansion", concat(serverRandom, clientRandom), 2 * (16 + 4));
    byte[] serverKey = Arrays.copyOfRange(keys, 16, 32);
    byte[] serverIv = Arrays.copyOfRange(keys, 36, 40);
    byte[] finished = sealed(serverKey, serverIv, 1L << 48, 22, message(20, 2, verify));
    client.datagram(concat(record(20, 0, 2, new byte[] {1}), record(22, 1, 0, finished)));
  }

  /** The payload of the record at {@code offset} of a datagram. */
  private static byte[] payload(byte[] datagram, int offset) {
    return Arrays.copyOfRange(datagram, offset + 13, offset + 13 + u16(datagram, offset + 11));
  }

  /** A handshake message in one fragment: type, length, message_seq, offset 0, fragment length. */
  private static byte[] message(int type, int seq, byte[] body) {
    int n = body.length;
    byte[] head = {(byte) type, (byte) (n >> 16), (byte) (n >> 8), (byte) n, (byte) (seq >> 8), (byte) seq, 0, 0, 0,
        (byte) (n >> 16), (byte) (n >> 8), (byte) n};
    return concat(head, body);
  }

  /** A DTLS 1.2 record: type, version, epoch, 48-bit number, length, fragment. */
  private static byte[] record(int type, int epoch, long number, byte[] fragment) {
    byte[] head = new byte[13];
    head[0] = (byte) type;
    head[1] = (byte) 0xFE;
    head[2] = (byte) 0xFD;
    DtlsCipher.putLong(head, 3, ((long) epoch << 48) | number);
    head[11] = (byte) (fragment.length >> 8);
    head[12] = (byte) fragment.length;
    return concat(head, fragment);
  }

  /** AES-GCM of RFC 5288: the 8-byte explicit nonce (epoch and number), then the ciphertext and tag. */
  private static byte[] sealed(byte[] key, byte[] implicitIv, long seq, int type, byte[] plain) {
    byte[] explicit = new byte[8];
    DtlsCipher.putLong(explicit, 0, seq);
    byte[] aad = new byte[13];
    DtlsCipher.putLong(aad, 0, seq);
    aad[8] = (byte) type;
    aad[9] = (byte) 0xFE;
    aad[10] = (byte) 0xFD;
    aad[11] = (byte) (plain.length >> 8);
    aad[12] = (byte) plain.length;
    AEADBlockCipher gcm = GCMBlockCipher.newInstance(AESEngine.newInstance());
    gcm.init(true, new AEADParameters(new KeyParameter(key), 128, concat(implicitIv, explicit), aad));
    byte[] out = new byte[gcm.getOutputSize(plain.length)];
    try {
      gcm.doFinal(out, gcm.processBytes(plain, 0, plain.length, out, 0));
    } catch (InvalidCipherTextException e) {
      throw new AssertionError(e);
    }
    return concat(explicit, out);
  }

  private static byte[] sha256(ByteArrayOutputStream data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data.toByteArray());
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  private static int u16(byte[] b, int p) {
    return ((b[p] & 0xFF) << 8) | (b[p + 1] & 0xFF);
  }
}
