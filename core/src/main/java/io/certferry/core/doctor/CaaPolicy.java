package io.certferry.core.doctor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The decision of RFC 8659 on a name's relevant CAA RRset (the first found climbing from the name), with the
 * parameters of RFC 8657: whether the CA known by {@code identities} may issue for the name with this account and
 * challenge type. One rule, so the doctor and its tests judge alike.
 *
 * @param records each record of the relevant set as {@code flags tag value}
 */
record CaaPolicy(String owner, List<Caa> records) {
  /** One CAA record. */
  record Caa(int flags, String tag, String value) {
    boolean critical() { return (flags & 0x80) != 0; }

    /** The issuer domain name before the first {@code ;}, lower case; empty when nobody may issue. */
    String issuer() {
      int semi = value.indexOf(';');
      return (semi < 0 ? value : value.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
    }

    /** The {@code key=value} parameters after the issuer domain name. */
    Map<String, String> parameters() {
      Map<String, String> out = new LinkedHashMap<>();
      int semi = value.indexOf(';');
      if (semi < 0) {
        return out;
      }
      for (String p : value.substring(semi + 1).split(";")) {
        int eq = p.indexOf('=');
        if (eq > 0) {
          out.put(p.substring(0, eq).trim().toLowerCase(Locale.ROOT), p.substring(eq + 1).trim());
        }
      }
      return out;
    }

    @Override
    public String toString() { return flags + " " + tag + " \"" + value + "\""; }
  }

  private static final Set<String> KNOWN_TAGS = Set.of("issue", "issuewild", "iodef", "contactemail", "contactphone",
      "issuemail", "issuevmc");

  /** Whether the set lets the CA issue, and why not when it does not. */
  record Verdict(boolean allowed, boolean unsure, String why) {}

  /**
   * Judges the set for one name.
   *
   * @param accountUri the ACME account's URL, when it is registered
   * @param challenges the challenge types the issuer answers, most preferred first ({@code http-01}, {@code dns-01})
   */
  Verdict judge(boolean wildcard, List<String> identities, Optional<String> accountUri, List<String> challenges) {
    for (Caa r : records) {
      if (r.critical() && !KNOWN_TAGS.contains(r.tag().toLowerCase(Locale.ROOT))) {
        return new Verdict(false, false, "critical CAA record " + r + " at " + owner + " has a tag no CA understands, "
            + "so none may issue (RFC 8659 section 4.1)");
      }
    }
    List<Caa> relevant = withTag(wildcard ? "issuewild" : "issue");
    String used = wildcard && !relevant.isEmpty() ? "issuewild" : "issue";
    if (wildcard && relevant.isEmpty()) {
      relevant = withTag("issue");
    }
    if (relevant.isEmpty()) {
      return new Verdict(true, false, "CAA at " + owner + " has no " + used + " record, so it does not restrict issuance");
    }
    List<Caa> ours = relevant.stream().filter(r -> identities.contains(r.issuer())).toList();
    if (ours.isEmpty()) {
      return new Verdict(false, false, "CAA " + used + " at " + owner + " allows only " + issuers(relevant));
    }
    List<String> refusals = new ArrayList<>();
    for (Caa r : ours) {
      Map<String, String> p = r.parameters();
      String uri = p.get("accounturi");
      String methods = p.get("validationmethods");
      if (methods != null && List.of(methods.split(",")).stream().map(String::trim).noneMatch(challenges::contains)) {
        refusals.add(r + " allows validationmethods " + methods + ", not " + String.join(" or ", challenges));
      } else if (uri != null && accountUri.isEmpty()) {
        return new Verdict(true, true, r + " allows only account " + uri + "; this account is not registered yet, so it "
            + "must become that one");
      } else if (uri != null && !uri.equals(accountUri.get())) {
        refusals.add(r + " allows account " + uri + ", not " + accountUri.get());
      } else {
        return new Verdict(true, false, "CAA " + used + " at " + owner + " allows " + r.issuer()
            + (p.isEmpty() ? "" : " with " + p));
      }
    }
    return new Verdict(false, false, String.join("; ", refusals));
  }

  private List<Caa> withTag(String tag) {
    return records.stream().filter(r -> r.tag().equalsIgnoreCase(tag)).toList();
  }

  private static String issuers(List<Caa> records) {
    List<String> names = records.stream().map(r -> r.issuer().isEmpty() ? "no CA (\";\")" : r.issuer()).distinct().toList();
    return String.join(", ", names);
  }
}
