package io.certferry.provider.dnsimple;

import io.certferry.core.testing.ContractValidator;

import java.util.ArrayList;
import java.util.List;
import mockwebserver3.RecordedRequest;

/**
 * Validates requests against DNSimple's own OpenAPI description ({@code ../shared/contracts/dnsimple/openapi.yml})
 * through the shared {@link ContractValidator} (which reads the 3.1 file as 3.0.3 and adds the documented
 * pagination parameters), plus two rules the file states only in prose: a Bearer token on every call and
 * {@code per_page} at most 100.
 */
final class DnsimpleContract {
  private static final String FILE = "dnsimple/openapi.yml";

  private DnsimpleContract() {}

  /**
   * The validator, loaded once per JVM. Where the contracts folder is absent the calling test is skipped
   * (failed under CERTFERRY_REQUIRE_E2E=1).
   */
  static ContractValidator validator() {
    return ContractValidator.forSpec(FILE);
  }

  /** Every way the request breaks the contract; empty when it conforms. */
  static List<String> violations(RecordedRequest r) {
    List<String> out = new ArrayList<>();
    String auth = r.getHeaders().get("Authorization");
    if (auth == null || !auth.matches("Bearer \\S+")) {
      out.add("no Bearer token in Authorization");
    }
    String perPage = r.getUrl().queryParameter("per_page");
    if (perPage != null && Integer.parseInt(perPage) > DnsimpleClient.PER_PAGE) {
      out.add("per_page " + perPage + " above DNSimple's maximum of 100");
    }
    out.addAll(validator().violations(r));
    return out;
  }
}
