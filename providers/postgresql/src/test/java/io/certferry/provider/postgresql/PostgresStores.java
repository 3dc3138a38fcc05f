package io.certferry.provider.postgresql;

import java.time.Duration;
import java.util.HexFormat;

/** Stores on a test server, with fixed test keys. */
final class PostgresStores {
  static final KeyEncryptionKey KEK = KeyEncryptionKey.of(HexFormat.of().parseHex(
      "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"));
  static final KeyEncryptionKey OTHER_KEK = KeyEncryptionKey.of(HexFormat.of().parseHex(
      "f0e1d2c3b4a5968778695a4b3c2d1e0ff0e1d2c3b4a5968778695a4b3c2d1e0f"));

  private PostgresStores() {}

  static PostgresStoreBuilder builder(PostgresServer server, String database) {
    return PostgresStore.builder().url(server.url(database)).user(server.user()).password(server.password())
        .keyEncryptionKey(KEK).connectTimeout(Duration.ofSeconds(2));
  }
}
