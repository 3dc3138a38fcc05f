package io.certferry.provider.postgresql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.certferry.core.store.LineageSpec;
import io.certferry.core.store.StoreException;
import io.certferry.core.testing.TestPki;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class SchemaMigrationsTest {
  @RegisterExtension
  static final TestDatabase pg = new TestDatabase();

  @Test
  void agentsStartingTogetherApplyEachMigrationOnceAndReopeningChangesNothing() throws Exception {
    String db = pg.server().createDatabase();
    List<CompletableFuture<PostgresStore>> starting = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      starting.add(CompletableFuture.supplyAsync(() -> PostgresStores.builder(pg.server(), db).build()));
    }
    for (CompletableFuture<PostgresStore> f : starting) {
      f.get(60, TimeUnit.SECONDS).close();
    }
    assertThat(rows(db, "SELECT version || ' ' || file FROM certferry_schema_version ORDER BY version"))
        .containsExactly("1 V1__store.sql", "2 V2__leader.sql");
    try (PostgresStore again = PostgresStores.builder(pg.server(), db).build()) {
      assertThat(again.names()).isEmpty();
    }
    assertThat(rows(db, "SELECT count(*) FROM certferry_schema_version")).containsExactly("2");
  }

  @Test
  void aStoreOfTheFirstSchemaIsBroughtUpToDateWhenOpenedKeepingWhatItHolds() throws Exception {
    String db = pg.server().createDatabase();
    try (PostgresStore s = PostgresStores.builder(pg.server(), db).build()) {
      s.saveSpec(new LineageSpec("shop", List.of("shop.example"), "acme", "ec-p256", null, null));
    }
    // As the first release left it: schema version 1 only.
    pg.server().sql(db, "DROP TABLE certferry_leader", "DELETE FROM certferry_schema_version WHERE version = 2");
    try (PostgresStore s = PostgresStores.builder(pg.server(), db).build()) {
      assertThat(s.names()).containsExactly("shop");
      assertThat(s.campaign().mine()).isTrue();
    }
    assertThat(rows(db, "SELECT max(version) FROM certferry_schema_version")).containsExactly("2");
  }

  @Test
  void aSchemaNewerThanThisReleaseOrAChangedMigrationIsRefusedBeforeAnythingIsTouched() throws Exception {
    String db = pg.server().createDatabase();
    PostgresStores.builder(pg.server(), db).build().close();
    pg.server().sql(db, "INSERT INTO certferry_schema_version (version, file, checksum) VALUES (3, 'V3__future.sql', 'x')");
    assertThatThrownBy(() -> PostgresStores.builder(pg.server(), db).build()).isInstanceOf(StoreException.class)
        .hasMessageContaining("schema is at version 3, newer than this release knows (2)")
        .hasMessageContaining("upgrade certferry");

    pg.server().sql(db, "DELETE FROM certferry_schema_version WHERE version = 3",
        "UPDATE certferry_schema_version SET checksum = 'abc' WHERE version = 1");
    assertThatThrownBy(() -> PostgresStores.builder(pg.server(), db).build()).isInstanceOf(StoreException.class)
        .hasMessageContaining("schema migration V1__store.sql was applied with checksum abc")
        .hasMessageContaining("put changes in a new file");
  }

  @Test
  void theDatabaseItselfRefusesToChangeOrDeleteAStoredVersion() throws Exception {
    String db = pg.server().createDatabase();
    try (PostgresStore s = PostgresStores.builder(pg.server(), db).build()) {
      s.addVersion("shop", TestPki.root("Root").leaf(List.of("shop.example")), "local", Map.of());
    }
    for (String change : List.of("UPDATE certferry_version SET cert_pem = 'x'",
        "UPDATE certferry_version SET meta = '{}'::jsonb", "DELETE FROM certferry_version")) {
      assertThatThrownBy(() -> pg.server().sql(db, change)).isInstanceOf(SQLException.class)
          .hasMessageContaining("version 1 of lineage shop is immutable");
    }
  }

  private static List<String> rows(String db, String sql) throws SQLException {
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
