package airemu.netif;

import java.util.List;

/**
 * The end of a {@code socket.sntp()} run, as the firmware posts it to its message bus
 * ({@code NTP_UPDATE} or {@code NTP_ERROR} for {@code l_sntp_event_handle}). Handling it ends the
 * run ({@code ntp_cleanup}: the SNTP ctrl and its socket are released, a new {@code socket.sntp()}
 * may start) and publishes {@code NTP_UPDATE} or {@code NTP_ERROR}, both with nothing: {@code l_sntp_event_handle}
 * pushes the topic alone (the spec's {@code NTP_UPDATE(0)} is not what luat_lib_sntp.c does).
 * The 0 is spec 2.25's (0 for SNTP, 1 when the cellular network sends the time); the LuatOS
 * revisions of {@code luat_lib_sntp.c} read for this publish the topic alone.
 *
 * <p>A successful sync also set the module's RTC, which {@code os.time} and {@code os.date} read.
 * The binding applies it when it handles this message, before it publishes:
 *
 * <pre>{@code
 * NetDelivery d = nm.handle();
 * if (nm instanceof SntpResult r && r.synced() && d != NetDelivery.NONE) {
 *   wallOffsetMillis = r.rtcOffsetMillis(); // os.time() = (clock.currentTimeMillis() + offset) / 1000
 * }
 * // then sys_pub(p.topic(), p.args()...) as for every NetDelivery.Publish
 * }</pre>
 */
public final class SntpResult implements NetMessage {

  SntpResult(Sntp sntp, boolean synced, long unixSeconds, long hostMillis) {
    this.sntp = sntp;
    this.synced = synced;
    this.unixSeconds = unixSeconds;
    this.hostMillis = hostMillis;
  }

  /** Whether this is {@code NTP_UPDATE}: a reply was taken and the RTC set. */
  public boolean synced() {
    return synced;
  }

  /**
   * The Unix seconds written to the RTC: the whole seconds of the server's transmit timestamp, as
   * {@code luat_rtc_set_tamp32} takes them (the firmware logs them as {@code Unix timestamp: N}).
   * 0 for {@code NTP_ERROR}.
   */
  public long unixSeconds() {
    return unixSeconds;
  }

  /**
   * The device's wall clock minus the host's after this sync, in ms: {@code unixSeconds() * 1000}
   * minus {@code device.clock().currentTimeMillis()} read when the reply was taken, so a wall clock
   * of {@code clock + offset} shows the RTC as the firmware set it (whole seconds at that instant,
   * no correction for the network delay, as on the module). 0 for {@code NTP_ERROR}.
   */
  public long rtcOffsetMillis() {
    return synced ? unixSeconds * 1000 - hostMillis : 0;
  }

  /**
   * Ends the run and returns the publish: {@code NTP_UPDATE()} or {@code NTP_ERROR()}; nothing once
   * the network stack is closed (the VM ended). Device thread.
   */
  @Override
  public NetDelivery handle() {
    return sntp.finish(this);
  }

  NetDelivery.Publish publish() {
    return synced ? UPDATE : ERROR;
  }

  @Override
  public String toString() {
    return synced ? "SntpResult(NTP_UPDATE, " + unixSeconds + ")" : "SntpResult(NTP_ERROR)";
  }

  private static final NetDelivery.Publish UPDATE = new NetDelivery.Publish("NTP_UPDATE", List.of());
  private static final NetDelivery.Publish ERROR = new NetDelivery.Publish("NTP_ERROR", List.of());

  private final Sntp sntp;
  private final boolean synced;
  private final long unixSeconds;
  private final long hostMillis; // device.clock().currentTimeMillis() when the reply was taken
}
