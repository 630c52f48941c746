package airemu.netif;

import java.security.GeneralSecurityException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

/**
 * The server-certificate check of mbedtls 2.28 as a module runs it with authmode "required"
 * ({@code x509_crt_verify_chain} and {@code x509_crt_verify_name}; nothing copied), giving the same
 * flags. The chain must lead, through the certificates the server sent, to one of the CA
 * certificates (a CA may be a root or an intermediate); every certificate on the way, the CA
 * included, must be valid now; and when the script connected to a name (not an integer IP), the
 * leaf must carry it: in a subjectAltName dNSName when the certificate has that extension,
 * else in a CN, case-insensitively, with a leading {@code *.} matching exactly one label. An IP
 * literal is compared as text, as mbedtls 2.28 does (it reads no iPAddress names). Key usages are
 * not checked.
 */
final class CertCheck {
  private CertCheck() {}

  static final int EXPIRED = 0x01, CN_MISMATCH = 0x04, NOT_TRUSTED = 0x08, FUTURE = 0x200;

  /** The mbedtls verification flags for {@code chain} (leaf first); 0 when it is trusted. */
  static int verify(List<X509Certificate> chain, List<X509Certificate> trusted, String host, Date now) {
    if (chain.isEmpty()) return NOT_TRUSTED;
    int flags = 0;
    X509Certificate child = chain.get(0);
    List<X509Certificate> rest = new ArrayList<>(chain.subList(1, chain.size()));
    for (int depth = 0; ; depth++) {
      flags |= timeFlags(child, now);
      X509Certificate ca = parentIn(trusted, child);
      if (ca != null) {
        flags |= timeFlags(ca, now);
        break;
      }
      X509Certificate next = depth < MAX_INTERMEDIATES ? parentIn(rest, child) : null;
      if (next == null) {
        flags |= NOT_TRUSTED;
        break;
      }
      rest.remove(next);
      child = next;
    }
    if (host != null && !host.isEmpty() && !nameMatches(chain.get(0), host)) flags |= CN_MISMATCH;
    return flags;
  }

  /**
   * The alert mbedtls sends for a rejected certificate ({@code ssl_parse_certificate_verify}): a
   * name mismatch first, then expiry, then an unknown CA, else certificate_unknown.
   */
  static short alert(int flags) {
    if ((flags & CN_MISMATCH) != 0) return 42; // bad_certificate
    if ((flags & EXPIRED) != 0) return 45; // certificate_expired
    if ((flags & NOT_TRUSTED) != 0) return 48; // unknown_ca
    return 46; // certificate_unknown
  }

  private static int timeFlags(X509Certificate c, Date now) {
    if (now.after(c.getNotAfter())) return EXPIRED;
    if (now.before(c.getNotBefore())) return FUTURE;
    return 0;
  }

  /** The certificate of {@code candidates} that issued {@code child}: subject matches, signature verifies. */
  private static X509Certificate parentIn(List<X509Certificate> candidates, X509Certificate child) {
    for (X509Certificate p : candidates) {
      if (!p.getSubjectX500Principal().equals(child.getIssuerX500Principal())) continue;
      try {
        child.verify(p.getPublicKey());
        return p;
      } catch (GeneralSecurityException e) {
        // same name, other key: keep looking
      }
    }
    return null;
  }

  private static boolean nameMatches(X509Certificate leaf, String host) {
    List<String> names = new ArrayList<>();
    try {
      Collection<List<?>> alt = leaf.getSubjectAlternativeNames();
      if (alt != null) {
        for (List<?> entry : alt) {
          if (Integer.valueOf(2).equals(entry.get(0))) names.add((String) entry.get(1));
        }
        for (String n : names) {
          if (matches(n, host)) return true;
        }
        return false;
      }
      for (Rdn rdn : new LdapName(leaf.getSubjectX500Principal().getName()).getRdns()) {
        if (rdn.getType().equalsIgnoreCase("CN") && matches(String.valueOf(rdn.getValue()), host)) return true;
      }
    } catch (CertificateParsingException | InvalidNameException e) {
      return false;
    }
    return false;
  }

  private static boolean matches(String pattern, String host) {
    String p = pattern.toLowerCase(Locale.ROOT);
    String h = host.toLowerCase(Locale.ROOT);
    if (p.equals(h)) return true;
    if (!p.startsWith("*.")) return false;
    int dot = h.indexOf('.');
    return dot > 0 && h.substring(dot).equals(p.substring(1));
  }

  /** {@code MBEDTLS_X509_MAX_INTERMEDIATE_CA}. */
  private static final int MAX_INTERMEDIATES = 8;
}
