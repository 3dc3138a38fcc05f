package io.certferry.provider.postgresql;

import io.certferry.core.store.StoreException;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.function.Function;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;

/**
 * Seals key material with AES-256-GCM under a {@link KeyEncryptionKey}: a fresh 96-bit nonce per seal,
 * and associated data naming the row (e.g. {@code version/example-org/3}) so a sealed key copied into
 * another row does not open there. Sealed form: one format byte, the nonce, the ciphertext and its tag.
 */
final class KeySealer {
  private static final byte FORMAT = 1;
  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final KeyEncryptionKey kek;

  KeySealer(KeyEncryptionKey kek) { this.kek = kek; }

  String keyId() { return kek.id(); }

  byte[] seal(byte[] plaintext, String row) {
    byte[] nonce = new byte[NONCE_BYTES];
    RANDOM.nextBytes(nonce);
    try {
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.ENCRYPT_MODE, kek.secretKey(), new GCMParameterSpec(TAG_BITS, nonce));
      c.updateAAD(associatedData(row));
      byte[] sealed = c.doFinal(plaintext);
      return ByteBuffer.allocate(1 + NONCE_BYTES + sealed.length).put(FORMAT).put(nonce).put(sealed).array();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is not available in this JVM: " + e.getMessage(), e);
    }
  }

  /**
   * Opens what {@link #seal} made for the same row.
   *
   * @param sealedWith the key id stored with the row
   * @param what names the key in errors, e.g. {@code the private key of lineage 'shop' version 3}
   * @throws StoreException naming the key ids when another key sealed it, or the row when it does not open
   */
  byte[] open(byte[] sealed, String sealedWith, String row, String what) {
    if (!kek.id().equals(sealedWith)) {
      throw new StoreException(what + " is sealed under key-encryption key " + sealedWith + ", but this store is "
          + "configured with key " + kek.id() + "; configure keyEncryptionKey with the key it was sealed with");
    }
    if (sealed.length < 1 + NONCE_BYTES + TAG_BITS / 8 || sealed[0] != FORMAT) {
      throw new StoreException(what + " is not in a sealed form this release reads; restore the row from a backup");
    }
    try {
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.DECRYPT_MODE, kek.secretKey(), new GCMParameterSpec(TAG_BITS, sealed, 1, NONCE_BYTES));
      c.updateAAD(associatedData(row));
      return c.doFinal(sealed, 1 + NONCE_BYTES, sealed.length - 1 - NONCE_BYTES);
    } catch (AEADBadTagException e) {
      throw new StoreException(what + " does not open under key-encryption key " + kek.id() + ": the sealed bytes "
          + "were altered or copied from another row; restore the row from a backup", e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is not available in this JVM: " + e.getMessage(), e);
    }
  }

  /** Opens {@code sealed} and wipes the plaintext after {@code use} has read it. */
  <T> T openAndUse(byte[] sealed, String sealedWith, String row, String what, Function<byte[], T> use) {
    byte[] plain = open(sealed, sealedWith, row, what);
    try {
      return use.apply(plain);
    } finally {
      Arrays.fill(plain, (byte) 0);
    }
  }

  private static byte[] associatedData(String row) {
    return ("certferry sealed key v1\n" + row).getBytes(StandardCharsets.UTF_8);
  }
}
