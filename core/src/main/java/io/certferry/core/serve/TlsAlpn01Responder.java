package io.certferry.core.serve;

import io.certferry.core.CertificateBundle;
import io.certferry.core.issue.IssueException;
import io.certferry.core.issue.acme.ChallengeSolver;
import io.certferry.core.issue.acme.PendingChallenge;
import io.certferry.core.issue.acme.TlsAlpn01Certificates;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * tls-alpn-01 answered by the server the key manager serves: {@link #prepare} puts a validation
 * certificate for the name in place, which the key manager hands to {@code acme-tls/1} handshakes for
 * that name until {@link Prepared#cleanup}. Nothing listens on its own: the embedding server must be
 * reachable on the port the CA validates on (443).
 */
final class TlsAlpn01Responder implements ChallengeSolver {
  /** Prefix of the aliases of validation certificates; no lineage alias starts with it. */
  static final String ALIAS_PREFIX = AcmeTlsAlpn.PROTOCOL + ":";

  private final Map<String, ServedCertificate> byName = new ConcurrentHashMap<>();
  private final Map<String, ServedCertificate> byAlias = new ConcurrentHashMap<>();
  private final AtomicLong made = new AtomicLong();

  TlsAlpn01Responder() {}

  @Override
  public String type() { return "tls-alpn-01"; }

  @Override
  public Prepared prepare(PendingChallenge challenge, Consumer<String> progress) throws IssueException {
    if (!type().equals(challenge.type()) || challenge.keyAuthorization() == null) {
      throw new IssueException(IssueException.Kind.LOCAL, "the tls-alpn-01 solver was handed a " + challenge.type()
          + " challenge for " + challenge.domain() + "; configure it for tls-alpn-01 only");
    }
    // The one maker of validation certificates, the built-in solver's too; an IP address is asked for by
    // its reverse name (RFC 8738).
    TlsAlpn01Certificates.Validation v = TlsAlpn01Certificates.create(challenge.domain(), challenge.keyAuthorization());
    String name = normalize(v.serverName());
    CertificateBundle bundle = CertificateBundle.of(v.certificate(), List.of(), v.key().getPrivate());
    ServedCertificate served = new ServedCertificate(ALIAS_PREFIX + name + "#" + made.incrementAndGet(), null, 0, bundle);
    byAlias.put(served.alias(), served);
    // One validation certificate per name: a second order for the same name at once replaces the first
    // (the CA would see one or the other on a connection anyway).
    byName.put(name, served);
    return p -> {
      byName.remove(name, served);
      byAlias.remove(served.alias());
    };
  }

  /** The validation certificate pending for {@code serverName}, if any. */
  Optional<ServedCertificate> forName(String serverName) {
    return serverName == null ? Optional.empty() : Optional.ofNullable(byName.get(serverName));
  }

  /** A validation certificate by the alias the key manager gave out. */
  Optional<ServedCertificate> byAlias(String alias) { return Optional.ofNullable(byAlias.get(alias)); }

  static String normalize(String name) {
    String n = name.trim().toLowerCase(Locale.ROOT);
    return n.endsWith(".") ? n.substring(0, n.length() - 1) : n;
  }
}
