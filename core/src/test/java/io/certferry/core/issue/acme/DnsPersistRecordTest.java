package io.certferry.core.issue.acme;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The dns-persist-01 record (draft-ietf-acme-dns-persist-02): written, read back, and checked against an account. */
class DnsPersistRecordTest {
  private static final String ACCOUNT = "https://ca.example/acct/123";

  @Test
  void writtenAsTheDraftSpellsIt() {
    DnsPersistRecord r = new DnsPersistRecord("letsencrypt.org", ACCOUNT, true, Optional.of(Instant.ofEpochSecond(1798761600)));

    assertThat(r.text()).isEqualTo("letsencrypt.org; accounturi=https://ca.example/acct/123; policy=wildcard; persistUntil=1798761600");
    assertThat(r.zoneLine("example.org")).isEqualTo("_validation-persist.example.org. IN TXT \"" + r.text() + "\"");
    assertThat(DnsPersistRecord.nameFor("*.example.org")).isEqualTo("_validation-persist.example.org");
    assertThat(new DnsPersistRecord("letsencrypt.org", ACCOUNT, false, Optional.empty()).text())
        .isEqualTo("letsencrypt.org; accounturi=https://ca.example/acct/123");
  }

  @Test
  void readWithTheDraftsLatitudeAndRefusedWhenMalformed() {
    assertThat(DnsPersistRecord.parse("LetsEncrypt.org;ACCOUNTURI=" + ACCOUNT + ";Policy=WILDCARD;future=1"))
        .contains(new DnsPersistRecord("letsencrypt.org", ACCOUNT, true, Optional.empty()));
    assertThat(DnsPersistRecord.parse("letsencrypt.org; accounturi=" + ACCOUNT + "; policy=other"))
        .as("a policy other than wildcard counts as none").map(DnsPersistRecord::wildcard).contains(false);
    assertThat(DnsPersistRecord.parse("letsencrypt.org; accounturi=a; accounturi=b")).as("a parameter twice").isEmpty();
    assertThat(DnsPersistRecord.parse("letsencrypt.org")).as("no account").isEmpty();
    assertThat(DnsPersistRecord.parse("; accounturi=" + ACCOUNT)).as("no issuer").isEmpty();
    assertThat(DnsPersistRecord.parse("letsencrypt.org; accounturi=" + ACCOUNT + "; persistUntil=soon")).isEmpty();
    assertThat(DnsPersistRecord.parse("v=spf1 -all")).isEmpty();
  }

  @Test
  void aMismatchSaysWhatIsWrong() {
    Instant now = Instant.parse("2026-12-01T00:00:00Z");
    DnsPersistRecord plain = new DnsPersistRecord("letsencrypt.org", ACCOUNT, false, Optional.of(now.minusSeconds(1)));

    assertThat(plain.mismatch(List.of("letsencrypt.org"), ACCOUNT, false, now.minusSeconds(10))).isEmpty();
    assertThat(plain.mismatch(List.of("pebble.letsencrypt.org"), ACCOUNT, false, now.minusSeconds(10)))
        .contains("it names the CA letsencrypt.org, not pebble.letsencrypt.org");
    assertThat(plain.mismatch(List.of("letsencrypt.org"), "https://ca.example/acct/9", false, now.minusSeconds(10)))
        .contains("it names the account https://ca.example/acct/123, not https://ca.example/acct/9");
    assertThat(plain.mismatch(List.of("letsencrypt.org"), ACCOUNT, true, now.minusSeconds(10)))
        .contains("it lacks policy=wildcard, which a wildcard name needs");
    assertThat(plain.mismatch(List.of("letsencrypt.org"), ACCOUNT, false, now))
        .contains("its persistUntil 2026-11-30T23:59:59Z has passed");
  }
}
