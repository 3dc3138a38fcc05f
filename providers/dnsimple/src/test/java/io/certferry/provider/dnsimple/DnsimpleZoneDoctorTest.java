package io.certferry.provider.dnsimple;

import static org.assertj.core.api.Assertions.assertThat;

import io.certferry.core.doctor.CheckResult;
import io.certferry.core.testing.FakeTime;

import java.io.IOException;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code doctor}'s look at dns-01 through DNSimple against the fake: the zone is in the account, its records list. */
class DnsimpleZoneDoctorTest {
  private static final long ACCOUNT = 1010;
  private final FakeTime time = new FakeTime(Instant.parse("2026-11-25T10:00:00Z"));
  private DnsimpleTestServer dnsimple;

  private DnsimpleDnsProvider provider(FakeDnsimple fake) throws IOException {
    dnsimple = new DnsimpleTestServer(fake);
    return new DnsimpleDnsProviderFactory().create(dnsimple.settings(ACCOUNT), DnsimpleTestServer.context(time));
  }

  @AfterEach
  void close() {
    if (dnsimple != null) {
      dnsimple.close();
    }
  }

  @Test
  void theZoneHoldingTheNameIsFoundAndItsRecordsList() throws Exception {
    FakeDnsimple fake = new FakeDnsimple(ACCOUNT, true).zone("example.com");
    fake.existingTxt("example.com", "_acme-challenge.www", "another tool's token");

    List<CheckResult> r = provider(fake).diagnoseZone("name www.example.com", "_acme-challenge.www.example.com");

    assertThat(r).extracting(CheckResult::status).containsOnly(CheckResult.Status.OK);
    assertThat(r).extracting(CheckResult::message).containsExactly("example.com (account 1010)",
        "the token lists the zone's records (1 TXT at _acme-challenge.www)");
    assertThat(fake.requests()).allMatch(q -> q.getMethod().equals("GET"));
    assertThat(fake.violations()).isEmpty();
  }

  @Test
  void aNameNoZoneOfTheAccountHoldsFailsNamingTheZonesThereAre() throws Exception {
    FakeDnsimple fake = new FakeDnsimple(ACCOUNT, true).zone("example.org");

    CheckResult r = provider(fake).diagnoseZone("name www.example.com", "_acme-challenge.www.example.com").get(0);

    assertThat(r.status()).isEqualTo(CheckResult.Status.FAIL);
    assertThat(r.message()).contains("no zone of DNSimple account 1010 holds _acme-challenge.www.example.com",
        "its zones are example.org", "add the zone at DNSimple");
  }
}
