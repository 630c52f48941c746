package airemu.netif;

import java.util.Arrays;
import java.util.function.Consumer;

/**
 * The clock arithmetic of the firmware's SNTP client ({@code luat_sntp.c}, the time fields of
 * {@code sntp_ctx_t}): the request it sends, what it learns from a reply, and what
 * {@code socket.ntptm()} computes from that. Pure: every method takes the uptime it needs, so the
 * arithmetic, quirks included, is tested with fixed numbers.
 *
 * <p>What the firmware keeps, read from the source (nothing copied):
 * <ul>
 * <li>{@code bootSec}/{@code bootMs} ({@code sysboot_diff_sec/ms}): the wall time at which the
 *     module booted, in <b>Unix</b> seconds and milliseconds. A reply sets them to the server's
 *     transmit timestamp minus the local uptime at reception, with no correction for the network
 *     delay. When the transmit milliseconds are below the uptime's milliseconds the firmware borrows
 *     a second and stores {@code uptimeMs - transmitMs} instead of {@code 1000 + transmitMs -
 *     uptimeMs}, so the boot time it keeps is off by {@code 2 * (uptimeMs - transmitMs) - 1000} ms
 *     (less than a second either way). Reproduced as is.
 * <li>{@code delayMs} ({@code network_delay_ms}, {@code ntptm().ndelay}): from the second reply on
 *     (when the request carried a transmit timestamp, which the server echoes as originate), each
 *     reply gives a sample {@code ((receive - originate) + (arrival - transmit)) / 2}, where
 *     originate was the local estimate plus the previous {@code delayMs} and arrival is the local
 *     estimate; the clock offsets cancel, so a sample is {@code (round trip - previous delayMs) / 2}.
 *     {@code delayMs} is the mean of the last 8 samples, floored at 0; while it is 0 the next sample
 *     fills all 8 slots.
 * <li>A request is 48 bytes, {@code 0x1B} (LI 0, version 3, mode 3) and zeros; once synced its
 *     transmit timestamp is the local estimate of now plus {@code delayMs}, the fraction written as
 *     microseconds times 4295.
 * </ul>
 * The RTC ({@code os.time}) is set to the whole seconds of the reply's transmit timestamp.
 * Timestamps are converted with the firmware's era rule: seconds above 2208988800 (1970 in NTP
 * seconds) are era 0, anything else is taken as era 1 (after 2036). Uptime is {@code mcu.tick64()}
 * in microseconds; 64-bit values wrap as the firmware's unsigned ones do.
 */
final class SntpTime {
  /** Size of a request and of the part of a reply that is read ({@code sizeof(sntp_msg_t)}). */
  static final int PACKET = 48;
  /** The shortest reply the firmware accepts ({@code NTP_RESP_SIZE}: up to the transmit seconds). */
  static final int MIN_REPLY = 44;
  /** Samples averaged into the network delay ({@code NTP_NETWORK_DELAY_CMAX}). */
  static final int SAMPLES = 8;
  /** 1970-01-01 in NTP seconds. */
  static final long NTP_UNIX_OFFSET = 2_208_988_800L;
  /** 2^32 minus {@link #NTP_UNIX_OFFSET}: what the firmware adds to seconds of NTP era 1. */
  static final long ERA1_OFFSET = (1L << 32) - NTP_UNIX_OFFSET;
  /** The firmware's fraction units per microsecond (2^32 / 10^6, rounded). */
  static final long FRACTION_PER_US = 4295;

  /** The request to send at {@code uptimeMicros}. */
  byte[] request(long uptimeMicros) {
    byte[] m = new byte[PACKET];
    m[0] = 0x1B;
    if (synced()) {
      long upSec = (uptimeMicros / 1_000_000) & MASK32;
      long upMs = (uptimeMicros / 1000) % 1000;
      long nowMs = (bootSec + upSec) * 1000 + bootMs + upMs + (delayMs & MASK32);
      put32(m, 40, Long.divideUnsigned(nowMs, 1000) - ERA1_OFFSET);
      put32(m, 44, Long.remainderUnsigned(nowMs, 1000) * 1000 * FRACTION_PER_US);
    }
    return m;
  }

