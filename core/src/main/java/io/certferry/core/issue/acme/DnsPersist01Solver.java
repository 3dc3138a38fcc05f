package io.certferry.core.issue.acme;

import io.certferry.core.dns.DnsException;
import io.certferry.core.dns.DnsProvider;
import io.certferry.core.dns.PropagationCheck;
import io.certferry.core.issue.IssueException;
import io.certferry.core.issue.IssueException.Kind;
import io.certferry.core.x509.IpAddresses;

import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * dns-persist-01 (draft-ietf-acme-dns-persist-02): one persistent {@code _validation-persist} TXT record
 * authorizes the account for the name. When the record is in place at every server (the operator added
 * it, or an earlier issuance did), nothing is written: renewals need no DNS change and no DNS token.
 * When it is missing and a {@link DnsProvider} is configured, the record is created once and left in
 * place afterwards; without a provider the solver is {@linkplain #unavailable unavailable}, with the
 * exact record to add, so the next challenge in the preference list is used, or issuance fails saying so.
 *
 * @since 0.1
 */
public final class DnsPersist01Solver implements ChallengeSolver {
  /** The challenge type. */
  public static final String TYPE = "dns-persist-01";

  private final Optional<DnsProvider> provider;
  private final PropagationCheck dns;
  private final Optional<Instant> persistUntil;
  private final Clock clock;

  /**
   * @param provider creates the record when it is missing; empty: the operator adds it
   * @param dns where the record is looked up and waited for (the zone's authoritative servers by default)
   * @param persistUntil written into a record Certferry creates: when the CA stops accepting it
   */
  public DnsPersist01Solver(Optional<DnsProvider> provider, PropagationCheck dns, Optional<Instant> persistUntil,
                            Clock clock) {
    this.provider = provider;
    this.dns = dns;
    this.persistUntil = persistUntil;
    this.clock = clock;
  }

  /**
   * The {@code persistUntil} of the records this solver creates.
   *
   * @since 0.1
   */
  public Optional<Instant> persistUntil() { return persistUntil; }

  /**
   * The record this solver wants for an account at a CA; {@code wildcard} adds {@code policy=wildcard}.
   *
   * @since 0.1
   */
  public DnsPersistRecord record(String issuerDomainName, String accountUri, boolean wildcard) {
    return new DnsPersistRecord(issuerDomainName, accountUri, wildcard, persistUntil);
  }

  @Override
  public String type() { return TYPE; }

  @Override
  public boolean canSolve(String domain, boolean wildcard) { return !IpAddresses.isLiteral(domain); }

  @Override
  public Optional<String> unavailable(PendingChallenge challenge) throws IssueException {
    expired(challenge);
    if (provider.isPresent() || status(challenge).inPlace()) {
      return Optional.empty();
    }
    return Optional.of(missing(challenge));
  }

  @Override
  public Prepared prepare(PendingChallenge challenge, Consumer<String> progress) throws IssueException {
    expired(challenge);
    DnsPersist.Status status = status(challenge);
    if (status.inPlace()) {
      progress.accept("dns-persist-01 record " + status.recordName() + " in place for " + challenge.domain()
          + "; no DNS change");
      return p -> { };
    }
    if (provider.isEmpty()) {
      throw new IssueException(Kind.LOCAL, missing(challenge) + " (" + status.explanation() + ")");
    }
    try {
      provider.get().createTxt(challenge.dnsName(), challenge.dnsValue());
    } catch (DnsException e) {
      throw new IssueException(Kind.LOCAL, "dns-persist-01: cannot create TXT " + challenge.dnsName() + ": "
          + e.getMessage(), e);
    }
    progress.accept("dns-persist-01 record " + challenge.dnsName() + " created once (\"" + challenge.dnsValue()
        + "\"); it stays, so renewals need no DNS change");
    return new Prepared() {
      @Override
      public void awaitReady(Consumer<String> p) throws IssueException, InterruptedException {
        dns.await(challenge.dnsName(), challenge.dnsValue(), p);
      }

      @Override
      public void cleanup(Consumer<String> p) {
        // The record is persistent by design: removing it would make the next renewal write DNS again.
      }
    };
  }

  private DnsPersist.Status status(PendingChallenge c) throws IssueException {
    return DnsPersist.check(c.domain(), c.wildcard(), c.persist().accountUri(), c.issuerDomainNames(), dns,
        clock.instant());
  }

  private void expired(PendingChallenge c) throws IssueException {
    if (c.persist().persistUntil().filter(t -> !t.isAfter(clock.instant())).isPresent()) {
      throw new IssueException(Kind.LOCAL, "dns-persist-01: persistUntil " + c.persist().persistUntil().get()
          + " has passed, so the CA would refuse the record for " + c.domain()
          + "; move dnsPersist.persistUntil into the future or remove it");
    }
  }

  private static String missing(PendingChallenge c) {
    return "dns-persist-01: the record for " + c.domain() + " is not in place and no dnsProvider is set to create it;"
        + " add " + c.persist().zoneLine(c.domain()) + " at your DNS host (certferry dns-persist record prints it)";
  }
}
