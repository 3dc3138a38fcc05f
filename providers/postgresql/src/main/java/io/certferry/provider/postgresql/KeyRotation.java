package io.certferry.provider.postgresql;

import io.certferry.core.store.StoreException;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;

/**
 * Re-seals every key of the store under a new key-encryption key, in one transaction: all rows move to
 * the new key, or none does. The transaction first locks the store's key row, which every sealing write
 * reads {@code FOR SHARE} (a trigger), so no row sealed under the old key can slip in while it runs;
 * once it commits, the database itself refuses keys sealed under the old one.
 */
final class KeyRotation {
  /** A table's sealed column, its key-id column, its key columns and how its row id is built from them. */
  private record Sealed(String table, String sealedColumn, String kekColumn, String keyColumns, RowId rowId) {}

  @FunctionalInterface
  private interface RowId {
    String of(ResultSet rs) throws SQLException;
  }

  private static final List<Sealed> SEALED = List.of(
      new Sealed("certferry_version", "key_sealed", "key_kek", "lineage, number",
          rs -> KeyVault.versionRow(rs.getString(1), rs.getInt(2))),
      new Sealed("certferry_lineage", "pending_key", "pending_key_kek", "name",
          rs -> KeyVault.pendingKeyRow(rs.getString(1))),
      new Sealed("certferry_lineage", "order_key", "order_key_kek", "name",
          rs -> KeyVault.orderKeyRow(rs.getString(1))),
      new Sealed("certferry_account", "key_sealed", "key_kek", "directory, name",
          rs -> KeyVault.accountRow(rs.getString(1), rs.getString(2))),
      new Sealed("certferry_local_ca", "key_sealed", "key_kek", "id", rs -> KeyVault.LOCAL_CA_ROW));

  private KeyRotation() {}

  /** Re-seals every row from {@code from} to {@code to}; returns how many keys were re-sealed. */
  static int rotate(Database db, KeySealer from, KeySealer to) {
    return db.transaction("re-seal the store's keys under key-encryption key " + to.keyId(), c -> {
      String storeKek = Database.one(c, "SELECT kek_id FROM certferry_store FOR UPDATE", rs -> rs.getString(1))
          .orElseThrow(() -> new StoreException("the store has no key-encryption key recorded; open it once first"));
      if (!storeKek.equals(from.keyId())) {
        throw new StoreException("the store is sealed under key-encryption key " + storeKek + ", not " + from.keyId()
            + "; open the store with the key it is sealed under to rotate it");
      }
      Database.update(c, "UPDATE certferry_store SET kek_id = ?, kek_check = ?", to.keyId(),
          to.seal(from.open(Database.one(c, "SELECT kek_check FROM certferry_store", rs -> rs.getBytes(1)).orElseThrow(),
              storeKek, KeyVault.CHECK_ROW, "the store's key check"), KeyVault.CHECK_ROW));
      int count = 0;
      for (Sealed s : SEALED) {
        count += reseal(c, s, from, to);
      }
      return count;
    });
  }

  private static int reseal(Connection c, Sealed s, KeySealer from, KeySealer to) throws SQLException {
    String where = whereKeys(s.keyColumns());
    int keyCount = s.keyColumns().split(",").length;
    int count = 0;
    try (PreparedStatement select = c.prepareStatement("SELECT " + s.keyColumns() + ", " + s.sealedColumn() + ", "
             + s.kekColumn() + " FROM " + s.table() + " WHERE " + s.sealedColumn() + " IS NOT NULL FOR UPDATE");
         PreparedStatement update = c.prepareStatement("UPDATE " + s.table() + " SET " + s.sealedColumn() + " = ?, "
             + s.kekColumn() + " = ? WHERE " + where)) {
      select.setFetchSize(500); // a cursor: 100,000 versions are not held in memory at once
      try (ResultSet rs = select.executeQuery()) {
        while (rs.next()) {
          String row = s.rowId().of(rs);
          byte[] plain = from.open(rs.getBytes(keyCount + 1), rs.getString(keyCount + 2), row,
              "the key in " + s.table() + " row " + row.replace('\n', '/'));
          try {
            update.setBytes(1, to.seal(plain, row));
          } finally {
            Arrays.fill(plain, (byte) 0);
          }
          update.setString(2, to.keyId());
          for (int k = 1; k <= keyCount; k++) {
            update.setObject(2 + k, rs.getObject(k));
          }
          update.addBatch();
          if (++count % 500 == 0) {
            update.executeBatch();
          }
        }
      }
      update.executeBatch();
    }
    return count;
  }

  private static String whereKeys(String keyColumns) {
    StringBuilder out = new StringBuilder();
    for (String k : keyColumns.split(",")) {
      out.append(out.length() == 0 ? "" : " AND ").append(k.strip()).append(" = ?");
    }
    return out.toString();
  }
}
