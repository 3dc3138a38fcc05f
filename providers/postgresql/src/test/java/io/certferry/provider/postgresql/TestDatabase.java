package io.certferry.provider.postgresql;

import java.io.IOException;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real PostgreSQL 15 for a test class, started once and stopped after its last test; a database of its own for
 * each test that asks for one; the stores a test opened closed after it. Register it as a static field:
 * {@code @RegisterExtension static final TestDatabase pg = new TestDatabase();}
 */
final class TestDatabase implements BeforeAllCallback, AfterAllCallback, AfterEachCallback {
  private PostgresServer server;
  private String database;
  private final List<PostgresStore> opened = new ArrayList<>();

  @Override
  public void beforeAll(ExtensionContext context) throws IOException { server = PostgresServer.start(); }

  @Override
  public void afterAll(ExtensionContext context) throws IOException {
    if (server != null) {
      server.close();
    }
  }

  @Override
  public void afterEach(ExtensionContext context) {
    opened.forEach(PostgresStore::close);
    opened.clear();
    database = null;
  }

  PostgresServer server() { return server; }

  /** This test's database, created on first use. */
  String database() {
    if (database == null) {
      try {
        database = server.createDatabase();
      } catch (SQLException e) {
        throw new IllegalStateException("could not create a test database", e);
      }
    }
    return database;
  }

  /** A store builder on this test's database, with the test keys. */
  PostgresStoreBuilder builder() { return PostgresStores.builder(server, database()); }

  /** {@code store}, closed after this test. */
  PostgresStore closeAfter(PostgresStore store) {
    opened.add(store);
    return store;
  }
}
