package io.certferry.provider.postgresql.bench;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.certferry.core.CertManager;
import io.certferry.core.CertManagerBuilder;
import io.certferry.core.ManagedCertificate;
import io.certferry.core.ReconcileReport;
import io.certferry.core.issue.local.LocalCaIssuer;
import io.certferry.core.store.LineageSpec;
import io.certferry.core.store.LineageSummary;
import io.certferry.core.testing.TestPki;
import io.certferry.provider.postgresql.KeyEncryptionKey;
import io.certferry.provider.postgresql.PostgresServer;
import io.certferry.provider.postgresql.PostgresStore;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The PostgreSQL store over COUNT lineages (bench/postgresql/run.sh): how long listing every lineage's
 * metadata and a due check with nothing due take, and how many SQL statements each sends; the engine's first pass
 * over them and a pass with nothing due; and, given {@code -Dbench.cli=...}, {@code certferry list --json} as a process.
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
              () -> sample.stream().map(n -> LineageSummary.read(store, n)).toList().size());
          pass(store, counting);
          String cli = System.getProperty("bench.cli");
          if (cli != null) {
            listJson(server, db, cli);
          }
        }
      }
    }
  }

  /**
   * The engine over every lineage, as a fleet's leader runs it: the first pass (a new term looks at everything),
   * then passes with nothing due, which ask the due queue once and read no lineage.
   */
  private static void pass(PostgresStore store, CountingDataSource counting) throws InterruptedException {
    CertManagerBuilder b = CertManager.builder().store(store).parallelism(8)
        .issuer("local", LocalCaIssuer.builder(store).create());
    for (String n : store.names()) {
      b.certificate(ManagedCertificate.of(n, List.of("l000000.bench.test"), "local"));
    }
    try (CertManager m = b.build()) {
      long before = counting.statements();
      long t = System.nanoTime();
      ReconcileReport first = m.reconcile();
      System.out.printf("%-70s %8.1f s, %,d SQL statements, %,d certificates%n", "engine: first pass (a new leader's)",
          (System.nanoTime() - t) / 1e9, counting.statements() - before, first.certificates().size());
      measure("engine: a pass with nothing due", counting, () -> {
        try {
          return m.reconcile().handled().size();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException(e);
        }
      });
    }
  }

  /** {@code certferry list --json} on the store, as a process started by {@code cli} (the jar's java command line). */
  private static void listJson(PostgresServer server, String db, String cli) throws Exception {
    Path dir = Files.createTempDirectory("certferry-bench-list-");
    Path pw = Files.writeString(dir.resolve("pw"), server.password());
    Path kek = Files.writeString(dir.resolve("kek"), Base64.getEncoder().encodeToString(new byte[32]));
    Path config = Files.writeString(dir.resolve("agent.yaml"), String.join("\n",
        "store: {type: postgresql, url: '" + server.url(db) + "', user: " + server.user() + ", password: '${file:" + pw
            + "}', keyEncryptionKey: '${file:" + kek + "}'}",
        "certificates: [{name: l000000, domains: [l000000.bench.test], issuer: {type: local}}]", ""));
    List<String> cmd = new ArrayList<>(List.of(cli.trim().split("\\s+")));
    cmd.addAll(List.of("list", "--json", "--config", config.toString()));
    List<Double> seconds = new ArrayList<>();
    long bytes = 0;
    for (int i = 0; i <= RUNS; i++) {
      Path out = dir.resolve("out.json");
      long t = System.nanoTime();
      Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(dir.resolve("err.txt").toFile()).start();
      if (p.waitFor() != 0) {
        throw new IllegalStateException("list --json failed: " + Files.readString(dir.resolve("err.txt")));
      }
      if (i > 0) { // the first run warms the server's and the OS's caches
        seconds.add((System.nanoTime() - t) / 1e9);
      }
      bytes = Files.size(out);
    }
    seconds.sort(null);
    System.out.printf("%-70s median %8.2f s (min %.2f, max %.2f), %,d bytes of JSON%n",
        "certferry list --json --config (a process: start-up included)", seconds.get(RUNS / 2), seconds.get(0),
        seconds.get(RUNS - 1), bytes);
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
