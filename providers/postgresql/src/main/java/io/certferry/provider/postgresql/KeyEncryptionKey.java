package io.certferry.provider.postgresql;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Objects;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * The AES-256 key that seals every private key the PostgreSQL store keeps. It comes from a secret
 * reference ({@code keyEncryptionKey: ${file:/etc/certferry/kek}}) and is never written to the database:
 * a dump or backup of the database then holds no usable key. Create one with
 * {@code openssl rand -base64 32 > /etc/certferry/kek} (0600).
 *
 * <p>Each sealed row records the {@linkplain #id() id} of the key that sealed it, a fingerprint derived
 * from the key (never the key), so a wrong key is named in errors and a rotation can tell old rows from
 * new. {@link #toString()} shows the id only.
 *
 * @since 0.1
 */
public final class KeyEncryptionKey {
  private final byte[] key;
  private final String id;

  private KeyEncryptionKey(byte[] key) {
    this.key = key;
    this.id = fingerprint(key);
  }

  /**
   * Reads a key from its secret text: 32 bytes as base64 (44 characters) or hex (64 characters),
   * surrounding white space ignored.
   *
   * @param where names the setting in the error, e.g. {@code store: keyEncryptionKey (${file:/etc/certferry/kek})}
   * @throws IllegalArgumentException naming {@code where} and the fix, never quoting the text
   */
  public static KeyEncryptionKey parse(String secretText, String where) {
    String t = secretText == null ? "" : secretText.strip();
    byte[] bytes = null;
    if (t.matches("[0-9a-fA-F]{64}")) {
      bytes = HexFormat.of().parseHex(t);
    } else if (t.matches("[A-Za-z0-9+/]{43}=")) {
      bytes = Base64.getDecoder().decode(t);
    }
    if (bytes == null || bytes.length != 32) {
      throw new IllegalArgumentException(where + ": the key-encryption key must be 32 random bytes in base64 (44 "
          + "characters) or hex (64 characters); create one with: openssl rand -base64 32 > /etc/certferry/kek");
    }
    return new KeyEncryptionKey(bytes);
  }

  /** A key from its 32 bytes (tests, embedding tools with a key manager). */
  public static KeyEncryptionKey of(byte[] key) {
    Objects.requireNonNull(key, "key");
    if (key.length != 32) {
      throw new IllegalArgumentException("a key-encryption key is 32 bytes (AES-256), got " + key.length);
    }
    return new KeyEncryptionKey(key.clone());
  }

  /** The key's id: 16 hex characters of a SHA-256 over it, stored beside every row it seals. */
  public String id() { return id; }

  SecretKey secretKey() { return new SecretKeySpec(key, "AES"); }

  private static String fingerprint(byte[] key) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update("certferry key-encryption key id\n".getBytes(StandardCharsets.US_ASCII));
      return HexFormat.of().formatHex(Arrays.copyOf(sha.digest(key), 8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  @Override
  public boolean equals(Object o) { return o instanceof KeyEncryptionKey k && MessageDigest.isEqual(key, k.key); }

  @Override
  public int hashCode() { return id.hashCode(); }

  @Override
  public String toString() { return "KeyEncryptionKey{id=" + id + "}"; }
}
