package io.certferry.core.x509;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.certferry.core.InputRejectedException;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.AlgorithmParameters;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import java.security.SecureRandom;
import javax.crypto.Cipher;
import javax.crypto.EncryptedPrivateKeyInfo;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.PBEParameterSpec;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PrivateKeyReaderTest {
  private static final KeyPair EC = KeyType.EC_P256.generate();
  private static final KeyPair EC384 = KeyType.EC_P384.generate();
  private static final KeyPair RSA = KeyType.RSA_2048.generate();
  private static final char[] PASSWORD = "correct horse".toCharArray();

  @TempDir Path dir;

  @Test
  void readsPkcs8PemAsPemWriterWritesIt() throws Exception {
    for (KeyPair kp : List.of(EC, EC384, RSA)) {
      Path file = write("key.pem", PemWriter.privateKey(kp.getPrivate()));

      PrivateKey read = PrivateKeyReader.read(file, Optional.empty());

      assertThat(read.getEncoded()).isEqualTo(kp.getPrivate().getEncoded());
      assertThat(CertificateChecks.keyMatches(kp.getPublic(), read)).isTrue();
    }
  }

  @Test
  void readsPkcs1RsaAndSec1EcPem() throws Exception {
    String rsa = traditionalPem(RSA.getPrivate());
    String ec = traditionalPem(EC.getPrivate());
    assertThat(rsa).startsWith("-----BEGIN RSA PRIVATE KEY-----");
    assertThat(ec).startsWith("-----BEGIN EC PRIVATE KEY-----");

    assertThat(CertificateChecks.keyMatches(RSA.getPublic(), read("rsa.key", rsa))).isTrue();
    assertThat(CertificateChecks.keyMatches(EC.getPublic(), read("ec.key", ec))).isTrue();
  }

  @Test
  void readsSec1WithAnEcParametersBlockBeforeItAndCrlfAndBom() throws Exception {
    String params = "-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n";
    String text = "\ufeff" + (params + traditionalPem(EC.getPrivate())).replace("\n", "\r\n");

    assertThat(CertificateChecks.keyMatches(EC.getPublic(), read("ec.key", text))).isTrue();
  }

  @Test
  void readsDerInEveryForm() throws Exception {
    byte[] pkcs8 = RSA.getPrivate().getEncoded();
    byte[] pkcs1 = traditionalDer(RSA.getPrivate());
    byte[] sec1 = traditionalDer(EC.getPrivate());

    assertThat(CertificateChecks.keyMatches(RSA.getPublic(), PrivateKeyReader.read("k.der", pkcs8, Optional.empty()))).isTrue();
    assertThat(CertificateChecks.keyMatches(RSA.getPublic(), PrivateKeyReader.read("k.der", pkcs1, Optional.empty()))).isTrue();
    assertThat(CertificateChecks.keyMatches(EC.getPublic(), PrivateKeyReader.read("k.der", sec1, Optional.empty()))).isTrue();
    assertThat(CertificateChecks.keyMatches(EC.getPublic(),
        PrivateKeyReader.read("k.der", EC.getPrivate().getEncoded(), Optional.empty()))).isTrue();
  }

  @Test
  void readsSec1WithoutTheCurveWhenAnEcParametersBlockNamesIt() throws Exception {
    PrivateKeyInfo info = PrivateKeyInfo.getInstance(EC.getPrivate().getEncoded());
    byte[] bare = info.parsePrivateKey().toASN1Primitive().getEncoded(); // the JDK leaves the curve out of SEC1
    String params = Pem.encode("EC PARAMETERS", info.getPrivateKeyAlgorithm().getParameters().toASN1Primitive().getEncoded());

    assertThat(CertificateChecks.keyMatches(EC.getPublic(), read("ec.key", params + Pem.encode("EC PRIVATE KEY", bare))))
        .isTrue();
    assertThatThrownBy(() -> read("ec.key", Pem.encode("EC PRIVATE KEY", bare)))
        .hasMessageContaining("ec.key: the EC private key does not name its curve");
  }

  @Test
  void readsEncryptedPkcs8WithThePassword() throws Exception {
    Path file = write("key.pem", encryptedPem(EC.getPrivate(), PASSWORD));

    PrivateKey read = PrivateKeyReader.read(file, Optional.of(PASSWORD));

    assertThat(read.getEncoded()).isEqualTo(EC.getPrivate().getEncoded());
  }

  @Test
  void rejectsAnEncryptedKeyWithAWrongPassword() throws Exception {
    Path file = write("key.pem", encryptedPem(EC.getPrivate(), PASSWORD));

    assertThatThrownBy(() -> PrivateKeyReader.read(file, Optional.of("Correct horse".toCharArray())))
        .isInstanceOf(InputRejectedException.class)
        .hasMessageContaining(file + ": the password does not decrypt the private key")
        .hasMessageNotContaining("horse");
  }

  @Test
  void rejectsAnEncryptedKeyWithoutAPassword() throws Exception {
    Path file = write("key.pem", encryptedPem(RSA.getPrivate(), PASSWORD));

    assertThatThrownBy(() -> PrivateKeyReader.read(file, Optional.empty()))
        .hasMessageContaining(file + " holds an encrypted private key and no password was given");
  }

  @Test
  void rejectsACertificateGivenAsTheKey() throws Exception {
    Path file = write("key.pem", PemWriter.certificates(List.of(SectigoLikePki.leaf())));

    assertThatThrownBy(() -> PrivateKeyReader.read(file, Optional.empty()))
        .hasMessageContaining(file + " holds a certificate, not a private key");
  }

  @Test
  void rejectsGarbageEmptyAndDirectory() throws Exception {
    Path garbage = write("key.pem", "hello\n");
    Path empty = write("empty.pem", "");

    assertThatThrownBy(() -> PrivateKeyReader.read(garbage, Optional.empty()))
        .hasMessageContaining(garbage + " is a text file without any -----BEGIN CERTIFICATE----- block, not a private key");
    assertThatThrownBy(() -> PrivateKeyReader.read(empty, Optional.empty())).hasMessageContaining(empty + " is empty");
    assertThatThrownBy(() -> PrivateKeyReader.read(dir, Optional.empty())).hasMessageContaining(dir + " is a directory");
  }

  @Test
  void rejectsAFileWithTwoKeys() throws Exception {
    Path file = write("keys.pem", PemWriter.privateKey(EC.getPrivate()) + PemWriter.privateKey(RSA.getPrivate()));

    assertThatThrownBy(() -> PrivateKeyReader.read(file, Optional.empty())).hasMessageContaining(file + " holds 2 private keys");
  }

  @Test
  void rejectsADamagedKey() {
    String pem = PemWriter.privateKey(RSA.getPrivate());
    String damaged = pem.substring(0, 60) + "AAAA" + pem.substring(64);

    assertThatThrownBy(() -> read("key.pem", damaged)).hasMessageContaining("key.pem: the private key is damaged");
  }

  @Test
  void acceptsAWeakKeyButTheChecksRejectIt() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(1024);
    KeyPair weak = g.generateKeyPair();

    PrivateKey read = read("weak.pem", PemWriter.privateKey(weak.getPrivate()));

    assertThatThrownBy(() -> CertificateChecks.requireStrongKey(weak.getPublic()))
        .hasMessageContaining("RSA-1024 key is too weak");
    assertThat(read.getAlgorithm()).isEqualTo("RSA");
  }

  /** PKCS#1 for RSA; SEC1 with the curve inside for EC, as openssl writes them. */
  static String traditionalPem(PrivateKey key) throws Exception {
    return Pem.encode(key.getAlgorithm() + " PRIVATE KEY", traditionalDer(key));
  }

  static byte[] traditionalDer(PrivateKey key) throws Exception {
    PrivateKeyInfo info = PrivateKeyInfo.getInstance(key.getEncoded());
    if (key.getAlgorithm().equals("RSA")) {
      return info.parsePrivateKey().toASN1Primitive().getEncoded();
    }
    ECPrivateKey ec = ECPrivateKey.getInstance(info.parsePrivateKey());
    ASN1Encodable curve = info.getPrivateKeyAlgorithm().getParameters();
    return new ECPrivateKey(((java.security.interfaces.ECPrivateKey) key).getParams().getOrder().bitLength(),
        ec.getKey(), curve).getEncoded();
  }

  /** Encrypted PKCS#8 the way openssl 3 writes it by default: PBES2, PBKDF2-HMAC-SHA256, AES-256-CBC. */
  static String encryptedPem(PrivateKey key, char[] password) throws Exception {
    byte[] salt = new byte[16];
    byte[] iv = new byte[16];
    new SecureRandom().nextBytes(salt);
    new SecureRandom().nextBytes(iv);
    String scheme = "PBEWithHmacSHA256AndAES_256";
    Cipher cipher = Cipher.getInstance(scheme);
    cipher.init(Cipher.ENCRYPT_MODE, SecretKeyFactory.getInstance(scheme).generateSecret(new PBEKeySpec(password)),
        new PBEParameterSpec(salt, 2048, new IvParameterSpec(iv)));
    AlgorithmParameters pbes2 = AlgorithmParameters.getInstance("PBES2");
    pbes2.init(cipher.getParameters().getEncoded()); // names the scheme by its PBES2 OID, as openssl does
    byte[] der = new EncryptedPrivateKeyInfo(pbes2, cipher.doFinal(key.getEncoded())).getEncoded();
    return Pem.encode("ENCRYPTED PRIVATE KEY", der);
  }

  private static PrivateKey read(String name, String text) throws InputRejectedException {
    return PrivateKeyReader.read(name, text.getBytes(StandardCharsets.UTF_8), Optional.empty());
  }

  private Path write(String name, String content) throws Exception {
    Path file = dir.resolve(name);
    Files.writeString(file, content, StandardCharsets.UTF_8);
    return file;
  }
}
