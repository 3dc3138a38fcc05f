package io.certferry.provider.postgresql;

import io.certferry.core.CertificateBundle;
import io.certferry.core.store.Deployments;
import io.certferry.core.store.LineageSpec;
import io.certferry.core.store.LineageState;
import io.certferry.core.store.LineageSummary;
import io.certferry.core.store.PendingOrder;
import io.certferry.core.store.StoreDocuments;
import io.certferry.core.store.StoreException;
import io.certferry.core.store.StoredVersion;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The lineages in {@code certferry_lineage} and {@code certferry_version}: the documents as jsonb through
 * {@link StoreDocuments} (so this class never depends on their fields), keys sealed by {@link KeyVault},
 * and every write fenced by {@link Leases}. Reads take no lease.
 */
final class LineageTables {
  /** What makes a row a lineage, as FileStore's folders: a spec, a current version or a pending key. */
  private static final String IS_LINEAGE = isLineage("");
  /** Names sort as Java sorts them (they are ASCII), whatever the database's collation. */
  private static final String BY_NAME = " ORDER BY name COLLATE \"C\"";

  private final Database db;
  private final Leases leases;
  private final KeyVault keys;
  private final Clock clock;

  LineageTables(Database db, Leases leases, KeyVault keys, Clock clock) {
    this.db = db;
    this.leases = leases;
    this.keys = keys;
    this.clock = clock;
  }

  List<String> names() {
    return db.query("list the lineages", "SELECT name FROM certferry_lineage WHERE " + IS_LINEAGE + BY_NAME,
        rs -> rs.getString(1));
  }

  /** One range scan of {@code certferry_lineage_due}: rows whose next due instant is at or before now. */
  List<String> due(Instant now) {
    return db.query("list the lineages due", "SELECT name FROM certferry_lineage WHERE due_at <= ? AND " + IS_LINEAGE
        + BY_NAME, rs -> rs.getString(1), now);
  }

  List<LineageSummary> summaries() {
    return db.query("read the lineages' summaries", "SELECT l.name, l.spec::text, v.meta::text, l.deployments::text, "
        + "l.state::text FROM certferry_lineage l LEFT JOIN certferry_version v ON v.lineage = l.name "
        + "AND v.number = l.current_version WHERE " + isLineage("l.") + " ORDER BY l.name COLLATE \"C\"", rs -> {
          String name = rs.getString(1);
          return new LineageSummary(name, document(rs, 2, name, "spec", StoreDocuments::spec),
              document(rs, 3, name, "current version", StoreDocuments::version),
              document(rs, 4, name, "deployments", StoreDocuments::deployments).orElse(Deployments.empty()),
              document(rs, 5, name, "state", StoreDocuments::state).orElse(LineageState.empty()));
        });
  }

  Optional<LineageSpec> spec(String name) { return column(name, "spec", StoreDocuments::spec); }

  LineageState state(String name) { return column(name, "state", StoreDocuments::state).orElse(LineageState.empty()); }

  Deployments deployments(String name) {
    return column(name, "deployments", StoreDocuments::deployments).orElse(Deployments.empty());
  }

  void saveSpec(LineageSpec spec) { fencedUpdate(spec.name(), "save the spec", "spec = ?::jsonb", json(StoreDocuments.toJson(spec))); }

  /** The state's next due instant goes into the indexed column in the same statement. */
  void saveState(String name, LineageState state) {
    fencedUpdate(name, "save the state", "state = ?::jsonb, due_at = COALESCE(?, '-infinity'::timestamptz)",
        json(StoreDocuments.toJson(state)), state.nextDue());
  }

  void saveDeployments(String name, Deployments d) {
    fencedUpdate(name, "save the deployments", "deployments = ?::jsonb", json(StoreDocuments.toJson(d)));
  }

