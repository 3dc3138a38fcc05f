package io.certferry.core.issue.acme;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.certferry.core.ProviderContext;
import io.certferry.core.ProviderRegistry;
import io.certferry.core.ReferenceSecrets;
import io.certferry.core.SettingProblem;
import io.certferry.core.Sleeper;
import io.certferry.core.dns.ChallTestSrvDnsProviderFactory;
import io.certferry.core.issue.IssuerContext;
import io.certferry.core.testing.MemoryStore;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The challenge settings of an ACME issuer block: read, checked whole, and turned into solvers in order. */
class ChallengeSettingsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ProviderRegistry PROVIDERS = ProviderRegistry.of(new ChallTestSrvDnsProviderFactory());
  private static final String DNS = "\"dnsProvider\": {\"type\": \"pebble-challtestsrv\", \"url\": \"http://127.0.0.1:8055\"}";

  private static AcmeSettings.Read read(String json, String... domains) throws Exception {
    JsonNode block = JSON.readTree("{\"server\": \"https://ca.example/dir\"" + (json.isEmpty() ? "" : ", " + json) + "}");
    return AcmeSettings.read(block, List.of(domains), PROVIDERS);
  }

  private static List<String> problems(String json, String... domains) throws Exception {
    return read(json, domains).problems().stream().map(SettingProblem::toString).toList();
  }

  @Test
  void aPreferenceListBecomesOneSolverPerTypeInOrder() throws Exception {
    AcmeSettings s = read("\"challenges\": [\"dns-persist-01\", \"tls-alpn-01\", \"dns-account-01\", \"dns-01\", "
        + "\"http-01\"], \"tlsAlpn\": {\"address\": \"127.0.0.1\", \"port\": 8443}, "
        + "\"dnsPersist\": {\"persistUntil\": \"2027-06-30\"}, " + DNS, "example.org", "*.example.org")
        .settings().orElseThrow();

    assertThat(s.challenges().types()).containsExactly("dns-persist-01", "tls-alpn-01", "dns-account-01", "dns-01", "http-01");
    assertThat(s.challenges().persistUntil()).contains(Instant.parse("2027-06-30T00:00:00Z"));
    IssuerContext ctx = new IssuerContext(new MemoryStore(), ReferenceSecrets.system(), Clock.systemUTC(),
        Sleeper.SYSTEM, null, PROVIDERS, ProviderContext.defaults(ReferenceSecrets.system()));
    List<ChallengeSolver> solvers = s.challenges().solvers(ctx);
    assertThat(solvers).extracting(ChallengeSolver::type)
        .containsExactly("dns-persist-01", "tls-alpn-01", "dns-account-01", "dns-01", "http-01");
    assertThat(((DnsPersist01Solver) solvers.get(0)).persistUntil()).contains(Instant.parse("2027-06-30T00:00:00Z"));
  }

  @Test
  void oneChallengeIsTheOldSpellingOfAListOfOne() throws Exception {
    assertThat(read("\"challenge\": \"dns-01\", " + DNS, "example.org").settings().orElseThrow().challenges().types())
        .containsExactly("dns-01");
    assertThat(read("", "example.org").settings().orElseThrow().challenges().types()).containsExactly("http-01");
    assertThat(problems("\"challenge\": \"http-01\", \"challenges\": [\"http-01\"]", "example.org"))
        .containsExactly("challenges: give challenge: (one type) or challenges: (a preference list), not both");
  }

  @Test
  void unknownAndRepeatedTypesAreNamedWhereTheyStand() throws Exception {
    assertThat(problems("\"challenges\": [\"http-01\", \"tls-sni-01\", \"http-01\"]", "example.org")).containsExactly(
        "challenges.1: 'tls-sni-01' is not a challenge type; choose from http-01, tls-alpn-01, dns-01, dns-account-01, dns-persist-01",
        "challenges.2: 'http-01' is listed twice");
  }

  @Test
  void wildcardsNeedADnsChallengeAndAddressesHttpOrTlsAlpn() throws Exception {
    assertThat(problems("\"challenges\": [\"http-01\", \"tls-alpn-01\"]", "*.example.org")).containsExactly(
        "challenges: wildcard names need dns-01, dns-account-01 or dns-persist-01; http-01, tls-alpn-01 cannot prove [*.example.org]");
    assertThat(problems("\"challenges\": [\"dns-persist-01\"]", "192.0.2.7", "example.org")).containsExactly(
        "challenges: IP addresses need http-01 or tls-alpn-01; dns-persist-01 cannot prove [192.0.2.7]");
    assertThat(problems("\"challenges\": [\"dns-persist-01\", \"http-01\"]", "192.0.2.7", "*.example.org")).isEmpty();
  }

  @Test
  void dns01AndDnsAccount01NeedAProviderDnsPersist01DoesNot() throws Exception {
    assertThat(problems("\"challenges\": [\"dns-account-01\"]", "example.org")).singleElement().asString()
        .startsWith("challenges: dns-account-01 needs a DNS provider");
    assertThat(problems("\"challenges\": [\"dns-persist-01\"]", "example.org")).as("the record may be added by hand")
        .isEmpty();
    assertThat(problems("\"challenges\": [\"http-01\"], " + DNS, "example.org"))
        .containsExactly("dnsProvider: dnsProvider is only used with dns-01, dns-account-01 and dns-persist-01");
  }

  @Test
  void persistUntilIsADateOrATimestamp() throws Exception {
    assertThat(read("\"challenges\": [\"dns-persist-01\"], \"dnsPersist\": {\"persistUntil\": \"2027-06-30T12:00:00+02:00\"}",
        "example.org").settings().orElseThrow().challenges().persistUntil()).contains(Instant.parse("2027-06-30T10:00:00Z"));
    assertThat(problems("\"challenges\": [\"dns-persist-01\"], \"dnsPersist\": {\"persistUntil\": \"next year\", \"ttl\": 60}",
        "example.org")).containsExactlyInAnyOrder(
        "dnsPersist.ttl: unknown key 'ttl'; known here: persistUntil",
        "dnsPersist.persistUntil: 'next year' is not a date (2027-06-30) or an RFC 3339 timestamp (2027-06-30T00:00:00Z)");
  }

  @Test
  void letsEncryptIssuesAddressesOnlyOnTheShortlivedProfile() throws Exception {
    JsonNode le = JSON.readTree("{\"server\": \"letsencrypt\", \"profile\": \"classic\"}");
    assertThat(AcmeSettings.read(le, List.of("192.0.2.7"), PROVIDERS).problems()).extracting(SettingProblem::toString)
        .containsExactly("profile: Let's Encrypt issues certificates for IP addresses (192.0.2.7) only on the shortlived "
            + "profile (6-day certificates); set profile: shortlived instead of classic");
    JsonNode staging = JSON.readTree("{\"server\": \"letsencrypt-staging\"}");
    assertThat(AcmeSettings.read(staging, List.of("192.0.2.7"), PROVIDERS).problems()).singleElement().asString()
        .contains("only on the shortlived profile");
    JsonNode shortlived = JSON.readTree("{\"server\": \"letsencrypt\", \"profile\": \"shortlived\"}");
    assertThat(AcmeSettings.read(shortlived, List.of("192.0.2.7"), PROVIDERS).problems()).isEmpty();
    assertThat(problems("", "192.0.2.7")).as("another CA may have other rules").isEmpty();
  }
}
