package io.certferry.core.issue.acme;

import io.certferry.core.issue.IssueException;
import io.certferry.core.issue.IssueException.Kind;
import io.certferry.core.x509.IpAddresses;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.shredzone.acme4j.Authorization;
import org.shredzone.acme4j.Login;
import org.shredzone.acme4j.challenge.Challenge;
import org.shredzone.acme4j.challenge.Dns01Challenge;
import org.shredzone.acme4j.challenge.DnsAccount01Challenge;
import org.shredzone.acme4j.challenge.Http01Challenge;
import org.shredzone.acme4j.challenge.TlsAlpn01Challenge;
import org.shredzone.acme4j.toolbox.JSON;

/**
 * Picks the challenge of one authorization: the first solver in the configured preference order whose
 * kind can validate the name, whose type the CA offers for it, and that can answer now; and says why,
 * naming every earlier choice that was passed over and the reason. That sentence is the progress line
 * and what {@code renew --explain} shows.
 *
 * <p>dns-persist-01 has no acme4j class: it is read from acme4j's generic {@link Challenge} found by type
 * ({@link Authorization#findChallenge(String)}), whose JSON holds {@code accounturi} and
 * {@code issuer-domain-names}; triggering it sends the empty response the draft asks for.
 */
final class ChallengeChoice {
  private final List<ChallengeSolver> solvers;

  /** @param solvers in preference order */
  ChallengeChoice(List<ChallengeSolver> solvers) {
    this.solvers = List.copyOf(solvers);
  }

  /** The chosen challenge, the solver that answers it, what it must answer, and why it was chosen. */
  record Chosen(Challenge challenge, ChallengeSolver solver, PendingChallenge pending, String reason) {}

  /**
   * @param orderNames every name of the order: a dns-persist-01 record for {@code example.org} carries
   *     {@code policy=wildcard} when the order also holds {@code *.example.org}, so one record serves both
   */
  Chosen choose(Login login, Authorization auth, Set<String> orderNames) throws IssueException, InterruptedException {
    String domain = auth.getIdentifier().getValue();
    boolean wildcard = auth.isWildcard();
    List<String> passed = new ArrayList<>();
    for (ChallengeSolver solver : solvers) {
      String type = solver.type();
      if (!solver.canSolve(domain, wildcard)) {
        passed.add(type + " cannot validate " + (wildcard ? "wildcard names" : IpAddresses.isLiteral(domain)
            ? "IP addresses" : "this name"));
        continue;
      }
      Optional<Challenge> offered = auth.findChallenge(type);
      if (offered.isEmpty()) {
        passed.add(type + " is not offered by the CA for it");
        continue;
      }
      PendingChallenge pending = pending(login, auth, offered.get(), solver, orderNames);
      Optional<String> unavailable = solver.unavailable(pending);
      if (unavailable.isPresent()) {
        passed.add(unavailable.get());
        continue;
      }
      String why = passed.isEmpty() ? (solvers.size() == 1 ? "the configured challenge" : "first choice")
          : "choice " + (passed.size() + 1) + " of " + solvers.size() + ": " + String.join("; ", passed);
      return new Chosen(offered.get(), solver, pending, type + " (" + why + ")");
    }
    List<String> offered = auth.getChallenges().stream().map(Challenge::getType).toList();
    throw new IssueException(Kind.LOCAL, "no configured challenge can validate " + label(auth) + ": "
        + String.join("; ", passed) + " (the CA offers " + String.join(", ", offered) + ")"
        + (wildcard ? "; wildcards need dns-01, dns-account-01 or dns-persist-01" : "")
        + (IpAddresses.isLiteral(domain) ? "; IP addresses need http-01 or tls-alpn-01" : ""));
  }

  private static PendingChallenge pending(Login login, Authorization auth, Challenge c, ChallengeSolver solver,
                                          Set<String> orderNames) throws IssueException {
    String domain = auth.getIdentifier().getValue();
    boolean wildcard = auth.isWildcard();
    if (c instanceof Http01Challenge h) {
      return PendingChallenge.http01(domain, h.getToken(), h.getAuthorization());
    }
    if (c instanceof Dns01Challenge d) {
      return PendingChallenge.dns01(domain, wildcard, d.getDigest());
    }
    if (c instanceof DnsAccount01Challenge d) {
      return PendingChallenge.dnsAccount01(domain, wildcard, d.getRRName(auth.getIdentifier()), d.getDigest());
    }
    if (c instanceof TlsAlpn01Challenge t) {
      return PendingChallenge.tlsAlpn01(domain, null, t.getAuthorization());
    }
    if (solver instanceof DnsPersist01Solver persist) {
      JSON json = c.getJSON();
      List<String> issuers = json.get("issuer-domain-names").optional().map(v -> v.asArray().stream()
          .map(JSON.Value::asString).toList()).orElse(List.of());
      if (issuers.isEmpty()) {
        throw new IssueException(Kind.CA_REJECTED, "dns-persist-01 challenge for " + domain
            + " names no issuer-domain-names; the CA's challenge is malformed, choose another challenge type");
      }
      String account = json.get("accounturi").optional().map(JSON.Value::asString)
          .orElse(login.getAccountLocation().toString());
      boolean policyWildcard = wildcard || orderNames.contains("*." + domain);
      return PendingChallenge.dnsPersist01(domain, persist.record(issuers.get(0), account, policyWildcard), issuers);
    }
    throw new IssueException(Kind.LOCAL, "the " + solver.type() + " solver has no way to read the CA's "
        + c.getType() + " challenge");
  }

  static String label(Authorization auth) {
    return (auth.isWildcard() ? "*." : "") + auth.getIdentifier().getValue();
  }
}
