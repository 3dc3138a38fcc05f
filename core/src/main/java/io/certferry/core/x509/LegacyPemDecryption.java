package io.certferry.core.x509;

import io.certferry.core.InputRejectedException;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * openssl's legacy encrypted PEM ({@code Proc-Type: 4,ENCRYPTED} and {@code DEK-Info: AES-256-CBC,IV}),
 * still written by {@code openssl rsa -aes256 -traditional} and older tools. The key is derived with
 * openssl's EVP_BytesToKey (MD5, one round, the IV's first 8 bytes as salt) and decrypted by the JDK.
 */
final class LegacyPemDecryption {
  private LegacyPemDecryption() {}

  static PrivateKey decrypt(String source, Pem.Block block, char[] password) throws InputRejectedException {
    String dekInfo = block.text().lines().filter(l -> l.startsWith("DEK-Info:")).findFirst()
        .map(l -> l.substring("DEK-Info:".length()).trim())
        .orElseThrow(() -> PrivateKeyReader.damaged(source, null));
    String[] parts = dekInfo.split(",");
    if (parts.length != 2) throw PrivateKeyReader.damaged(source, null);
    String algorithm = parts[0].trim().toUpperCase(Locale.ROOT);
    byte[] iv;
    try {
      iv = HexFormat.of().parseHex(parts[1].trim());
    } catch (IllegalArgumentException e) {
      throw PrivateKeyReader.damaged(source, e);
    }
    Cipher cipher = cipherFor(algorithm).orElseThrow(() -> new InputRejectedException(source
        + ": the private key is encrypted with " + algorithm + ", which this Java cannot decrypt; re-encrypt it with "
        + "openssl pkcs8 -topk8 -v2 aes-256-cbc"));
    byte[] der = block.der().orElseThrow(() -> PrivateKeyReader.damaged(source, null));
    byte[] plain;
    byte[] pw = utf8(password);
    byte[] key = null;
    try {
      key = bytesToKey(pw, Arrays.copyOf(iv, 8), keyLength(algorithm));
      String jdkName = cipher.getAlgorithm().substring(0, cipher.getAlgorithm().indexOf('/'));
      cipher.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, jdkName), new IvParameterSpec(iv));
      plain = cipher.doFinal(der);
    } catch (GeneralSecurityException e) {
      throw PrivateKeyReader.wrongPassword(source);
    } finally {
      Arrays.fill(pw, (byte) 0);
      if (key != null) Arrays.fill(key, (byte) 0);
    }
    try {
      return PrivateKeyReader.fromDer(source, plain, Optional.empty());
    } catch (InputRejectedException e) {
      throw PrivateKeyReader.wrongPassword(source);
    } finally {
      Arrays.fill(plain, (byte) 0);
    }
  }

  private static byte[] utf8(char[] password) {
    ByteBuffer buffer = StandardCharsets.UTF_8.encode(CharBuffer.wrap(password));
    byte[] out = new byte[buffer.remaining()];
    buffer.get(out);
    if (buffer.hasArray()) Arrays.fill(buffer.array(), (byte) 0);
    return out;
  }

  private static Optional<Cipher> cipherFor(String algorithm) {
    String transformation = switch (algorithm) {
      case "AES-128-CBC", "AES-192-CBC", "AES-256-CBC" -> "AES/CBC/PKCS5Padding";
      case "DES-EDE3-CBC" -> "DESede/CBC/PKCS5Padding";
      default -> null;
    };
    if (transformation == null) return Optional.empty();
    try {
      return Optional.of(Cipher.getInstance(transformation));
    } catch (GeneralSecurityException e) {
      return Optional.empty();
    }
  }

  private static int keyLength(String algorithm) {
    return switch (algorithm) {
      case "AES-128-CBC" -> 16;
      case "AES-192-CBC", "DES-EDE3-CBC" -> 24;
      default -> 32;
    };
  }

  /** openssl's EVP_BytesToKey with MD5 and one iteration: D_i = MD5(D_{i-1} || password || salt). */
  private static byte[] bytesToKey(byte[] password, byte[] salt, int length) throws GeneralSecurityException {
    MessageDigest md5 = MessageDigest.getInstance("MD5");
    byte[] out = new byte[length];
    byte[] previous = new byte[0];
    int filled = 0;
    while (filled < length) {
      md5.update(previous);
      md5.update(password);
      md5.update(salt);
      previous = md5.digest();
      int n = Math.min(previous.length, length - filled);
      System.arraycopy(previous, 0, out, filled, n);
      filled += n;
    }
    return out;
  }
}
