package io.certferry.core.doctor;

import io.certferry.core.dns.PropagationCheck;
import io.certferry.core.issue.acme.DnsPersist;
import io.certferry.core.issue.acme.DnsPersist01Solver;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import org.xbill.DNS.CAARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * One name of a certificate in the DNS: CAA lets the CA issue (RFC 8659 climb, {@code issuewild} for a wildcard,
 * RFC 8657 {@code accounturi} and {@code validationmethods}); for a DNS challenge, the authoritative servers answer
 * for the challenge record, and for dns-persist-01 the persistent record authorizes the account; the DNSSEC status. Asks a recursive resolver and the zone's servers; changes nothing.
 */
final class NameCheck implements Check {
  private final String domain;
  private final boolean wildcard;
  private final List<String> challenges;
  private final Callable<AcmeDirectory> directory;
  private final Supplier<Optional<String>> accountUri;
  private final Resolver resolver;
  private final Optional<PropagationCheck> authoritative;
  private final String name;
  private final Clock clock;

  /**
   * @param challenges the challenge types of the issuer, most preferred first
   * @param authoritative how the zone's servers are found and asked, for a DNS challenge; empty for another
   */
  NameCheck(String domain, List<String> challenges, Callable<AcmeDirectory> directory,
            Supplier<Optional<String>> accountUri, Resolver resolver, Optional<PropagationCheck> authoritative,
            Clock clock) {
    this.wildcard = domain.startsWith("*.");
    this.domain = wildcard ? domain.substring(2) : domain;
    this.challenges = List.copyOf(challenges);
    this.clock = clock;
    this.directory = directory;
    this.accountUri = accountUri;
    this.resolver = resolver;
    this.authoritative = authoritative;
    this.name = "name " + domain;
  }

  @Override
  public String name() { return name; }

  @Override
  public List<CheckResult> run() throws Exception {
    List<CheckResult> out = new ArrayList<>();
    out.add(caa());
    authoritative.ifPresent(p -> out.add(servers(p)));
    if (challenges.contains(DnsPersist01Solver.TYPE) && authoritative.isPresent()) {
      out.add(persistentRecord(authoritative.get()));
    }
    out.add(dnssec());
    return out;
  }

  private CheckResult caa() throws IOException {
    Optional<CaaPolicy> set = relevantCaa();
    if (set.isEmpty()) {
      return CheckResult.ok(name, "CAA", "no CAA record at " + domain + " or above: any CA may issue");
    }
    List<String> identities;
    try {
      identities = directory.call().caaIdentities();
    } catch (Exception e) {
      return CheckResult.warn(name, "CAA", "CAA at " + set.get().owner() + " holds " + set.get().records()
          + ", but the CA's directory cannot be read to learn its CAA identity (" + e.getMessage() + ")",
          "fix the CA check first, then run doctor again");
    }
    if (identities.isEmpty()) {
      return CheckResult.warn(name, "CAA", "CAA at " + set.get().owner() + " holds " + set.get().records()
          + "; the CA names no caaIdentities in its directory, so whether it may issue cannot be told",
          "check the CA's documentation for the issuer domain name its CAA records need");
    }
    CaaPolicy.Verdict v = set.get().judge(wildcard, identities, accountUri.get(), challenges);
    String tag = wildcard ? "issuewild" : "issue";
    String record = set.get().owner() + " CAA 0 " + tag + " \"" + identities.get(0) + "\"";
    if (!v.allowed()) {
      return CheckResult.fail(name, "CAA", v.why() + "; the CA (" + String.join(", ", identities)
          + ") would refuse to issue", "add or fix the record at the DNS provider: " + record);
    }
    return v.unsure() ? CheckResult.warn(name, "CAA", v.why(), "register the account the record names, or change "
        + "the record's accounturi after the first registration") : CheckResult.ok(name, "CAA", v.why());
  }

  /** RFC 8659 section 3: climb from the name towards the root until a CAA set is found. */
  private Optional<CaaPolicy> relevantCaa() throws IOException {
    for (Name n = dnsName(domain); n.labels() > 1; n = new Name(n, 1)) {
      Message r = resolver.send(Message.newQuery(Record.newRecord(n, Type.CAA, DClass.IN)));
      if (r.getRcode() != Rcode.NOERROR && r.getRcode() != Rcode.NXDOMAIN) {
        throw new IOException("the resolver answered " + Rcode.string(r.getRcode()) + " for CAA " + n);
      }
      List<CaaPolicy.Caa> found = new ArrayList<>();
      for (Record rec : r.getSection(Section.ANSWER)) {
        if (rec instanceof CAARecord caa) {
          found.add(new CaaPolicy.Caa(caa.getFlags(), caa.getTag(), caa.getValue()));
        }
      }
      if (!found.isEmpty()) {
        return Optional.of(new CaaPolicy(n.toString(true), found));
      }
    }
    return Optional.empty();
  }

