package io.certferry.provider.dnsimple;

import io.certferry.core.testing.FakeTime;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.certferry.core.dns.DnsException;
import io.certferry.core.dns.DnsRecordHandle;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DnsimpleDnsProviderTest {
  private static final long ACCOUNT = 1010;
  private final ObjectMapper json = new ObjectMapper();
  private final FakeTime time = new FakeTime(Instant.parse("2026-11-25T10:00:00Z"));
  private DnsimpleTestServer dnsimple;

  private DnsimpleDnsProvider provider(FakeDnsimple fake, Long account, boolean confirm) throws IOException {
    dnsimple = new DnsimpleTestServer(fake);
    var settings = dnsimple.settings(account).put("confirmDistribution", confirm);
    return new DnsimpleDnsProviderFactory().create(settings, DnsimpleTestServer.context(time));
  }

  @AfterEach
  void close() {
    if (dnsimple != null) {
      dnsimple.close();
    }
  }

  @Test
  void createsTxtAtTheRelativeNameWithTtl60AndKeepsTheRecordId() throws Exception {
    FakeDnsimple fake = new FakeDnsimple(ACCOUNT, true).zone("example.com");
    DnsRecordHandle h = provider(fake, ACCOUNT, false).createTxt("_acme-challenge.www.example.com", "tok-1");

    List<JsonNode> recs = fake.records("example.com");
    assertThat(recs).hasSize(1);
    assertThat(h.recordId()).isEqualTo(recs.get(0).path("id").asText());
    assertThat(h.zone()).isEqualTo("example.com");
    RecordedRequest post = last(fake, "POST");
    assertThat(post.getUrl().encodedPath()).isEqualTo("/v2/1010/zones/example.com/records");
    JsonNode body = json.readTree(post.getBody().utf8());
    assertThat(body.path("name").asText()).isEqualTo("_acme-challenge.www");
    assertThat(body.path("type").asText()).isEqualTo("TXT");
    assertThat(body.path("content").asText()).isEqualTo("tok-1");
    assertThat(body.path("ttl").asInt()).isEqualTo(60);
    assertThat(post.getHeaders().get("Authorization")).isEqualTo("Bearer " + FakeDnsimple.TOKEN);
  }

  @Test
  void aDelegatedChallengeZoneGetsTheRecordAtItsApex() throws Exception {
    FakeDnsimple fake = new FakeDnsimple(ACCOUNT, true).zone("example.com").zone("_acme-challenge.example.com");
    DnsRecordHandle h = provider(fake, ACCOUNT, false).createTxt("_acme-challenge.example.com", "apex-tok");

    assertThat(h.zone()).isEqualTo("_acme-challenge.example.com");
    assertThat(json.readTree(last(fake, "POST").getBody().utf8()).path("name").asText()).isEmpty();
    assertThat(fake.records("example.com")).isEmpty();
  }

  @Test
  void picksTheLongestMatchingZoneOnALabelBoundary() throws Exception {
    FakeDnsimple fake = new FakeDnsimple(ACCOUNT, true)
        .zone("example.com").zone("sub.example.com").zone("ub.example.com").zone("example.org");
    DnsimpleDnsProvider p = provider(fake, ACCOUNT, false);

    assertThat(p.createTxt("_acme-challenge.www.sub.example.com", "a").zone()).isEqualTo("sub.example.com");
    assertThat(p.createTxt("_acme-challenge.notsub.example.com", "b").zone()).isEqualTo("example.com");
    assertThat(p.createTxt("_acme-challenge.WWW.Sub.Example.COM.", "c").zone()).isEqualTo("sub.example.com");
    assertThat(json.readTree(last(fake, "POST").getBody().utf8()).path("name").asText())
        .isEqualTo("_acme-challenge.www");
  }

  @Test
  void readsZonesOverSeveralPagesOnceAndKeepsThemForTheRun() throws Exception {
    FakeDnsimple fake = new FakeDnsimple(ACCOUNT, true);
    for (int i = 0; i < 250; i++) {
      fake.zone("zone" + i + ".test");
    }
    fake.zone("last.example.net");
    DnsimpleDnsProvider p = provider(fake, ACCOUNT, false);

    assertThat(p.createTxt("_acme-challenge.last.example.net", "x").zone()).isEqualTo("last.example.net");
    assertThat(p.createTxt("_acme-challenge.zone3.test", "y").zone()).isEqualTo("zone3.test");

    List<RecordedRequest> listings = fake.requests().stream()
        .filter(r -> r.getUrl().encodedPath().equals("/v2/1010/zones")).toList();
    assertThat(listings).extracting(r -> r.getUrl().queryParameter("page")).containsExactly("1", "2", "3");
    assertThat(listings).extracting(r -> r.getUrl().queryParameter("per_page")).containsOnly("100");
  }

  @Test
  void aZoneAddedWhileRunningIsFoundByReadingTheListAgainOnce() throws Exception {
    FakeDnsimple fake = new FakeDnsimple(ACCOUNT, true).zone("example.com");
    DnsimpleDnsProvider p = provider(fake, ACCOUNT, false);
    p.createTxt("_acme-challenge.example.com", "a");
    fake.zone("example.dev");

    assertThat(p.createTxt("_acme-challenge.example.dev", "b").zone()).isEqualTo("example.dev");
    p.createTxt("_acme-challenge.www.example.com", "c");

    assertThat(fake.requests()).filteredOn(r -> r.getUrl().encodedPath().equals("/v2/1010/zones")).hasSize(2);
  }

  @Test
  void discoversTheAccountWithWhoamiOnce() throws Exception {
    FakeDnsimple fake = new FakeDnsimple(4242, true).zone("example.com");
    DnsimpleDnsProvider p = provider(fake, null, false);

    DnsRecordHandle h = p.createTxt("_acme-challenge.example.com", "v");
    p.delete(h);
    p.createTxt("_acme-challenge.www.example.com", "w");

    assertThat(h.details()).containsEntry("account", "4242");
    assertThat(fake.requests()).filteredOn(r -> r.getUrl().encodedPath().equals("/v2/whoami")).hasSize(1);
  }

  @Test
  void aUserTokenWithoutAccountIsToldToSetTheAccount() throws Exception {
    FakeDnsimple fake = new FakeDnsimple(ACCOUNT, false).zone("example.com");
    DnsimpleDnsProvider p = provider(fake, null, false);

    assertThatThrownBy(() -> p.createTxt("_acme-challenge.example.com", "v"))
        .isInstanceOf(DnsException.class)
        .hasMessageContaining("belongs to a user")
        .hasMessageContaining("set `account`");
    assertThat(fake.records("example.com")).isEmpty();
  }

  @Test
  void deletesItsRecordByIdComparingTheQuotedContentUnquoted() throws Exception {
    FakeDnsimple fake = new FakeDnsimple(ACCOUNT, true).zone("example.com");
    DnsimpleDnsProvider p = provider(fake, ACCOUNT, false);
    DnsRecordHandle h = p.createTxt("_acme-challenge.example.com", "Zm9v-LjE_yz");

    assertThat(fake.records("example.com").get(0).path("content").asText()).isEqualTo("\"Zm9v-LjE_yz\"");
    p.delete(h);

    assertThat(fake.records("example.com")).isEmpty();
    assertThat(last(fake, "DELETE").getUrl().encodedPath()).isEqualTo("/v2/1010/zones/example.com/records/" + h.recordId());
  }

  @Test
  void deletingARecordAlreadyGoneIsNotAnError() throws Exception {
    FakeDnsimple fake = new FakeDnsimple(ACCOUNT, true).zone("example.com");
    DnsimpleDnsProvider p = provider(fake, ACCOUNT, false);
    DnsRecordHandle h = p.createTxt("_acme-challenge.example.com", "v");
    p.delete(h);
    int before = fake.requests().size();

    p.delete(h);
    assertThat(fake.requests().size()).isEqualTo(before);
  }

  @Test
  void neverDeletesARecordThisRunDidNotCreate() throws Exception {
    FakeDnsimple fake = new FakeDnsimple(ACCOUNT, true).zone("example.com");
    long foreign = fake.existingTxt("example.com", "_acme-challenge", "someone-elses");
    DnsimpleDnsProvider p = provider(fake, ACCOUNT, false);

    DnsRecordHandle forged = new DnsRecordHandle("_acme-challenge.example.com", "someone-elses", "example.com",
        String.valueOf(foreign));
    assertThatThrownBy(() -> p.delete(forged))
        .isInstanceOf(DnsException.class).hasMessageContaining("did not create it");
    assertThat(fake.requests()).noneMatch(r -> r.getMethod().equals("DELETE"));
    assertThat(fake.records("example.com")).hasSize(1);
  }

  @Test
  void leavesARecordWhoseContentChangedUntouched() throws Exception {
    FakeDnsimple fake = new FakeDnsimple(ACCOUNT, true).zone("example.com");
    DnsimpleDnsProvider p = provider(fake, ACCOUNT, false);
    DnsRecordHandle h = p.createTxt("_acme-challenge.example.com", "ours");
    ((ObjectNode) fake.records("example.com").get(0)).put("content", "\"theirs\"");

    assertThatThrownBy(() -> p.delete(h)).isInstanceOf(DnsException.class)
        .hasMessageContaining("no longer holds the challenge value");
    assertThat(fake.records("example.com")).hasSize(1);
  }

  @Test
  void cleanupAfterAFailedOrderRemovesOnlyTheRecordsThisRunCreated() throws Exception {
    FakeDnsimple fake = new FakeDnsimple(ACCOUNT, true).zone("example.com");
    fake.existingTxt("example.com", "_acme-challenge.www", "another-clients-token");
    fake.existingTxt("example.com", "_acme-challenge", "yet-another");
    DnsimpleDnsProvider p = provider(fake, ACCOUNT, false);
    DnsRecordHandle a = p.createTxt("_acme-challenge.www.example.com", "ours-1");
    DnsRecordHandle b = p.createTxt("_acme-challenge.example.com", "ours-2");
    // A third challenge fails to be created; the order is abandoned and the engine cleans up.
    fake.answerNext("POST", ".*/records", FakeDnsimple.json(400,
        "{\"message\":\"Validation failed\",\"errors\":{\"content\":[\"is too long\"]}}"));
    assertThatThrownBy(() -> p.createTxt("_acme-challenge.api.example.com", "ours-3"))
        .isInstanceOf(DnsException.class);
    p.delete(a);
    p.delete(b);

    assertThat(fake.records("example.com")).extracting(r -> r.path("content").asText())
        .containsExactlyInAnyOrder("\"another-clients-token\"", "\"yet-another\"");
    assertThat(fake.requests()).filteredOn(r -> r.getMethod().equals("DELETE"))
        .extracting(r -> r.getUrl().pathSegments().get(5)).containsExactlyInAnyOrder(a.recordId(), b.recordId());
  }

  @Test
  void aNameInNoZoneOfTheAccountSaysWhichZonesThereAre() throws Exception {
    FakeDnsimple fake = new FakeDnsimple(ACCOUNT, true).zone("example.com").zone("example.org");
    DnsimpleDnsProvider p = provider(fake, ACCOUNT, false);

    assertThatThrownBy(() -> p.createTxt("_acme-challenge.www.example.net", "v"))
        .isInstanceOf(DnsException.class)
        .hasMessageContaining("no zone of DNSimple account 1010 holds _acme-challenge.www.example.net")
        .hasMessageContaining("example.com, example.org");
    assertThat(fake.requests()).noneMatch(r -> r.getMethod().equals("POST"));
    assertThat(fake.requests()).filteredOn(r -> r.getUrl().encodedPath().equals("/v2/1010/zones")).hasSize(2);
  }

  @Test
  void confirmsDistributionPollingOnTheInjectedClock() throws Exception {
    FakeDnsimple fake = new FakeDnsimple(ACCOUNT, true).zone("example.com");
    fake.notDistributedFor(3);
    DnsRecordHandle h = provider(fake, ACCOUNT, true).createTxt("_acme-challenge.example.com", "v");

    assertThat(fake.requests()).filteredOn(r -> r.getUrl().encodedPath().endsWith("/distribution")).hasSize(4);
    assertThat(time.sleeps()).hasSize(3).containsOnly(DnsimpleDnsProvider.DISTRIBUTION_POLL);
    assertThat(fake.records("example.com")).extracting(r -> r.path("id").asText()).containsExactly(h.recordId());
  }

  @Test
  void aRecordNeverDistributedIsRemovedAndReportedAtTheDeadline() throws Exception {
    FakeDnsimple fake = new FakeDnsimple(ACCOUNT, true).zone("example.com");
    fake.notDistributedFor(Integer.MAX_VALUE);
    DnsimpleDnsProvider p = provider(fake, ACCOUNT, true);

    assertThatThrownBy(() -> p.createTxt("_acme-challenge.example.com", "v"))
        .isInstanceOf(DnsException.class)
        .hasMessageContaining("did not reach all DNSimple name servers within 120 s");
    assertThat(fake.records("example.com")).isEmpty();
    long waited = time.sleeps().stream().mapToLong(d -> d.toSeconds()).sum();
    assertThat(waited).isBetween(120L, 125L);
  }

  @Test
  void distributionCheckFailingWith504IsRetriedUntilDistributed() throws Exception {
    FakeDnsimple fake = new FakeDnsimple(ACCOUNT, true).zone("example.com");
    fake.answerNext("GET", ".*/distribution", FakeDnsimple.json(504, "{\"message\":\"check failed\"}"));
    provider(fake, ACCOUNT, true).createTxt("_acme-challenge.example.com", "v");

    assertThat(fake.requests()).filteredOn(r -> r.getUrl().encodedPath().endsWith("/distribution")).hasSize(2);
    assertThat(time.sleeps()).hasSize(1);
  }

  private static RecordedRequest last(FakeDnsimple fake, String method) {
    List<RecordedRequest> all = fake.requests().stream().filter(r -> r.getMethod().equals(method)).toList();
    assertThat(all).as(method + " requests").isNotEmpty();
    return all.get(all.size() - 1);
  }

  @SuppressWarnings("unused")
  private static Map<String, String> none() { return Map.of(); }
}
