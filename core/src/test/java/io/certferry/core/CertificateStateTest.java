package io.certferry.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.certferry.core.renew.RenewalPolicy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class CertificateStateTest {
  static final Instant NB = Instant.parse("2026-01-01T00:00:00Z");

  /** The state at {@code elapsed} into a certificate of {@code lifetime}, due by the lifetime rule. */
  private static CertificateState at(Duration lifetime, Duration elapsed) {
    Instant na = NB.plus(lifetime);
    Instant renewAt = RenewalPolicy.defaults().ruleFor(NB, na).at();
    return CertificateState.of(NB, na, renewAt, NB.plus(elapsed));
  }

  @Test
  void ninetyDayCertificate() {
    Duration life = Duration.ofDays(90);
    assertThat(at(life, Duration.ofDays(59))).isEqualTo(CertificateState.VALID);        // 31 days left > 30
    assertThat(at(life, Duration.ofDays(61))).isEqualTo(CertificateState.RENEWAL_DUE);  // 29 days left < 1/3
    assertThat(at(life, Duration.ofDays(82))).isEqualTo(CertificateState.RENEWAL_DUE);  // 8 days left
    assertThat(at(life, Duration.ofDays(83))).isEqualTo(CertificateState.EXPIRING);     // 7 days left
    assertThat(at(life, Duration.ofDays(90))).isEqualTo(CertificateState.EXPIRED);
  }

  @Test
  void aSixDayCertificateIsValidUntilItsRenewalPointNotExpiringFromBirth() {
    // Before, a 6-day certificate was "expiring" from its first minute (under 7 days left).
    Duration life = Duration.ofDays(6);
    assertThat(at(life, Duration.ZERO)).isEqualTo(CertificateState.VALID);
    assertThat(at(life, Duration.ofHours(73))).isEqualTo(CertificateState.RENEWAL_DUE); // past half
    assertThat(at(life, Duration.ofHours(120))).isEqualTo(CertificateState.EXPIRING);   // a day left = a sixth
  }

  @Test
  void anEarlyRenewalInstantMakesItDueWhateverTheTimeLeft() {
    Instant na = NB.plus(Duration.ofDays(90));
    Instant ariSaysNow = NB.plus(Duration.ofDays(10)); // a mass revocation moved the window
    assertThat(CertificateState.of(NB, na, ariSaysNow, NB.plus(Duration.ofDays(11)))).isEqualTo(CertificateState.RENEWAL_DUE);
  }

  @Test
  void daysLeftCountsTowardZero() {
    Instant na = NB.plus(Duration.ofDays(90));
    assertThat(CertificateState.daysLeft(na, na.minus(Duration.ofHours(36)))).isEqualTo(1);
    assertThat(CertificateState.daysLeft(na, na.minus(Duration.ofHours(12)))).isEqualTo(0);
    assertThat(CertificateState.daysLeft(na, na.plus(Duration.ofHours(60)))).isEqualTo(-2);
    assertThat(CertificateState.daysLeft(na, na)).isEqualTo(0);
    assertThat(CertificateState.EXPIRING.id()).isEqualTo("expiring");
    assertThat(CertificateState.RENEWAL_DUE).hasToString("renewal-due");
  }
}
