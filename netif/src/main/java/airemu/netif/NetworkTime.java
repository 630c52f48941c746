package airemu.netif;

import java.util.List;

/**
 * The time the cellular network sends after attaching (NITZ), which sets the module's RTC: the
 * firmware logs {@code D/mobile TIME_SYNC 0} and publishes {@code NTP_UPDATE(1)} (spec 2.25, 6.2).
 * The network's time is the real time, so the RTC becomes the device clock: apply
 * {@link #rtcOffsetMillis()} as the wall clock's offset before publishing, as for an
 * {@link SntpResult}, so a subscriber's {@code os.date()} shows it.
 */
public final class NetworkTime implements NetMessage {
  private final NetStack stack;

  NetworkTime(NetStack stack) {
    this.stack = stack;
  }

  /** The RTC minus the device clock after this sync: 0, the network keeps real time. */
  public long rtcOffsetMillis() {
    return 0;
  }

  @Override
  public NetDelivery handle() {
    if (stack.isClosed()) return NetDelivery.NONE;
    stack.log('D', "mobile", "TIME_SYNC 0");
    return new NetDelivery.Publish("NTP_UPDATE", List.of(1L));
  }
}
