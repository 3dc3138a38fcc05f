package io.certferry.provider.postgresql.bench;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.certferry.core.store.LineageSpec;
import io.certferry.core.store.LineageSummary;
import io.certferry.core.testing.TestPki;
import io.certferry.provider.postgresql.KeyEncryptionKey;
import io.certferry.provider.postgresql.PostgresServer;
import io.certferry.provider.postgresql.PostgresStore;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The PostgreSQL store over COUNT lineages (bench/postgresql/run.sh): how long listing every lineage's
 * metadata and a due check with nothing due take, and how many SQL statements each sends.
 *
 * <p>Seeding: one lineage goes through the store (a real version, sealed key, deployments), then SQL
 * copies its rows COUNT-1 times; every lineage is next due in a year, so nothing is due now.
 */
public final class PostgresBench {
  private static final int RUNS = 5;

  private PostgresBench() {}

  public static void main(String[] args) throws Exception {
    int count = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    try (PostgresServer server = PostgresServer.start()) {
      String db = server.createDatabase();
      HikariConfig hc = new HikariConfig();
      hc.setJdbcUrl(server.url(db));
      hc.setUsername(server.user());
      hc.setPassword(server.password());
      hc.setMaximumPoolSize(4);
      try (HikariDataSource pool = new HikariDataSource(hc)) {
        CountingDataSource counting = new CountingDataSource(pool);
        try (PostgresStore store = PostgresStore.builder().url(server.url(db)).dataSource(counting.dataSource())
            .keyEncryptionKey(KeyEncryptionKey.of(new byte[32])).build()) {
          seed(server, db, store, count);
          Instant now = Instant.parse("2026-06-01T00:00:00Z");
          System.out.printf("PostgreSQL store, %,d lineages (%s)%n", store.names().size(), System.getProperty("java.version"));
          measure("names()", counting, () -> store.names().size());
          measure("summaries() (what list --json reads)", counting, () -> store.summaries().size());
          measure("due(now), nothing due", counting, () -> store.due(now).size());
          List<String> sample = store.names().subList(0, Math.min(1000, count));
          measure("per-lineage reads, first " + sample.size() + " lineages (the SPI's default summaries())", counting,
              () -> sample.stream().map(n -> new LineageSummary(n, store.spec(n), store.current(n), store.deployments(n)))
                  .toList().size());
        }
      }
    }
  }

  private static void seed(PostgresServer server, String db, PostgresStore store, int count) throws Exception {
    long t0 = System.nanoTime();
    TestPki.Ca ca = TestPki.root("Bench Root").intermediate("Bench CA");
    store.saveSpec(new LineageSpec("l000000", List.of("l000000.bench.test"), "local", "ec-p256", Map.of(), List.of("t1", "t2", "t3")));
    store.addVersion("l000000", ca.leaf(List.of("l000000.bench.test")), "local", Map.of());
    server.sql(db,
        "INSERT INTO certferry_lineage (name, spec, deployments, current_version, due_at) SELECT "
            + "'l' || lpad(g::text, 6, '0'), t.spec, t.deployments, 1, timestamptz '2027-06-01T00:00:00Z' "
            + "FROM generate_series(1, " + (count - 1) + ") g, certferry_lineage t WHERE t.name = 'l000000'",
        "INSERT INTO certferry_version (lineage, number, meta, cert_pem, chain_pem, key_sealed, key_kek) SELECT l.name, 1, "
            + "v.meta, v.cert_pem, v.chain_pem, v.key_sealed, v.key_kek FROM certferry_lineage l, certferry_version v "
            + "WHERE v.lineage = 'l000000' AND l.name <> 'l000000'",
        "UPDATE certferry_lineage SET due_at = timestamptz '2027-06-01T00:00:00Z' WHERE name = 'l000000'",
        "VACUUM ANALYZE certferry_lineage", "VACUUM ANALYZE certferry_version");
    System.out.printf("seeded %,d lineages in %.1f s%n", count, (System.nanoTime() - t0) / 1e9);
  }

  private static void measure(String what, CountingDataSource counting, Supplier<Integer> op) {
    op.get(); // warm-up: JIT, prepared statements, caches
    List<Double> millis = new ArrayList<>();
    long statements = 0;
    int rows = 0;
    for (int i = 0; i < RUNS; i++) {
      long before = counting.statements();
      long t = System.nanoTime();
      rows = op.get();
      millis.add((System.nanoTime() - t) / 1e6);
      statements = counting.statements() - before;
    }
    millis.sort(null);
    System.out.printf("%-70s median %8.1f ms (min %.1f, max %.1f), %,d SQL statements, %,d rows%n", what,
        millis.get(RUNS / 2), millis.get(0), millis.get(RUNS - 1), statements, rows);
  }
}
