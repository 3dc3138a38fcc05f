package io.certferry.provider.postgresql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.certferry.core.store.LineageSpec;
import io.certferry.core.store.StoreException;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** PostgreSQL going away under the store, and a store opened while it is away. */
class PostgresRestartTest {
  @RegisterExtension
  static final TestDatabase pg = new TestDatabase();

  @Test
  void aRestartedServerIsReconnectedToAndWhileDownEachCallSaysSoClearly() throws Exception {
    String db = pg.server().createDatabase();
    try (PostgresStore store = PostgresStores.builder(pg.server(), db).build()) {
      store.saveSpec(spec("before"));
      pg.server().stop();
      try {
        assertThatThrownBy(store::names).isInstanceOf(StoreException.class)
            .hasMessageStartingWith("cannot reach PostgreSQL at 127.0.0.1:" + pg.server().port() + ": ")
            .hasMessageContaining("check that the server runs");
        assertThatThrownBy(() -> store.saveSpec(spec("while-down"))).isInstanceOf(StoreException.class)
            .hasMessageContaining("cannot reach PostgreSQL at 127.0.0.1:" + pg.server().port());
      } finally {
        pg.server().startAgain();
      }
      // The pool drops the dead connections and opens new ones; no reopen of the store is needed.
      store.saveSpec(spec("after"));
      assertThat(store.names()).containsExactly("after", "before");
      assertThat(store.spec("before")).contains(spec("before"));
    }
  }

  @Test
  void aStoreOpenedWithTheServerDownFailsNamingTheServerAndWhatToCheck() throws IOException {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      closedPort = s.getLocalPort();
    }
    assertThatThrownBy(() -> PostgresStore.builder().url("jdbc:postgresql://127.0.0.1:" + closedPort + "/certferry")
        .user("certferry").password("unused").keyEncryptionKey(PostgresStores.KEK)
        .connectTimeout(Duration.ofSeconds(1)).build())
        .isInstanceOf(StoreException.class)
        .hasMessageStartingWith("cannot reach PostgreSQL at 127.0.0.1:" + closedPort + ": Connection to 127.0.0.1:"
            + closedPort + " refused")
        .hasMessageContaining("; check that the server runs and accepts connections from this host")
        .hasMessageNotContaining("unused");
  }

  @Test
  void aWrongPasswordOrDatabaseIsNamedWithTheFix() throws SQLException {
    String db = pg.server().createDatabase();
    assertThatThrownBy(() -> PostgresStores.builder(pg.server(), db).password("wrong-password").build())
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("PostgreSQL at 127.0.0.1:" + pg.server().port() + " refused the login")
        .hasMessageContaining("check the store's user and password")
        .hasMessageNotContaining("wrong-password");
    assertThatThrownBy(() -> PostgresStores.builder(pg.server(), "no_such_db").build())
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("\"no_such_db\" does not exist")
        .hasMessageContaining("create the database (createdb) or fix the store's url");
  }

  private static LineageSpec spec(String name) {
    return new LineageSpec(name, List.of(name + ".example"), "local", "ec-p256", null, null);
  }
}
