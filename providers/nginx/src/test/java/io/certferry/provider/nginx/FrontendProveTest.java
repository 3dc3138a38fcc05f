package io.certferry.provider.nginx;

import io.certferry.core.Sleeper;
import static org.assertj.core.api.Assertions.assertThat;

import io.certferry.core.CertificateBundle;
import io.certferry.core.testing.TestPki;

import java.net.ConnectException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The proof loop's deadline and polling, driven by a fake clock: no real waiting. */
class FrontendProveTest {
  private Instant now = Instant.parse("2026-11-25T10:00:00Z");
  private final List<Duration> sleeps = new ArrayList<>();
  private final Clock clock = new Clock() {
    @Override public ZoneOffset getZone() { return ZoneOffset.UTC; }
    @Override public Clock withZone(ZoneId zone) { return this; }
    @Override public Instant instant() { return now; }
  };
  private final Sleeper sleeper = d -> {
    sleeps.add(d);
    now = now.plus(d);
  };

  private static Frontend frontend(List<String> serverNames) {
    return new Frontend("web1", Optional.empty(), "/etc/nginx/tls/fullchain.pem", "/etc/nginx/tls/key.pem",
        FileSpec.ofMode(0644), FileSpec.ofMode(0600), "nginx -t", "nginx -s reload", Duration.ofSeconds(60),
        Address.parse("web1.example.org:443"), serverNames, Duration.ofSeconds(30), Duration.ofMillis(500), Optional.empty());
  }

  private FrontendDeployer deployer(Frontend f, ServedCertificates probe) {
    return new FrontendDeployer(f, x -> { throw new AssertionError("no host needed"); }, probe, clock, sleeper);
  }

  @Test
  void givesUpAtTheDeadlineAndSaysWhatIsServedInstead() {
    AtomicInteger probes = new AtomicInteger();
    FrontendDeployer d = deployer(frontend(List.of("a.test", "www.a.test")), (h, p, n) -> {
      probes.incrementAndGet();
      return n.equals("a.test") ? "old" : "new";
    });
    long realStart = System.nanoTime();

    Optional<String> wrong = d.prove(List.of("a.test", "www.a.test"), "new");

    assertThat(wrong).contains("web1.example.org:443 serves old for a.test instead of new");
    assertThat(Duration.between(Instant.parse("2026-11-25T10:00:00Z"), now)).isEqualTo(Duration.ofSeconds(30));
    assertThat(sleeps).hasSize(60).allMatch(s -> s.equals(Duration.ofMillis(500)));
    assertThat(probes.get()).isEqualTo(61 * 2); // both names at t=0, 0.5 s, ..., 30 s
    assertThat(Duration.ofNanos(System.nanoTime() - realStart)).isLessThan(Duration.ofSeconds(5));
  }

  @Test
  void succeedsAsSoonAsEveryNameServesTheNewCertificate() {
    AtomicInteger calls = new AtomicInteger();
    FrontendDeployer d = deployer(frontend(List.of("a.test")), (h, p, n) -> calls.incrementAndGet() > 3 ? "new" : "old");

    assertThat(d.prove(List.of("a.test"), "new")).isEmpty();
    // three misses at the poll interval, then three good handshakes in a row, 100 ms apart
    assertThat(sleeps).containsExactly(Duration.ofMillis(500), Duration.ofMillis(500), Duration.ofMillis(500),
        Duration.ofMillis(100), Duration.ofMillis(100));
    assertThat(calls.get()).isEqualTo(6);
  }

  @Test
  void aGoodHandshakeFollowedByAnOldWorkersAnswerIsNoProof() {
    // After a graceful reload an old worker may still take a connection: new, old, then steady.
    List<String> answers = new ArrayList<>(List.of("new", "old", "new", "new", "new"));
    FrontendDeployer d = deployer(frontend(List.of("a.test")), (h, p, n) -> answers.remove(0));

    assertThat(d.prove(List.of("a.test"), "new")).isEmpty();
    assertThat(answers).isEmpty();
  }

  @Test
  void anUnreachableEndpointCountsAsNotServedAndIsNamed() {
    FrontendDeployer d = deployer(frontend(List.of("a.test")), (h, p, n) -> { throw new ConnectException("Connection refused"); });

    assertThat(d.prove(List.of("a.test"), "new")).get().asString()
        .contains("serves nothing (Connection refused) for a.test");
  }

  @Test
  void provesTheCertificatesOwnNamesWhenNoneAreConfiguredButNeverAWildcard() {
    CertificateBundle b = TestPki.root("r").leaf(List.of("*.example.org", "example.org"));
    FrontendDeployer d = deployer(frontend(List.of()), (h, p, n) -> "x");
    assertThat(d.names(b)).containsExactly("example.org");

    CertificateBundle onlyWildcard = TestPki.root("r").leaf(List.of("*.example.org"));
    List<String> names = d.names(onlyWildcard);
    assertThat(names).hasSize(1);
    assertThat(names.get(0)).as("no SNI: the default server").isNull();
  }
}