  /**
   * Learns from a reply of at least {@link #MIN_REPLY} bytes ({@code reply} is {@link #PACKET}
   * bytes, zero-filled past what arrived) that arrived at {@code uptimeMicros}. Returns the Unix
   * seconds the firmware writes to the RTC (an unsigned 32-bit value); {@code log} gets the
   * delay-correction line when there is one.
   */
  long onReply(byte[] reply, long uptimeMicros, Consumer<String> log) {
    long upSec = (uptimeMicros / 1_000_000) & MASK32;
    long upMs = (uptimeMicros / 1000) % 1000;
    long rtc = unixSeconds(reply, 40);
    long originSec = unixSeconds(reply, 24);
    long originMs = millis(reply, 28);
    long receiveMs = unixSeconds(reply, 32) * 1000 + millis(reply, 36);
    long transmitSec = rtc;
    long transmitMs = millis(reply, 44);
    long arrivalMs = ((bootSec & MASK32) + upSec) * 1000 + bootMs + upMs; // on the clock before this reply
    long uplink = receiveMs - (originSec * 1000 + originMs);
    long downlink = arrivalMs - (transmitSec * 1000 + transmitMs);
    int sample = (int) (uplink + downlink) / 2;

    bootSec = (transmitSec - upSec) & MASK32;
    if (transmitMs < upMs) {
      bootSec--;
      bootMs = (int) (upMs - transmitMs); // the firmware's borrow (see the class comment)
    } else {
      bootMs = (int) (transmitMs - upMs);
    }
    if (originSec != 0) { // the request carried our time: a delay sample
      if (sampleCount == 0) sampleCount = SAMPLES;
      if (delayMs == 0) {
        Arrays.fill(samples, sample);
      } else {
        System.arraycopy(samples, 1, samples, 0, SAMPLES - 1);
        samples[SAMPLES - 1] = sample;
      }
      int sum = 0;
      for (int i = 0; i < sampleCount; i++) sum += samples[i];
      if (sum < 0) sum = 0;
      log.accept("修正网络延时(ms) " + delayMs + " -> " + sum / sampleCount);
      delayMs = sum / sampleCount;
    }
    return rtc;
  }

  /** {@code socket.ntptm()} at {@code uptimeMicros}. */
  Ntptm ntptm(long uptimeMicros) {
    long upSec = uptimeMicros / 1_000_000;
    long upMs = (uptimeMicros / 1000) % 1000;
    long nowMs = (upSec + bootSec) * 1000 + upMs + bootMs;
    return new Ntptm(Long.divideUnsigned(nowMs, 1000), Long.remainderUnsigned(nowMs, 1000) & 0xFFFF,
        delayMs & MASK32, bootSec, bootMs, upSec, upMs, synced());
  }

  /** A reply has been taken: the boot time is known ({@code sysboot_diff_sec > 0}, unsigned). */
  boolean synced() {
    return bootSec != 0;
  }

  /** The 32-bit NTP seconds at {@code at} as Unix seconds; 0 stays 0 ({@code ntptime2u32(p, 1)}). */
  static long unixSeconds(byte[] m, int at) {
    long t = get32(m, at);
    if (t == 0) return 0;
    return (t > NTP_UNIX_OFFSET ? t - NTP_UNIX_OFFSET : t + ERA1_OFFSET) & MASK32;
  }

  /** The 32-bit fraction at {@code at} as whole milliseconds, via the firmware's microseconds. */
  static long millis(byte[] m, int at) {
    return get32(m, at) / FRACTION_PER_US / 1000;
  }

  private static long get32(byte[] m, int at) {
    return (m[at] & 0xFFL) << 24 | (m[at + 1] & 0xFFL) << 16 | (m[at + 2] & 0xFFL) << 8 | (m[at + 3] & 0xFFL);
  }

  private static void put32(byte[] m, int at, long v) {
    m[at] = (byte) (v >>> 24);
    m[at + 1] = (byte) (v >>> 16);
    m[at + 2] = (byte) (v >>> 8);
    m[at + 3] = (byte) v;
  }

  private static final long MASK32 = 0xFFFF_FFFFL;

  private long bootSec; // sysboot_diff_sec: Unix seconds at boot, unsigned 64-bit; 0 until a reply
  private int bootMs; // sysboot_diff_ms: 0..999
  private int delayMs; // network_delay_ms: mean of the samples, >= 0
  private int sampleCount; // ndelay_c: 0 until the first sample, then SAMPLES
  private final int[] samples = new int[SAMPLES]; // ndelay_array, oldest first
}
