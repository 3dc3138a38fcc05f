package io.certferry.provider.postgresql;

import io.certferry.core.store.StoreException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.TreeMap;

/**
 * Brings the database's schema to the version this release knows: numbered SQL files
 * ({@code migrations/V1__store.sql}, ...) applied in order, each in one transaction under an advisory
 * lock, and recorded in {@code certferry_schema_version} with a checksum. Agents starting together
 * therefore apply each file once; a file changed after it was applied, or a schema newer than this
 * release, is refused before anything is touched.
 *
 * <p>(Flyway 10 and later need a separate database module for PostgreSQL; a handful of files in one
 * transaction each does not need the dependency.)
 */
final class SchemaMigrations {
  /** The migrations in order; a new schema change is a new file added here, never an edit of an old one. */
  static final List<String> FILES = List.of("V1__store.sql", "V2__leader.sql");
  private static final long LOCK_KEY = 0x63657274_66657279L; // "certferry"

  private SchemaMigrations() {}

  /** Applies what is missing; returns the versions applied now (empty when the schema was current). */
  static List<Integer> apply(Database db) {
    List<Integer> applied = new ArrayList<>();
    for (int i = 0; i < FILES.size(); i++) {
      int version = i + 1;
      String file = FILES.get(i);
      String sql = read(file);
      String checksum = sha256(sql);
      boolean ran = db.transaction("apply schema migration " + file, c -> applyOne(c, version, file, sql, checksum));
      if (ran) {
        applied.add(version);
      }
    }
    return applied;
  }

  private static boolean applyOne(Connection c, int version, String file, String sql, String checksum)
      throws SQLException {
    try (Statement st = c.createStatement()) {
      st.execute("SELECT pg_advisory_xact_lock(" + LOCK_KEY + ")");
      st.execute("CREATE TABLE IF NOT EXISTS certferry_schema_version (version integer PRIMARY KEY, "
          + "file text NOT NULL, checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())");
    }
    TreeMap<Integer, String[]> known = applied(c);
    int newest = known.isEmpty() ? 0 : known.lastKey();
    if (newest > FILES.size()) {
      throw new StoreException("the database's store schema is at version " + newest + ", newer than this release "
          + "knows (" + FILES.size() + "); upgrade certferry on this machine to the release the other agents run");
    }
    String[] row = known.get(version);
    if (row != null) {
      if (!row[1].equals(checksum)) {
        throw new StoreException("schema migration " + file + " was applied with checksum " + row[1] + " but this release's "
            + "file has " + checksum + "; the file was changed after it was applied: restore it, and put changes in a new file");
      }
      return false;
    }
    try (Statement st = c.createStatement()) {
      st.execute(sql);
    }
    try (PreparedStatement ps = c.prepareStatement(
        "INSERT INTO certferry_schema_version (version, file, checksum) VALUES (?, ?, ?)")) {
      ps.setInt(1, version);
      ps.setString(2, file);
      ps.setString(3, checksum);
      ps.executeUpdate();
    }
    return true;
  }

  private static TreeMap<Integer, String[]> applied(Connection c) throws SQLException {
    TreeMap<Integer, String[]> out = new TreeMap<>();
    try (Statement st = c.createStatement();
         ResultSet rs = st.executeQuery("SELECT version, file, checksum FROM certferry_schema_version")) {
      while (rs.next()) {
        out.put(rs.getInt(1), new String[] {rs.getString(2), rs.getString(3)});
      }
    }
    return out;
  }

  private static String read(String file) {
    try (InputStream in = SchemaMigrations.class.getResourceAsStream("migrations/" + file)) {
      if (in == null) {
        throw new IllegalStateException("migrations/" + file + " is missing from the jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read migrations/" + file + ": " + e.getMessage(), e);
    }
  }

  static String sha256(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
