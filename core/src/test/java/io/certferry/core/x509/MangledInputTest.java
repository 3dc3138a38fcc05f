package io.certferry.core.x509;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.certferry.core.InputRejectedException;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Damaged input of every kind must end in a clear {@link InputRejectedException}, never in an
 * unchecked exception that would reach the user as a stack trace.
 */
class MangledInputTest {
  private static final long SEED = 20261125L;

  @Test
  void mangledCertificatesAreRejectedCleanlyOrStillRead() throws Exception {
    List<byte[]> originals = List.of(
        PemWriter.certificates(List.of(SectigoLikePki.leaf(), SectigoLikePki.dv())).getBytes(StandardCharsets.US_ASCII),
        SectigoLikePki.leaf().getEncoded(),
        CertificateReaderTest.pkcs7(List.of(SectigoLikePki.leaf(), SectigoLikePki.dv())));
    int rejected = 0;
    for (byte[] mangled : mangle(originals, 400)) {
      try {
        assertThat(CertificateReader.read("mangled.pem", mangled)).isNotEmpty();
      } catch (InputRejectedException e) {
        assertThat(e.getMessage()).startsWith("mangled.pem");
        rejected++;
      }
    }
    assertThat(rejected).as("most mangled inputs are rejected").isGreaterThan(100);
  }

  @Test
  void mangledKeysAreRejectedCleanlyOrStillRead() throws Exception {
    List<byte[]> originals = List.of(
        PemWriter.privateKey(SectigoLikePki.LEAF.privateKey()).getBytes(StandardCharsets.US_ASCII),
        PrivateKeyReaderTest.traditionalPem(KeyType.RSA_2048.generate().getPrivate()).getBytes(StandardCharsets.US_ASCII),
        PrivateKeyReaderTest.traditionalDer(KeyType.EC_P256.generate().getPrivate()),
        PrivateKeyReaderTest.encryptedPem(KeyType.EC_P256.generate().getPrivate(), "pw".toCharArray())
            .getBytes(StandardCharsets.US_ASCII));
    for (byte[] mangled : mangle(originals, 200)) {
      assertThatCode(() -> {
        try {
          PrivateKeyReader.read("mangled.key", mangled, Optional.of("pw".toCharArray()));
        } catch (InputRejectedException e) {
          assertThat(e.getMessage()).startsWith("mangled.key");
        }
      }).doesNotThrowAnyException();
    }
  }

  @Test
  void mangledPkcs12IsRejectedCleanly() throws Exception {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    ks.setKeyEntry("k", SectigoLikePki.LEAF.privateKey(), "pw".toCharArray(),
        new Certificate[] {SectigoLikePki.leaf()});
    var out = new ByteArrayOutputStream();
    ks.store(out, "pw".toCharArray());
    for (byte[] mangled : mangle(List.of(out.toByteArray()), 60)) {
      assertThatCode(() -> {
        try {
          Pkcs12Reader.read("mangled.p12", mangled, "pw".toCharArray());
        } catch (InputRejectedException e) {
          assertThat(e.getMessage()).startsWith("mangled.p12");
        }
      }).doesNotThrowAnyException();
    }
  }

  /** Truncations, flipped bytes and inserted junk, reproducibly. */
  private static List<byte[]> mangle(List<byte[]> originals, int count) {
    Random random = new Random(SEED);
    List<byte[]> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      byte[] original = originals.get(i % originals.size());
      byte[] copy;
      switch (i % 3) {
        case 0 -> copy = Arrays.copyOf(original, 1 + random.nextInt(original.length - 1));
        case 1 -> {
          copy = original.clone();
          for (int j = 0; j < 1 + random.nextInt(4); j++) copy[random.nextInt(copy.length)] ^= (byte) (1 + random.nextInt(255));
        }
        default -> {
          int at = random.nextInt(original.length);
          byte[] junk = new byte[1 + random.nextInt(8)];
          random.nextBytes(junk);
          copy = new byte[original.length + junk.length];
          System.arraycopy(original, 0, copy, 0, at);
          System.arraycopy(junk, 0, copy, at, junk.length);
          System.arraycopy(original, at, copy, at + junk.length, original.length - at);
        }
      }
      out.add(copy);
    }
    return out;
  }
}