  Optional<PrivateKey> pendingKey(String name) {
    return db.one("read the pending key of lineage '" + name + "'", "SELECT pending_key, pending_key_kek FROM "
        + "certferry_lineage WHERE name = ? AND pending_key IS NOT NULL",
        rs -> keys.open(rs.getBytes(1), rs.getString(2), KeyVault.pendingKeyRow(name), "the pending key of lineage '" + name + "'"),
        name);
  }

  void savePendingKey(String name, PrivateKey key) {
    KeyVault.Sealed sealed = keys.seal(key, KeyVault.pendingKeyRow(name));
    fencedUpdate(name, "save the pending key", "pending_key = ?, pending_key_kek = ?", sealed.bytes(), sealed.keyId());
  }

  void clearPendingKey(String name) {
    fencedUpdate(name, "remove the pending key", "pending_key = NULL, pending_key_kek = NULL");
  }

  Optional<PendingOrder> pendingOrder(String name) {
    String what = "the pending order key of lineage '" + name + "'";
    return db.one("read the pending order of lineage '" + name + "'", "SELECT order_directory, order_account, order_url, "
        + "order_placed_at, order_domains, order_public_key, order_key, order_key_kek FROM certferry_lineage "
        + "WHERE name = ? AND order_url IS NOT NULL", rs -> {
          KeyPair key = new KeyPair(StoreDocuments.publicKey(rs.getString(6).getBytes(StandardCharsets.US_ASCII), what),
              keys.open(rs.getBytes(7), rs.getString(8), KeyVault.orderKeyRow(name), what));
          return new PendingOrder(URI.create(rs.getString(1)), rs.getString(2), URI.create(rs.getString(3)), key,
              rs.getObject(4, OffsetDateTime.class).toInstant(), Arrays.asList((String[]) rs.getArray(5).getArray()));
        }, name);
  }

  void savePendingOrder(String name, PendingOrder o) {
    KeyVault.Sealed sealed = keys.seal(o.key().getPrivate(), KeyVault.orderKeyRow(name));
    fencedUpdate(name, "save the pending order", "order_directory = ?, order_account = ?, order_url = ?, "
        + "order_placed_at = ?, order_domains = ?, order_public_key = ?, order_key = ?, order_key_kek = ?",
        o.directory().toString(), o.account(), o.orderUrl().toString(), o.placedAt(), o.domains().toArray(String[]::new),
        StoreDocuments.publicKeyPem(o.key().getPublic()), sealed.bytes(), sealed.keyId());
  }

  void clearPendingOrder(String name) {
    fencedUpdate(name, "remove the pending order", "order_directory = NULL, order_account = NULL, order_url = NULL, "
        + "order_placed_at = NULL, order_domains = NULL, order_public_key = NULL, order_key = NULL, order_key_kek = NULL");
  }

  // ---- versions --------------------------------------------------------------------------------

  Optional<StoredVersion> current(String name) {
    return db.one("read the current version of lineage '" + name + "'", "SELECT v.meta::text FROM certferry_lineage l "
        + "JOIN certferry_version v ON v.lineage = l.name AND v.number = l.current_version WHERE l.name = ?",
        rs -> version(rs.getString(1), name), name);
  }

  List<StoredVersion> versions(String name) {
    return db.query("read the versions of lineage '" + name + "'", "SELECT v.meta::text FROM certferry_lineage l "
        + "JOIN certferry_version v ON v.lineage = l.name AND v.number <= l.current_version WHERE l.name = ? "
        + "ORDER BY v.number", rs -> version(rs.getString(1), name), name);
  }

  CertificateBundle load(String name, int number) {
    String what = "the private key of lineage '" + name + "' version " + number;
    return db.one("read version " + number + " of lineage '" + name + "'", "SELECT cert_pem, chain_pem, key_sealed, key_kek "
        + "FROM certferry_version WHERE lineage = ? AND number = ?", rs -> {
          String where = "lineage '" + name + "' version " + number;
          List<X509Certificate> leaf = StoreDocuments.certificates(rs.getString(1), where + " certificate");
          if (leaf.size() != 1) {
            throw new StoreException(where + ": expected one certificate, found " + leaf.size());
          }
          return CertificateBundle.of(leaf.get(0), StoreDocuments.certificates(rs.getString(2), where + " chain"),
              keys.open(rs.getBytes(3), rs.getString(4), KeyVault.versionRow(name, number), what));
        }, name, number)
        .orElseThrow(() -> new StoreException("lineage '" + name + "' has no version " + number + " (in PostgreSQL at "
            + db.server() + ")"));
  }

