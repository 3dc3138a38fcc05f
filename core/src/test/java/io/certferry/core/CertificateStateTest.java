package io.certferry.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class CertificateStateTest {
  static final Instant NB = Instant.parse("2026-01-01T00:00:00Z");

  private static CertificateState at(Duration lifetime, Duration elapsed) {
    return CertificateState.of(NB, NB.plus(lifetime), NB.plus(elapsed));
  }

  @Test
  void ninetyDayCertificate() {
    Duration life = Duration.ofDays(90);
    assertThat(at(life, Duration.ofDays(59))).isEqualTo(CertificateState.VALID);        // 31 days left > 30
    assertThat(at(life, Duration.ofDays(61))).isEqualTo(CertificateState.RENEWAL_DUE);  // 29 days left < 1/3
    assertThat(at(life, Duration.ofDays(80))).isEqualTo(CertificateState.RENEWAL_DUE);  // 10 days left
    assertThat(at(life, Duration.ofDays(82))).isEqualTo(CertificateState.EXPIRING);     // 8 days left < 9 (a tenth)
    assertThat(at(life, Duration.ofDays(90))).isEqualTo(CertificateState.EXPIRED);
  }

  @Test
  void shortLivedCertificateUsesTheTenthOfItsLifetime() {
    Duration life = Duration.ofDays(6); // Let's Encrypt's short-lived profile: under 7 days from the start
    assertThat(at(life, Duration.ZERO)).isEqualTo(CertificateState.EXPIRING);
    Duration year = Duration.ofDays(365);
    assertThat(at(year, Duration.ofDays(365 - 37))).isEqualTo(CertificateState.RENEWAL_DUE); // 37 days left
    assertThat(at(year, Duration.ofDays(365 - 36))).isEqualTo(CertificateState.EXPIRING);    // 36 < 36.5
  }

  @Test
  void daysLeftCountsTowardZero() {
    Instant na = NB.plus(Duration.ofDays(90));
    assertThat(CertificateState.daysLeft(na, na.minus(Duration.ofHours(36)))).isEqualTo(1);
    assertThat(CertificateState.daysLeft(na, na.plus(Duration.ofHours(60)))).isEqualTo(-2);
    assertThat(CertificateState.EXPIRING.id()).isEqualTo("expiring");
    assertThat(CertificateState.RENEWAL_DUE).hasToString("renewal-due");
  }
}
