package io.certferry.provider.digitalocean;

import com.fasterxml.jackson.databind.JsonNode;
import io.certferry.core.deploy.DeployException;
import io.certferry.core.doctor.CheckResult;

import java.util.List;

/** The check every DigitalOcean target starts with: {@code GET /v2/account} with its token. */
final class DigitalOceanDoctor {
  private DigitalOceanDoctor() {}

  /** Adds the token's finding to {@code out}; false when the token is refused, so nothing else can be asked. */
  static boolean token(String check, DigitalOceanApi api, DigitalOceanSettings settings, List<CheckResult> out) {
    JsonNode account;
    try {
      account = api.account();
    } catch (DeployException e) {
      out.add(CheckResult.fail(check, "token " + settings.tokenReference(), e.getMessage(),
          "create a token with read and write scope at https://cloud.digitalocean.com/account/api/tokens and put it "
              + "where " + settings.tokenReference() + " points"));
      return false;
    }
    String status = account.path("status").asText("active");
    out.add(status.equals("active") ? CheckResult.ok(check, "token " + settings.tokenReference(), "accepted (account "
            + status + ")")
        : CheckResult.warn(check, "token " + settings.tokenReference(), "accepted, but the account is " + status
            + (account.path("status_message").asText("").isEmpty() ? "" : ": " + account.path("status_message").asText()),
            "resolve the account's status in the DigitalOcean control panel; a locked account cannot change resources"));
    return true;
  }
}
