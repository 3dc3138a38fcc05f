package io.certferry.provider.postgresql;

import static org.assertj.core.api.Assertions.assertThat;

import io.certferry.core.store.LineageSpec;
import io.certferry.core.store.LineageState;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The due queue: each lineage's next due instant kept in an indexed column in step with its state, and
 * {@code due(now)} answered by a range scan of that index.
 */
class PostgresDueQueueTest {
  @RegisterExtension
  static final TestDatabase pg = new TestDatabase();
  static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");

  private static PostgresStore store(String db) { return PostgresStores.builder(pg.server(), db).build(); }

  private static LineageState dueAt(Instant t) { return LineageState.empty().withNextDue(t); }

  @Test
  void dueListsTheLineagesWhoseNextDueInstantHasComeOrIsUnsetAndFollowsEachStateSaved() throws Exception {
    String db = pg.server().createDatabase();
    try (PostgresStore s = store(db)) {
      for (String n : List.of("past", "now", "future", "unset", "moved")) {
        s.saveSpec(new LineageSpec(n, List.of(n + ".example"), "local", "ec-p256", null, null));
      }
      s.saveState("past", dueAt(NOW.minusSeconds(3600)));
      s.saveState("now", dueAt(NOW));
      s.saveState("future", dueAt(NOW.plusSeconds(1)));
      s.saveState("moved", dueAt(NOW.minusSeconds(60)));
      assertThat(s.due(NOW)).containsExactly("moved", "now", "past", "unset");

      s.saveState("moved", dueAt(NOW.plusSeconds(86_400))); // renewed: next look tomorrow
      s.saveState("unset", dueAt(NOW.plusSeconds(600)));
      assertThat(s.due(NOW)).containsExactly("now", "past");
      assertThat(s.due(NOW.plusSeconds(86_400))).containsExactly("future", "moved", "now", "past", "unset");
      s.saveState("past", LineageState.empty()); // unknown again: due at once
      assertThat(s.due(NOW.minusSeconds(86_400))).containsExactly("past");
    }
  }

  @Test
  void aPassWithNothingDueIsOneRangeScanOfTheIndexNotAReadOfEveryLineage() throws Exception {
    String db = pg.server().createDatabase();
    try (PostgresStore s = store(db)) {
      s.saveSpec(new LineageSpec("due-one", List.of("due.example"), "local", "ec-p256", null, null));
      pg.server().sql(db, "INSERT INTO certferry_lineage (name, spec, due_at) SELECT 'l' || g, '{}'::jsonb, "
          + "timestamptz '2026-07-01T00:00:00Z' + g * interval '1 second' FROM generate_series(1, 20000) g",
          "ANALYZE certferry_lineage");
      assertThat(s.due(NOW)).containsExactly("due-one");

      List<String> plan = explain(db, "EXPLAIN SELECT name FROM certferry_lineage WHERE due_at <= '2026-06-01T12:00:00Z' "
          + "AND (spec IS NOT NULL OR current_version IS NOT NULL OR pending_key IS NOT NULL) ORDER BY name COLLATE \"C\"");
      assertThat(String.join("\n", plan)).contains("certferry_lineage_due").doesNotContain("Seq Scan");
    }
  }

  private static List<String> explain(String db, String sql) throws SQLException {
    List<String> out = new ArrayList<>();
    try (Connection c = DriverManager.getConnection(pg.server().url(db), pg.server().user(), pg.server().password());
         Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }
}
