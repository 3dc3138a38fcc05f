package io.certferry.provider.postgresql;

import io.certferry.core.store.CertificateStore;
import io.certferry.core.store.CertificateStoreContract;

import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The store contract FileStore passes, on a real PostgreSQL 15: each test on a database of its own. */
class PostgresStoreContractTest extends CertificateStoreContract {
  @RegisterExtension
  static final TestDatabase pg = new TestDatabase();

  @Override
  protected CertificateStore openStore(Clock clock, Duration lockTimeout) {
    PostgresStore s = pg.builder().clock(clock).lockTimeout(lockTimeout).build();
    pg.closeAfter(s);
    return s;
  }
}
