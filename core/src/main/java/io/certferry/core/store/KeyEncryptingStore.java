package io.certferry.core.store;

/**
 * A store that seals the private keys it keeps under a key-encryption key that is not kept with them (the
 * PostgreSQL store: AES-256-GCM under a key from a secret reference, so a database backup carries no usable key).
 * An optional interface; {@link FileStore} keeps keys in 0600 files instead.
 *
 * @since 0.1
 */
public interface KeyEncryptingStore extends CertificateStore {
  /**
   * The id of the key-encryption key the store is sealed under (derived from the key; never the key).
   *
   * @since 0.1
   */
  String keyEncryptionKeyId();

  /**
   * Re-seals every key of the store under a new key-encryption key, all or nothing, and uses it from then on. Every
   * other agent of the store must be given the new key: from the commit on, keys sealed under the old one are refused.
   *
   * @param newKey the new key's text as its secret reference resolves: 32 bytes, base64 or hex
   * @return the number of keys re-sealed
   * @throws IllegalArgumentException when the text is no key, or is the key in use
   * @since 0.1
   */
  int rotateKeyEncryptionKey(String newKey);
}
