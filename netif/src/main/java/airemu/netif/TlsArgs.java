package airemu.netif;

/**
 * The TLS arguments of {@code socket.config} as the script passed them (arguments 8 to 11), each
 * null when absent: {@code serverCert} (TCP: the CA, PEM or DER; DTLS in PSK mode: the PSK itself),
 * {@code clientCert} (TCP: the client certificate; DTLS in PSK mode: the PSK identity),
 * {@code clientKey} and {@code clientPassword} (the client's private key and its password). How
 * they are read, and when DTLS means PSK, is {@link SocketCtrl#config(int, boolean, TlsArgs, long,
 * long, long)}.
 */
public record TlsArgs(byte[] serverCert, byte[] clientCert, byte[] clientKey, byte[] clientPassword) {
  /** {@code socket.config(ctrl, nil, nil, true)}: TLS without certificates, nothing verified. */
  public static final TlsArgs NONE = new TlsArgs(null, null, null, null);
}
