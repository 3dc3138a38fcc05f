package io.certferry.core.issue.acme;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.certferry.core.dns.ChallTestSrvDnsProvider;
import io.certferry.core.dns.PropagationCheck;
import io.certferry.core.issue.IssueException;
import io.certferry.core.issue.IssueRequest;
import io.certferry.core.issue.IssuedCertificate;
import io.certferry.core.testing.MemoryStore;
import io.certferry.core.testing.PebbleServer;
import io.certferry.core.x509.CertificateReader;
import io.certferry.core.x509.KeyType;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A CA from before these extensions, Debian's Pebble 2.4 (no ARI, no profiles, neither dns-account-01 nor
 * dns-persist-01), on purpose: the newer challenge types are used only where the CA offers them, the
 * next choice otherwise, and an order asked to replace a certificate goes without {@code replaces}.
 */
class AcmeOlderCaTest {
  private static PebbleServer pebble;
  private final List<String> progress = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void start() {
    pebble = PebbleServer.start();
  }

  @AfterAll
  static void stop() {
    if (pebble != null) {
      pebble.close();
    }
  }

  private AcmeIssuer issuer(ChallengeSolver... solvers) throws Exception {
    return AcmeIssuer.builder().directory(pebble.directoryUrl()).serverCa(CertificateReader.read(pebble.serverCaFile()))
        .agreeToTermsOfService(true).store(new MemoryStore()).solvers(List.of(solvers)).progress(progress::add).build();
  }

  private static PropagationCheck dns() {
    return PropagationCheck.builder().servers(List.of(pebble.dnsAddress())).timeout(Duration.ofSeconds(20)).build();
  }

  @Test
  void dnsAccount01IsUsedOnlyWhereTheCaOffersItTheNextChoiceOtherwise() throws Exception {
    ChallTestSrvDnsProvider provider = new ChallTestSrvDnsProvider(pebble.challTestSrvUrl());
    IssuedCertificate issued = issuer(Dns01Solver.accountLabel(provider, dns()), new Dns01Solver(provider, dns()))
        .issue(new IssueRequest("old", List.of("old.example.com"), KeyType.EC_P256, Optional.empty(),
            Optional.of("aGVsbG8.d29ybGQ"), Optional.empty(), Optional.empty(), null));

    assertThat(issued.details()).containsEntry(AcmeIssuer.CHALLENGE_PREFIX + "old.example.com",
        "dns-01 (choice 2 of 2: dns-account-01 is not offered by the CA for it)");
    assertThat(progress).contains("the CA has no renewal information (ARI); ordering without 'replaces'");
    assertThat(issued.details()).doesNotContainKey(AcmeIssuer.REPLACES);
  }

  @Test
  void onlyTypesTheCaDoesNotOfferFailNamingWhatItOffers() throws Exception {
    AcmeIssuer issuer = issuer(new DnsPersist01Solver(Optional.empty(), dns(), Optional.empty(), Clock.systemUTC()));

    assertThatThrownBy(() -> issuer.issue(IssueRequest.of("p", List.of("p.example.com"), KeyType.EC_P256)))
        .isInstanceOf(IssueException.class)
        .hasMessageStartingWith("no configured challenge can validate p.example.com: dns-persist-01 is not offered by "
            + "the CA for it (the CA offers ")
        .hasMessageContaining("http-01").hasMessageContaining("dns-01");
  }
}
