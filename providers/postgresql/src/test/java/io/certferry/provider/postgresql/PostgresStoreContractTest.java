package io.certferry.provider.postgresql;

import io.certferry.core.store.CertificateStore;
import io.certferry.core.store.CertificateStoreContract;

import java.io.IOException;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/** The store contract FileStore passes, on a real PostgreSQL 15: each test on a database of its own. */
class PostgresStoreContractTest extends CertificateStoreContract {
  static PostgresServer server;
  private final List<PostgresStore> opened = new ArrayList<>();
  private String database;

  @BeforeAll
  static void startServer() throws IOException {
    server = PostgresServer.start();
  }

  @AfterAll
  static void stopServer() throws IOException {
    if (server != null) {
      server.close();
    }
  }

  @BeforeEach
  void freshDatabase() throws SQLException {
    database = server.createDatabase();
  }

  @AfterEach
  void closeStores() {
    opened.forEach(PostgresStore::close);
  }

  @Override
  protected CertificateStore openStore(Clock clock, Duration lockTimeout) {
    PostgresStore s = PostgresStores.builder(server, database).clock(clock).lockTimeout(lockTimeout).build();
    opened.add(s);
    return s;
  }
}