  /**
   * Moves {@code current_version} up by one and inserts that version, in one transaction, both under the
   * fence: two agents can never store the same number, and a fenced-out agent stores nothing.
   */
  StoredVersion addVersion(String name, CertificateBundle bundle, String source, Map<String, String> details) {
    String certPem = StoreDocuments.certificatesPem(List.of(bundle.leaf()));
    String chainPem = StoreDocuments.certificatesPem(bundle.chain());
    return leases.fenced(name, f -> db.transaction("store a new version of lineage '" + name + "'", c -> {
      // A new version makes the lineage due, whoever stored it: the engine decides about it at its next pass.
      int n = Database.one(c, "UPDATE certferry_lineage SET current_version = COALESCE(current_version, 0) + 1, "
              + "due_at = '-infinity' WHERE name = ? AND " + Leases.FENCE + " RETURNING current_version", rs -> rs.getInt(1),
              f.after()).orElseThrow(() -> leases.rejected(f, "store a new version"));
      StoredVersion meta = StoredVersion.of(n, bundle, source, clock.instant(), details);
      KeyVault.Sealed key = keys.seal(bundle.privateKey(), KeyVault.versionRow(name, n));
      Database.update(c, "INSERT INTO certferry_version (lineage, number, meta, cert_pem, chain_pem, key_sealed, key_kek) "
          + "VALUES (?, ?, ?::jsonb, ?, ?, ?, ?)", name, n, json(StoreDocuments.toJson(meta)), certPem, chainPem,
          key.bytes(), key.keyId());
      return meta;
    }));
  }

  // ---- helpers ---------------------------------------------------------------------------------

  private static String isLineage(String alias) {
    return "(" + alias + "spec IS NOT NULL OR " + alias + "current_version IS NOT NULL OR " + alias + "pending_key IS NOT NULL)";
  }

  /** {@code UPDATE certferry_lineage SET ...} under the fence; no row changed means the lease was lost. */
  private void fencedUpdate(String name, String what, String set, Object... values) {
    leases.fenced(name, f -> {
      int changed = db.update(what + " of lineage '" + name + "'", "UPDATE certferry_lineage SET " + set
          + " WHERE name = ? AND " + Leases.FENCE, f.after(values));
      if (changed == 0) {
        throw leases.rejected(f, what);
      }
      return null;
    });
  }

  private <T> Optional<T> column(String name, String column, Parser<T> parser) {
    return db.one("read the " + column + " of lineage '" + name + "'", "SELECT " + column + "::text FROM certferry_lineage "
        + "WHERE name = ? AND " + column + " IS NOT NULL", rs -> parse(rs.getString(1), name, column, parser), name);
  }

  private static <T> Optional<T> document(ResultSet rs, int index, String name, String what, Parser<T> parser)
      throws SQLException {
    String text = rs.getString(index);
    return text == null ? Optional.empty() : Optional.of(parse(text, name, what, parser));
  }

  private static StoredVersion version(String json, String name) {
    return parse(json, name, "version metadata", StoreDocuments::version);
  }

  private static <T> T parse(String json, String name, String what, Parser<T> parser) {
    return parser.parse(json.getBytes(StandardCharsets.UTF_8), "PostgreSQL lineage '" + name + "' " + what);
  }

  private static String json(byte[] utf8) { return new String(utf8, StandardCharsets.UTF_8); }

  @FunctionalInterface
  private interface Parser<T> {
    T parse(byte[] json, String where);
  }
}
