package airemu.netif;

import java.util.List;

/**
 * The time the cellular network sends after attaching (NITZ), which sets the module's RTC: the
 * firmware logs {@code D/mobile TIME_SYNC 0} and publishes {@code NTP_UPDATE} with no argument.
 * The spec (2.25, 6.2) says {@code NTP_UPDATE(1)}, but {@code l_mobile_event_handle} in
 * {@code components/mobile/luat_lib_mobile.c} pushes the topic alone ({@code lua_call(L, 1, 0)} after
 * {@code LLOGD("TIME_SYNC %d", status)}) in every version published, and the device wins.
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
    return new NetDelivery.Publish("NTP_UPDATE", List.of());
  }
}
