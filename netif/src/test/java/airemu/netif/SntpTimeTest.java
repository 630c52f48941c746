package airemu.netif;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The firmware's SNTP arithmetic with fixed uptimes and replies: what {@code ntptm()} shows, the
 * request's transmit timestamp and the network-delay estimate, quirks included.
 */
class SntpTimeTest {
  /** A server time: 2026-07-25 in Unix seconds, well inside NTP era 0. */
  private static final long T = 1_785_000_000L;

  private final SntpTime time = new SntpTime();
  private final List<String> log = new ArrayList<>();

  @Test
  void beforeASyncNtptmIsTheUptimeWithoutVaild() {
    Ntptm tm = time.ntptm(micros(3, 456));
    assertEquals(new Ntptm(3, 456, 0, 0, 0, 3, 456, false), tm);
    assertEquals(Map.of("ndeley", 0L, "ssec", 0L, "sms", 0L, "tsec", 3L, "tms", 456L, "lsec", 3L, "lms", 456L),
        tm.luaTable());
    byte[] request = time.request(micros(3, 456));
    byte[] expected = new byte[48];
    expected[0] = 0x1B; // LI 0, version 3, client; no transmit timestamp before a sync
    assertArrayEquals(expected, request);
  }

  @Test
  void aReplySetsTheRtcToItsTransmitSecondsAndTheBootTimeToTransmitMinusUptime() {
    long rtc = time.onReply(reply(0, T * 1000 + 100, T * 1000 + 100), micros(5, 50), log::add);
    assertEquals(T, rtc);
    assertTrue(log.isEmpty(), "no delay sample without an originate timestamp: " + log);
    // booted at T.100 - 5.050 = (T - 5).050; two seconds later it is (T + 2).050
    assertEquals(new Ntptm(T + 2, 50, 0, T - 5, 50, 7, 0, true), time.ntptm(micros(7, 0)));
    assertEquals(Boolean.TRUE, time.ntptm(micros(7, 0)).luaTable().get("vaild"));
  }

  @Test
  void whenTheTransmitMillisecondsAreBelowTheUptimesTheBootTimeTakesTheFirmwaresBorrow() {
    time.onReply(reply(0, T * 1000 + 100, T * 1000 + 100), micros(5, 250), log::add);
    // true boot time (T - 5).850 - 1 s; the firmware stores T - 6 s and 250 - 100 = 150 ms
    Ntptm tm = time.ntptm(micros(5, 250));
    assertEquals(T - 6, tm.ssec());
    assertEquals(150, tm.sms());
    assertEquals(T - 1, tm.tsec()); // 2 * (250 - 100) - 1000 = -700 ms from the server's T.100
    assertEquals(400, tm.tms());
  }

  @Test
  void onceSyncedARequestCarriesTheEstimatedTimeAsTransmitTimestamp() {
    time.onReply(reply(0, T * 1000 + 100, T * 1000 + 100), micros(5, 50), log::add);
    byte[] request = time.request(micros(6, 0));
    assertEquals(0x1B, request[0]);
    assertEquals(T + 1 + SntpTime.NTP_UNIX_OFFSET, u32(request, 40)); // (T - 5).050 + 6.000
    assertEquals(50L * 1000 * 4295, u32(request, 44)); // the firmware's microseconds * 4295
  }