  private CheckResult servers(PropagationCheck p) {
    String record = "_acme-challenge." + domain;
    try {
      var seen = p.lookup(record);
      List<String> silent = new ArrayList<>();
      for (var e : seen.entrySet()) {
        if (e.getValue().stream().anyMatch(v -> v.startsWith("(no answer"))) {
          silent.add(host(e.getKey()));
        }
      }
      if (silent.isEmpty()) {
        return CheckResult.ok(name, "authoritative servers", "all " + seen.size() + " answer for " + record);
      }
      return CheckResult.fail(name, "authoritative servers", silent.size() + " of " + seen.size()
          + " do not answer for " + record + " (" + String.join(", ", silent) + ")",
          "fix or remove the name servers that do not answer (the CA asks any of them), or set propagationServers");
    } catch (Exception e) {
      return CheckResult.fail(name, "authoritative servers", e.getMessage(),
          "delegate the zone to the DNS provider's name servers at the registrar");
    }
  }

  /**
   * dns-persist-01: the {@code _validation-persist} record authorizes the account at every server, by the rule the
   * solver itself applies before an order ({@link DnsPersist#check}); the CA's CAA identities stand for the issuer
   * domain names its challenge will name.
   */
  private CheckResult persistentRecord(PropagationCheck dns) {
    String subject = "dns-persist-01 record";
    Optional<String> account = accountUri.get();
    if (account.isEmpty()) {
      return CheckResult.warn(name, subject, "the ACME account is not registered yet, and the record must name its URL",
          "run `certferry dns-persist record --name CERTIFICATE` (it registers the account) and add the lines it prints");
    }
    try {
      List<String> issuers = directory.call().caaIdentities();
      DnsPersist.Status st = DnsPersist.check(domain, wildcard, account.get(), issuers, dns, clock.instant());
      return st.inPlace() ? CheckResult.ok(name, subject, st.explanation())
          : CheckResult.fail(name, subject, st.explanation(), "add the record `certferry dns-persist record --name "
              + "CERTIFICATE` prints at the DNS host, then wait for it to reach every server");
    } catch (Exception e) {
      return CheckResult.fail(name, subject, "cannot be looked up: " + e.getMessage(),
          "check that the zone is delegated and its servers answer");
    }
  }

  /** The resolver's AD bit, else whether the zone has a DS record at its parent: a report, never a failure. */
  private CheckResult dnssec() {
    try {
      Name n = dnsName(domain);
      Message q = Message.newQuery(Record.newRecord(n, Type.SOA, DClass.IN));
      q.getHeader().setFlag(Flags.AD);
      q.addRecord(new OPTRecord(1232, 0, 0, Flags.DO), Section.ADDITIONAL);
      Message r = resolver.send(q);
      if (r.getHeader().getFlag(Flags.AD)) {
        return CheckResult.ok(name, "DNSSEC", "signed; the resolver validated the answer");
      }
      Name zone = zoneOf(n, r);
      Message ds = resolver.send(Message.newQuery(Record.newRecord(zone, Type.DS, DClass.IN)));
      boolean hasDs = ds.getSection(Section.ANSWER).stream().anyMatch(x -> x.getType() == Type.DS);
      return hasDs ? CheckResult.warn(name, "DNSSEC", "the zone " + zone.toString(true) + " has a DS record, but the "
          + "resolver did not validate the answer", "check the DNSSEC chain (dnsviz.net) and that this machine's resolver "
          + "validates; a broken chain makes validating CAs fail")
          : CheckResult.ok(name, "DNSSEC", "not signed (no DS record for " + zone.toString(true) + ")");
    } catch (IOException e) {
      return CheckResult.warn(name, "DNSSEC", "cannot be told: " + e.getMessage(), "check the system resolver");
    }
  }

  /** The zone apex: the owner of the SOA an answer or its authority section carries, else the name itself. */
  private static Name zoneOf(Name n, Message r) {
    for (int section : new int[] {Section.ANSWER, Section.AUTHORITY}) {
      for (Record rec : r.getSection(section)) {
        if (rec instanceof SOARecord) {
          return rec.getName();
        }
      }
    }
    return n;
  }

  private static Name dnsName(String text) throws TextParseException {
    return Name.fromString(text.endsWith(".") ? text : text + ".");
  }

  private static String host(InetSocketAddress a) {
    return a.getAddress().getHostAddress() + (a.getPort() == 53 ? "" : ":" + a.getPort());
  }
}
