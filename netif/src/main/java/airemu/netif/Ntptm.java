package airemu.netif;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What {@code socket.ntptm()} returns: the time the module derives from its last SNTP reply and its
 * uptime ({@code mcu.tick64()}). The firmware returns the table before any sync too, with the boot
 * time 0 (so {@code tsec} is the uptime) and without {@code vaild}. All values are integers.
 *
 * <p>Meanings, read from {@code l_sntp_tm} and {@code luat_sntp.c} (see {@link SntpTime}); where the
 * function's doc comment says otherwise, the code wins:
 *
 * @param tsec now, in whole seconds: {@code lsec + ssec} plus the carry of {@code lms + sms}. The
 *     doc comment says "since 1900"; the code counts from 1970 (Unix time), because the boot time
 *     is stored in Unix seconds
 * @param tms the milliseconds of now, 0..999
 * @param ndelay the network delay estimate in ms ({@code network_delay_ms}); 0 until the second sync
 * @param ssec the Unix second the module booted at, as the last reply put it (0 before a sync)
 * @param sms the milliseconds of the boot time, 0..999
 * @param lsec the uptime in whole seconds
 * @param lms the milliseconds of the uptime, 0..999
 * @param valid {@code ssec} is set (unsigned non-zero): the table has {@code vaild = true}
 */
public record Ntptm(long tsec, long tms, long ndelay, long ssec, long sms, long lsec, long lms, boolean valid) {

  /**
   * The Lua table as the firmware fills it: keys spelled as {@code l_sntp_tm} spells them, which is
   * {@code "ndeley"} for {@link #ndelay} (the doc comment and the spec say {@code ndelay}) and
   * {@code "vaild"} for {@link #valid}, present only when true. Values are Longs and
   * {@code Boolean.TRUE}.
   */
  public Map<String, Object> luaTable() {
    Map<String, Object> t = new LinkedHashMap<>();
    t.put("ndeley", ndelay);
    t.put("ssec", ssec);
    t.put("sms", sms);
    t.put("tsec", tsec);
    t.put("tms", tms);
    t.put("lsec", lsec);
    t.put("lms", lms);
    if (valid) t.put("vaild", Boolean.TRUE);
    return t;
  }
}
