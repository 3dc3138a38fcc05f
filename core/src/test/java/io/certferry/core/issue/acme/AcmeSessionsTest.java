package io.certferry.core.issue.acme;

import static org.assertj.core.api.Assertions.assertThat;

import io.certferry.core.testing.TestPki;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.shredzone.acme4j.Session;

/** How the issuers of one engine share ACME sessions: one per order in flight, kept between orders. */
class AcmeSessionsTest {
  private static final URI CA = URI.create("https://ca.example/dir");
  private final AcmeSessions sessions = new AcmeSessions();

  @Test
  void aSessionServesOneOrderAtATimeAndIsKeptForTheNext() {
    Session first = sessions.borrow(CA, List.of());
    Session second = sessions.borrow(CA, List.of());
    assertThat(second).as("lent while the first is out").isNotSameAs(first);
    sessions.giveBack(CA, List.of(), first);
    assertThat(sessions.borrow(CA, List.of())).isSameAs(first);
  }

  @Test
  void anotherDirectoryOrAnotherTrustIsAnotherPool() {
    Session plain = sessions.borrow(CA, List.of());
    sessions.giveBack(CA, List.of(), plain);
    assertThat(sessions.borrow(URI.create("https://other.example/dir"), List.of())).isNotSameAs(plain);
    assertThat(sessions.borrow(CA, List.of(TestPki.root("test CA").certificate()))).isNotSameAs(plain);
    assertThat(sessions.borrow(CA, List.of())).isSameAs(plain);
  }

  @Test
  void onlyAFewIdleSessionsAreKept() {
    List<Session> lent = new ArrayList<>();
    for (int i = 0; i < AcmeSessions.MAX_IDLE + 4; i++) {
      lent.add(sessions.borrow(CA, List.of()));
    }
    lent.forEach(s -> sessions.giveBack(CA, List.of(), s));
    Set<Session> again = new HashSet<>();
    for (int i = 0; i < AcmeSessions.MAX_IDLE + 4; i++) {
      again.add(sessions.borrow(CA, List.of()));
    }
    again.retainAll(lent);
    assertThat(again).hasSize(AcmeSessions.MAX_IDLE);
  }
}
