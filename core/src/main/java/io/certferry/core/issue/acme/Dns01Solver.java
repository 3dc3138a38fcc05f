package io.certferry.core.issue.acme;

import io.certferry.core.dns.DnsException;
import io.certferry.core.dns.DnsProvider;
import io.certferry.core.dns.DnsRecordHandle;
import io.certferry.core.dns.PropagationCheck;
import io.certferry.core.issue.IssueException;
import java.util.function.Consumer;

/**
 * dns-01 through a {@link DnsProvider}: creates the TXT record, waits until every authoritative
 * server of the zone shows it ({@link PropagationCheck}), and deletes exactly that record afterwards.
 *
 * @since 0.1
 */
public final class Dns01Solver implements ChallengeSolver {
  private final DnsProvider provider;
  private final PropagationCheck propagation;

  public Dns01Solver(DnsProvider provider, PropagationCheck propagation) {
    this.provider = provider;
    this.propagation = propagation;
  }

  @Override
  public String type() { return "dns-01"; }

  @Override
  public boolean canSolve(String domain, boolean wildcard) { return true; }

  @Override
  public Prepared prepare(PendingChallenge challenge, Consumer<String> progress) throws IssueException {
    DnsRecordHandle handle;
    try {
      handle = provider.createTxt(challenge.dnsName(), challenge.dnsValue());
    } catch (DnsException e) {
      throw new IssueException(IssueException.Kind.LOCAL, "dns-01: cannot create TXT " + challenge.dnsName() + ": " + e.getMessage(), e);
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
          p.accept("dns-01: could not delete TXT " + challenge.dnsName() + ": " + e.getMessage()
              + "; remove it by hand");
        }
      }
    };
  }
}
