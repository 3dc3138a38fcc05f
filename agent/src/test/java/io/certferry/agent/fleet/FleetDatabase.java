package io.certferry.agent.fleet;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.certferry.core.ProviderContext;
import io.certferry.core.ReferenceSecrets;
import io.certferry.provider.postgresql.PostgresServer;
import io.certferry.provider.postgresql.PostgresStore;
import io.certferry.provider.postgresql.PostgresStoreFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Base64;
import java.util.Optional;

/**
 * A database of a real PostgreSQL for the agent's tests, with its password and key-encryption key in 0600 files
 * (secrets by reference, as in production), and the {@code store:} block of an agent config that names it.
 */
public final class FleetDatabase {
  private final PostgresServer server;
  private final String database;
  private final Path passwordFile;
  private final Path kekFile;

  private FleetDatabase(PostgresServer server, String database, Path passwordFile, Path kekFile) {
    this.server = server;
    this.database = database;
    this.passwordFile = passwordFile;
    this.kekFile = kekFile;
  }

  /** A new database on {@code server}, its secret files in {@code dir}. */
  public static FleetDatabase create(PostgresServer server, Path dir) throws IOException, SQLException {
    Files.createDirectories(dir);
    Path pw = secret(dir.resolve("pg.password"), server.password());
    byte[] kek = new byte[32];
    new SecureRandom().nextBytes(kek);
    Path kekFile = secret(dir.resolve("kek"), Base64.getEncoder().encodeToString(kek));
    return new FleetDatabase(server, server.createDatabase(), pw, kekFile);
  }

  /** Writes a secret file, 0600. */
  public static Path secret(Path file, String text) throws IOException {
    Files.writeString(file, text + "\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    return file;
  }

  public PostgresServer server() { return server; }

  public String name() { return database; }

  public Path kekFile() { return kekFile; }

  /** The config's {@code store:} block for this database, as YAML lines (indented two spaces under {@code store:}). */
  public String storeYaml(String leaseTime) {
    return String.join("\n",
        "store:",
        "  type: postgresql",
        "  url: " + server.url(database),
        "  user: " + server.user(),
        "  password: ${file:" + passwordFile + "}",
        "  keyEncryptionKey: ${file:" + kekFile + "}",
        "  leaseTime: " + leaseTime,
        "  lockTimeout: 5s",
        "  connectTimeout: 2s",
        "");
  }

  /** Who holds the fleet's leader lease now, as {@code leader term}; empty when nobody does. */
  public Optional<String> leader() throws SQLException {
    try (Connection c = DriverManager.getConnection(server.url(database), server.user(), server.password());
         Statement st = c.createStatement();
         ResultSet rs = st.executeQuery("SELECT leader, term FROM certferry_leader WHERE leader IS NOT NULL")) {
      return rs.next() ? Optional.of(rs.getString(1) + " " + rs.getLong(2)) : Optional.empty();
    }
  }

  /** The store itself, opened as an agent would (the factory, the same secrets), for the test's own checks. */
  public PostgresStore open() {
    ObjectNode s = JsonNodeFactory.instance.objectNode().put("type", "postgresql").put("url", server.url(database))
        .put("user", server.user()).put("password", "${file:" + passwordFile + "}")
        .put("keyEncryptionKey", "${file:" + kekFile + "}").put("connectTimeout", "2s");
    return new PostgresStoreFactory().create(s, ProviderContext.defaults(ReferenceSecrets.system()));
  }
}
