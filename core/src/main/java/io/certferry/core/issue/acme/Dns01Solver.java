package io.certferry.core.issue.acme;

import io.certferry.core.dns.DnsException;
import io.certferry.core.dns.DnsProvider;
import io.certferry.core.dns.DnsRecordHandle;
import io.certferry.core.dns.PropagationCheck;
import io.certferry.core.issue.IssueException;
import io.certferry.core.x509.IpAddresses;
import java.util.function.Consumer;

/**
 * dns-01 through a {@link DnsProvider}: creates the TXT record, waits until every authoritative
 * server of the zone shows it ({@link PropagationCheck}), and deletes exactly that record afterwards.
 * The same for dns-account-01 ({@link #accountLabel}), whose record sits under an account-specific
 * label, so two agents or two accounts validating one name never overwrite each other's record.
 *
 * @since 0.1
 */
public final class Dns01Solver implements ChallengeSolver {
  private final String type;
  private final DnsProvider provider;
  private final PropagationCheck propagation;

  /** A dns-01 solver. */
  public Dns01Solver(DnsProvider provider, PropagationCheck propagation) {
    this("dns-01", provider, propagation);
  }

  private Dns01Solver(String type, DnsProvider provider, PropagationCheck propagation) {
    this.type = type;
    this.provider = provider;
    this.propagation = propagation;
  }

  /**
   * A dns-account-01 solver (draft-ietf-acme-dns-account-label), through the same provider and check.
   *
   * @since 0.1
   */
  public static Dns01Solver accountLabel(DnsProvider provider, PropagationCheck propagation) {
    return new Dns01Solver("dns-account-01", provider, propagation);
  }

  @Override
  public String type() { return type; }

  @Override
  public boolean canSolve(String domain, boolean wildcard) { return !IpAddresses.isLiteral(domain); }

  @Override
  public Prepared prepare(PendingChallenge challenge, Consumer<String> progress) throws IssueException {
    DnsRecordHandle handle;
    try {
      handle = provider.createTxt(challenge.dnsName(), challenge.dnsValue());
    } catch (DnsException e) {
      throw new IssueException(IssueException.Kind.LOCAL, type + ": cannot create TXT " + challenge.dnsName() + ": " + e.getMessage(), e);
    }
    return new Prepared() {
      @Override
      public void awaitReady(Consumer<String> p) throws IssueException, InterruptedException {
        propagation.await(challenge.dnsName(), challenge.dnsValue(), p);
      }

      @Override
      public void cleanup(Consumer<String> p) {
        try {
          provider.delete(handle);
        } catch (DnsException | RuntimeException e) {
          p.accept(type + ": could not delete TXT " + challenge.dnsName() + ": " + e.getMessage()
              + "; remove it by hand");
        }
      }
    };
  }
}