  @Test
  void theNetworkDelayIsTheMeanOfTheLastEightHalfRoundTripsLessThePreviousEstimate() {
    time.onReply(reply(0, T * 1000 + 100, T * 1000 + 100), micros(5, 50), log::add); // boot (T - 5).050

    // sent at uptime 6.000 as (T + 1).050; 30 ms each way, 1 ms in the server; back at 6.061
    long sent = T * 1000 + 1050;
    time.onReply(reply(sent, sent + 30, sent + 31), micros(6, 61), log::add);
    assertEquals(List.of("修正网络延时(ms) 0 -> 30"), log); // the first sample fills all eight
    assertEquals(30, time.ntptm(micros(6, 61)).ndelay());
    assertEquals(T - 5, time.ntptm(micros(6, 61)).ssec());
    assertEquals(20, time.ntptm(micros(6, 61)).sms()); // (T + 1).081 - 6.061

    // the next request adds the 30 ms: sent at uptime 7.000 as (T + 2).050 while the server says (T + 2).020
    byte[] request = time.request(micros(7, 0));
    assertEquals(T + 2 + SntpTime.NTP_UNIX_OFFSET, u32(request, 40));
    assertEquals(50L * 1000 * 4295, u32(request, 44));
    long sent2 = T * 1000 + 2050;
    long server = T * 1000 + 2020;
    time.onReply(reply(sent2, server + 30, server + 31), micros(7, 61), log::add);
    // sample (0 + 30) / 2 = 15, shifted in after seven 30s: 225 / 8 = 28
    assertEquals("修正网络延时(ms) 30 -> 28", log.get(1));
    assertEquals(28, time.ntptm(micros(7, 61)).ndelay());
  }

  @Test
  void timestampsUseTheFirmwaresEraRuleAndZeroStaysZero() {
    byte[] m = new byte[48];
    assertEquals(0, SntpTime.unixSeconds(m, 40));
    m[43] = 1; // NTP second 1: taken as era 1, 2036-02-07T06:28:17Z
    assertEquals((1L << 32) - SntpTime.NTP_UNIX_OFFSET + 1, SntpTime.unixSeconds(m, 40));
    put32(m, 40, SntpTime.NTP_UNIX_OFFSET + T);
    assertEquals(T, SntpTime.unixSeconds(m, 40));
    put32(m, 44, (123L << 32) / 1000); // 123 ms as RFC 4330 encodes it...
    assertEquals(122, SntpTime.millis(m, 44)); // ...reads as 122: the firmware divides by 4295, not 4294.97
  }

  @Test
  void aReplyWithTheSameClockTwiceGivesNoNegativeDelay() {
    time.onReply(reply(0, T * 1000, T * 1000), micros(10, 0), log::add);
    long sent = T * 1000 + 5000;
    time.onReply(reply(sent + 100, sent - 400, sent - 400), micros(15, 0), log::add); // server behind us
    assertEquals(List.of("修正网络延时(ms) 0 -> 0"), log);
    assertFalse(time.ntptm(micros(15, 0)).ndelay() < 0);
  }

  // --- helpers ---------------------------------------------------------------------------------

  private static long micros(long seconds, long millis) {
    return (seconds * 1000 + millis) * 1000;
  }

  /**
   * A 48-byte reply with originate, receive and transmit timestamps given in Unix ms (0: all zero),
   * fractions in the firmware's own encoding (ms * 1000 * 4295) so they read back exactly.
   */
  private static byte[] reply(long originMs, long receiveMs, long transmitMs) {
    byte[] m = new byte[48];
    m[0] = 0x1C; // version 3, server
    timestamp(m, 24, originMs);
    timestamp(m, 32, receiveMs);
    timestamp(m, 40, transmitMs);
    return m;
  }

  private static void timestamp(byte[] m, int at, long unixMs) {
    if (unixMs == 0) return;
    put32(m, at, unixMs / 1000 + SntpTime.NTP_UNIX_OFFSET);
    put32(m, at + 4, unixMs % 1000 * 1000 * 4295);
  }

  private static void put32(byte[] m, int at, long v) {
    m[at] = (byte) (v >>> 24);
    m[at + 1] = (byte) (v >>> 16);
    m[at + 2] = (byte) (v >>> 8);
    m[at + 3] = (byte) v;
  }

  private static long u32(byte[] m, int at) {
    return (m[at] & 0xFFL) << 24 | (m[at + 1] & 0xFFL) << 16 | (m[at + 2] & 0xFFL) << 8 | (m[at + 3] & 0xFFL);
  }
}
