package airemu.netif;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The cellular stack behind {@code mobile.*} ({@code components/mobile/luat_lib_mobile.c}): the SIM
 * and modem identities, network registration, flight mode, and the attach that brings the cellular
 * adapter ({@code LWIP_GP}) up.
 *
 * <p>At boot the modem searches ({@code mobile.status()} 2) and attaches after
 * {@link NetOptions#attachDelayMillis()}: registered (1), {@code IP_READY(ip, LWIP_GP)}, then the
 * network's time, {@code NTP_UPDATE} ({@link NetworkTime}). Flight mode deregisters at once
 * ({@code IP_LOSE(LWIP_GP)}, status 0); leaving it searches and attaches again after the delay, as
 * {@code mobile.reset()} does. A link change made from outside ({@link NetStack#bringDown}, a fault)
 * is a lost data bearer and leaves the registration alone.
 *
 * <p>What a real radio measures is modelled, not measured: the signal is stable per device (derived
 * from its name) and consistent across the readings (RSSI = -113 + 2·CSQ, RSRP about 25 dB below
 * RSSI as on a 10 MHz carrier, SNR rising with RSRP); it reads 0 while the modem is not registered,
 * as the firmware's failed queries do. The identities are derived from the device name too: a
 * 15-digit IMEI with its Luhn digit, a China Mobile IMSI (460 00) and a 20-digit ICCID.
 *
 * <p>Device thread, except {@link #start()} which the stack calls while it is built.
 */
public final class Cellular implements AdapterDriver {
  /** {@code LUAT_MOBILE_STATUS_*}: what {@code mobile.status()} returns. */
  public static final int UNREGISTER = 0, REGISTERED = 1, SEARCH = 2;
  /** The IMEI's type allocation code: the one in published Air780E logs (868327075469021). */
  private static final String TAC = "86832707";

  /** One reading of the radio, as {@code mobile.csq/rssi/rsrp/rsrq/snr} return it (all 0 when unregistered). */
  public record Signal(int csq, int rssi, int rsrp, int rsrq, int snr) {}

  Cellular(NetStack stack, Netif gp, String seed) {
    this.stack = stack;
    this.gp = gp;
    this.digest = sha256(seed);
    gp.driver = this;
    int level = Byte.toUnsignedInt(digest[0]) % 26; // 0 (weakest) .. 25
    int csq = 14 + level / 2; // 14..26: a usable, unremarkable signal
    int rssi = -113 + 2 * csq;
    int rsrp = rssi - 25;
    this.signal = new Signal(csq, rssi, rsrp, -8 - Byte.toUnsignedInt(digest[1]) % 5, Math.max(0, (rsrp + 118) * 2 / 3));
  }

  /** Boot: the modem searches and attaches after the attach delay. */
  void start() {
    searchAndAttach();
  }

  // --- mobile.* -----------------------------------------------------------------------------------

  /** {@code mobile.imei()}: 15 digits, the last a Luhn check digit. */
  public String imei() {
    return withLuhn(TAC + digits(2, 6));
  }

  /** {@code mobile.imsi()}: 15 digits, China Mobile's MCC and MNC (460 00) first. */
  public String imsi() {
    return "46000" + digits(8, 10);
  }

  /** {@code mobile.iccid()}: 20 digits, a China Mobile card (89 86 00) with a Luhn check digit. */
  public String iccid() {
    return withLuhn("898600" + digits(14, 13));
  }

  /** {@code mobile.muid()}: 32 upper-case hex digits. */
  public String muid() {
    StringBuilder b = new StringBuilder(32);
    for (int i = 16; i < 32; i++) b.append(String.format("%02X", digest[i]));
    return b.toString();
  }

  /** {@code mobile.status()}: {@link #SEARCH} until attached, {@link #REGISTERED}, {@link #UNREGISTER} in flight mode. */
  public int status() {
    if (flymode) return UNREGISTER;
    return registered ? REGISTERED : SEARCH;
  }

  /** The radio's reading now. */
  public Signal signal() {
    return registered ? signal : new Signal(0, 0, 0, 0, 0);
  }

  /**
   * {@code mobile.flymode(index, enable)}: with {@code enable} non-null enters or leaves flight mode;
   * returns whether flight mode was on before the call.
   */
  public boolean flymode(Boolean enable) {
    boolean was = flymode;
    if (enable == null || enable == was) return was;
    flymode = enable;
    epoch++;
    if (enable) {
      dropRegistration();
    } else {
      searchAndAttach();
    }
    return was;
  }

  /** {@code mobile.reset()}: restarts the protocol stack: the bearer drops and the modem attaches again. */
  public void reset() {
    epoch++;
    dropRegistration();
    if (!flymode) searchAndAttach();
  }

  /**
   * {@code mobile.simid(id)}: the SIM slot in use. The emulated SIM sits in slot 0; choosing slot 0 or
   * 1 is remembered and reported, 2 (detect) finds slot 0.
   */
  public int simid(Integer set) {
    if (set != null) {
      simSlot = set == 2 ? 0 : set;
      stack.log('I', "mobile", "sim set to " + set + " , ret 0");
    }
    return simSlot;
  }

  /**
   * {@code mobile.apn(index, cid)}: the APN of the default bearer, null before the first attach.
   * {@code set} (non-null) is a user APN for the next attach ("" goes back to the network's).
   */
  public String apn(String set) {
    String current = attachedApn;
    if (set != null) userApn = set.isEmpty() ? null : set;
    return current;
  }

  // --- AdapterDriver -----------------------------------------------------------------------------

  /**
   * The bearer's link as the stack sees it, the network outside included: losing coverage leaves
   * the modem searching (status 2, no signal); finding it again registers, and the network's time
   * comes once per attach, with the first registration.
   */
  @Override
  public NetDelivery linkChanged(Netif n, boolean up) {
    if (!up) {
      if (registered && !n.outsideLink) {
        registered = false;
        searching = true;
      }
      return NetDelivery.NONE;
    }
    if (flymode || !(attaching || searching)) return NetDelivery.NONE;
    registered = true;
    searching = false;
    if (attaching) {
      attaching = false;
      stack.post(new NetworkTime(stack));
    }
    return NetDelivery.NONE;
  }

  @Override
  public void announcing(Netif n, boolean ready) {
    stack.log('D', "mobile", ready ? "NETIF_LINK_ON -> IP_READY" : "NETIF_LINK_OFF -> IP_LOSE");
  }

  // --- internals ---------------------------------------------------------------------------------

  private void searchAndAttach() {
    registered = false;
    searching = false;
    int attempt = epoch;
    stack.later(stack.options().attachDelayMillis(), () -> attach(attempt));
  }

  /**
   * The attach completes: the bearer up (IP_READY); with coverage, registered and then the network's
   * time ({@link #linkChanged}); without, the modem searches until the network outside returns.
   */
  private NetDelivery attach(int attempt) {
    if (attempt != epoch || flymode) return NetDelivery.NONE;
    attachedApn = userApn != null ? userApn : "cmnet";
    attaching = true;
    return stack.applyNow(gp.number(), LinkMessage.Change.UP);
  }

  private void dropRegistration() {
    registered = false;
    searching = false;
    attaching = false;
    if (gp.linkUp || gp.ipAssigned) stack.bringDown(gp.number());
  }

  /** {@code count} decimal digits taken from the digest from byte {@code from} on. */
  private String digits(int from, int count) {
    StringBuilder b = new StringBuilder(count);
    for (int i = 0; i < count; i++) b.append(Byte.toUnsignedInt(digest[(from + i) % digest.length]) % 10);
    return b.toString();
  }

  /** Appends the Luhn check digit (ISO/IEC 7812), as IMEIs and ICCIDs end. */
  static String withLuhn(String body) {
    int sum = 0;
    for (int i = body.length() - 1, k = 0; i >= 0; i--, k++) {
      int d = body.charAt(i) - '0';
      if (k % 2 == 0) {
        d *= 2;
        if (d > 9) d -= 9;
      }
      sum += d;
    }
    return body + (10 - sum % 10) % 10;
  }

  private static byte[] sha256(String seed) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(("airemu-cellular:" + seed).getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private final NetStack stack;
  private final Netif gp; // LWIP_GP
  private final byte[] digest; // of the device name: identities and signal
  private final Signal signal; // while registered
  private boolean flymode;
  private boolean registered;
  private boolean attaching; // attached, waiting for coverage to register and get the network's time
  private boolean searching; // registered once, lost coverage: registers again when it returns
  private int epoch; // bumped by flight mode and reset: a pending attach of an older epoch is void
  private int simSlot;
  private String userApn; // mobile.apn(..., name, ...): used from the next attach
  private String attachedApn; // the default bearer's APN since the last attach
}
