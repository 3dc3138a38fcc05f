package io.certferry.core.store;

import io.certferry.core.x509.PemWriter;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A lineage's pending ACME order on disk: {@code order.json} (what the CA said) and {@code order-key.pem}
 * (0600, the key it will be finalized with). The key is written first, because {@code order.json} is what
 * makes the order visible and it must never be found without its key.
 */
final class OrderFiles {
  private static final String ORDER = "order.json";
  private static final String KEY = "order-key.pem";

  private OrderFiles() {}

  /** {@code order.json}: the order without its key. */
  record OrderFile(URI directory, String account, URI orderUrl, Instant placedAt, List<String> domains) {}

  static Optional<PendingOrder> read(Path lineage) {
    Path json = lineage.resolve(ORDER);
    Path keyFile = lineage.resolve(KEY);
    if (!Files.exists(json) || !Files.exists(keyFile)) {
      return Optional.empty();
    }
    OrderFile f = StoreJson.read(json, OrderFile.class);
    byte[] pem = FileStore.readBytes(keyFile);
    KeyPair key = new KeyPair(StorePem.readPublicKey(pem, keyFile.toString()), StorePem.readPrivateKey(pem, keyFile.toString()));
    return Optional.of(new PendingOrder(f.directory(), f.account(), f.orderUrl(), key, f.placedAt(), f.domains()));
  }

  /** Writes the order; the caller holds the lineage's lock. */
  static void write(AtomicFiles files, Path lineage, PendingOrder order) throws IOException {
    // One folder fsync, after both renames (order.json's), makes both durable together.
    String pem = StorePem.privateKey(order.key().getPrivate()) + PemWriter.publicKey(order.key().getPublic());
    files.replaceRecord(lineage.resolve(KEY), FileStore.ascii(pem), AtomicFiles.SECRET);
    files.write(lineage.resolve(ORDER), StoreJson.write(new OrderFile(order.directory(), order.account(),
        order.orderUrl(), order.placedAt(), order.domains())), AtomicFiles.PUBLIC);
  }

  /** Removes the order, its visible half first; the caller holds the lineage's lock. */
  static void delete(AtomicFiles files, Path lineage) throws IOException {
    files.deleteRecord(lineage.resolve(ORDER));
    files.delete(lineage.resolve(KEY)); // its folder fsync covers both deletes
  }
}
