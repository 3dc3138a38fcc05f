package io.certferry.core.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.certferry.core.ProviderRegistry;
import io.certferry.core.issue.acme.AcmeSettings;
import io.certferry.core.testing.PebbleServer;
import io.certferry.core.x509.CertificateReader;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The CA check against pebble-ari requiring EAB and offering the profiles default and shortlived: all ok when the
 * settings match, and each failure kind (terms, EAB, profile, clock skew, unreachable) with its fix.
 */
class AcmeCaCheckTest {
  private static final String KID = "kid-doctor";
  private static final String HMAC = "zWNDZM6eQGHWpSRTPal5eIUYFTu7EajVIoguysqZ9wG44nMEtx3MUAsUDkMTQ12W";
  private static PebbleServer pebble;

  @BeforeAll
  static void start() {
    pebble = PebbleServer.builder().ari().eab(Map.of(KID, HMAC)).start();
  }

  @AfterAll
  static void stop() {
    pebble.close();
  }

  private static ObjectNode block() {
    ObjectNode b = new ObjectMapper().createObjectNode().put("type", "acme").put("server", pebble.directoryUrl().toString())
        .put("serverCa", pebble.serverCaFile().toString()).put("agreeTos", true).put("profile", "shortlived");
    b.putObject("eab").put("keyId", KID).put("hmacKey", "${env:EAB_HMAC}");
    return b;
  }

  private static List<CheckResult> check(ObjectNode block, Clock clock) throws Exception {
    AcmeSettings s = AcmeSettings.read(block, List.of("a.test"), ProviderRegistry.of()).settings().orElseThrow();
    return new AcmeCaCheck(s, () -> AcmeDirectory.read(s.directory(), CertificateReader.read(
        s.serverCa().get()), Duration.ofSeconds(5)), clock).run();
  }

  private static CheckResult about(List<CheckResult> results, String subject) {
    return results.stream().filter(r -> r.subject().equals(subject)).findFirst().orElseThrow();
  }

  @Test
  void settingsThatMatchTheCaAreAllOk() throws Exception {
    List<CheckResult> r = check(block(), Clock.systemUTC());

    assertThat(r).extracting(CheckResult::subject)
        .containsExactly("directory", "terms of service", "external account binding", "profile", "clock");
    assertThat(r).allMatch(x -> x.status() == CheckResult.Status.OK, "all ok: " + r);
    assertThat(about(r, "terms of service").message()).startsWith("agreed (");
    assertThat(about(r, "external account binding").message()).isEqualTo("required and configured (key id kid-doctor)");
    assertThat(about(r, "profile").message()).isEqualTo("shortlived is offered");
    assertThat(about(r, "clock").message()).startsWith("within ").endsWith(" s of the CA's (Date header)");
    assertThat(r.toString()).doesNotContain(HMAC);
  }

  @Test
  void termsNotAgreedToFailWithTheSettingToAdd() throws Exception {
    CheckResult r = about(check(block().put("agreeTos", false), Clock.systemUTC()), "terms of service");

    assertThat(r.status()).isEqualTo(CheckResult.Status.FAIL);
    assertThat(r.message()).startsWith("not agreed to; the CA requires ");
    assertThat(r.fix()).contains("read them and set agreeTos: true in the issuer block");
  }

  @Test
  void aCaRequiringEabWithoutItConfiguredFails() throws Exception {
    ObjectNode b = block();
    b.remove("eab");

    CheckResult r = about(check(b, Clock.systemUTC()), "external account binding");

    assertThat(r.status()).isEqualTo(CheckResult.Status.FAIL);
    assertThat(r.message()).contains("meta.externalAccountRequired");
    assertThat(r.fix().orElseThrow()).startsWith("add eab: {keyId: KID, hmacKey: ${env:EAB_HMAC_KEY}}");
  }

  @Test
  void aProfileTheCaDoesNotOfferFailsNamingThoseOffered() throws Exception {
    CheckResult r = about(check(block().put("profile", "longlived"), Clock.systemUTC()), "profile");

    assertThat(r.status()).isEqualTo(CheckResult.Status.FAIL);
    assertThat(r.message()).isEqualTo("profile longlived is not offered by " + pebble.directoryUrl()
        + "; offered: default, shortlived; set profile: to one of them");
    assertThat(r.fix()).contains("set profile: to one of default, shortlived");
  }

  @Test
  void aClockMinutesOffTheCasFailsAndOneOffBySecondsWarns() throws Exception {
    CheckResult far = about(check(block(), Clock.offset(Clock.systemUTC(), Duration.ofMinutes(10))), "clock");
    CheckResult near = about(check(block(), Clock.offset(Clock.systemUTC(), Duration.ofMinutes(-1))), "clock");

    assertThat(far.status()).isEqualTo(CheckResult.Status.FAIL);
    assertThat(far.message()).matches("this machine's clock is 6\\d\\d s ahead of the CA's");
    assertThat(far.fix().orElseThrow()).contains("timedatectl set-ntp true");
    assertThat(near.status()).isEqualTo(CheckResult.Status.WARN);
    assertThat(near.message()).matches("this machine's clock is [56]\\d s behind the CA's");
  }

  @Test
  void aDirectoryThatCannotBeReadFailsWithWhatToCheck() throws Exception {
    ObjectNode b = block().put("server", "https://localhost:" + PebbleServer.freePort() + "/dir");

    List<CheckResult> r = check(b, Clock.systemUTC());

    assertThat(r).hasSize(1);
    assertThat(r.get(0).status()).isEqualTo(CheckResult.Status.FAIL);
    assertThat(r.get(0).message()).startsWith("cannot be read: ");
    assertThat(r.get(0).fix().orElseThrow()).contains("check the issuer's server", "serverCa");
  }
}
