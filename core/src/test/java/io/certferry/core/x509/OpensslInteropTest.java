package io.certferry.core.x509;

import static io.certferry.core.x509.SectigoLikePki.LEAF;
import static io.certferry.core.x509.SectigoLikePki.anchors;
import static io.certferry.core.x509.SectigoLikePki.dv;
import static io.certferry.core.x509.SectigoLikePki.leaf;
import static io.certferry.core.x509.SectigoLikePki.root;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.certferry.core.testing.RequiredTools;
import io.certferry.core.CertificateBundle;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.X509EncodedKeySpec;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The toolkit against the real openssl binary: what openssl writes we read, what we write openssl accepts. */
class OpensslInteropTest {
  private static final char[] PASSWORD = "interop pass".toCharArray();

  @TempDir Path dir;

  @BeforeEach
  void requireOpenssl() throws Exception {
    Openssl.require();
    Files.writeString(dir.resolve("pw.txt"), new String(PASSWORD) + "\n", StandardCharsets.UTF_8);
  }

  @Test
  void readsRsaKeysFromGenrsaInPkcs8AndPkcs1() throws Exception {
    Openssl.run(dir, "genrsa", "-out", "rsa8.pem", "2048");
    Openssl.run(dir, "rsa", "-in", "rsa8.pem", "-traditional", "-out", "rsa1.pem");
    Openssl.run(dir, "rsa", "-in", "rsa8.pem", "-traditional", "-outform", "DER", "-out", "rsa1.der");
    Openssl.run(dir, "pkey", "-in", "rsa8.pem", "-outform", "DER", "-out", "rsa8.der");
    PublicKey pub = publicKeyOf("rsa8.pem");
    assertThat(Files.readString(dir.resolve("rsa1.pem"))).startsWith("-----BEGIN RSA PRIVATE KEY-----");

    for (String file : List.of("rsa8.pem", "rsa1.pem", "rsa1.der", "rsa8.der")) {
      assertThat(CertificateChecks.keyMatches(pub, readKey(file, Optional.empty()))).as(file).isTrue();
    }
  }

  @Test
  void readsEcKeysFromEcparamWithAndWithoutTheParametersBlock() throws Exception {
    Openssl.run(dir, "ecparam", "-genkey", "-name", "prime256v1", "-out", "ec256.pem");
    Openssl.run(dir, "ecparam", "-genkey", "-noout", "-name", "secp384r1", "-out", "ec384.pem");
    Openssl.run(dir, "ec", "-in", "ec256.pem", "-outform", "DER", "-out", "ec256.der");
    assertThat(Files.readString(dir.resolve("ec256.pem"))).startsWith("-----BEGIN EC PARAMETERS-----")
        .contains("-----BEGIN EC PRIVATE KEY-----");

    assertThat(CertificateChecks.keyMatches(publicKeyOf("ec256.pem"), readKey("ec256.pem", Optional.empty()))).isTrue();
    assertThat(CertificateChecks.keyMatches(publicKeyOf("ec256.pem"), readKey("ec256.der", Optional.empty()))).isTrue();
    assertThat(CertificateChecks.keyMatches(publicKeyOf("ec384.pem"), readKey("ec384.pem", Optional.empty()))).isTrue();
  }

  @Test
  void readsEncryptedPkcs8FromOpensslAndRejectsAWrongPassword() throws Exception {
    Openssl.run(dir, "ecparam", "-genkey", "-name", "prime256v1", "-out", "ec.pem");
    Openssl.run(dir, "pkcs8", "-topk8", "-v2", "aes-256-cbc", "-in", "ec.pem", "-out", "enc.pem", "-passout", "file:pw.txt");
    Openssl.run(dir, "pkcs8", "-topk8", "-v2", "aes-256-cbc", "-in", "ec.pem", "-outform", "DER", "-out", "enc.der",
        "-passout", "file:pw.txt");
    assertThat(Files.readString(dir.resolve("enc.pem"))).startsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----");
    PublicKey pub = publicKeyOf("ec.pem");

    assertThat(CertificateChecks.keyMatches(pub, readKey("enc.pem", Optional.of(PASSWORD)))).isTrue();
    assertThat(CertificateChecks.keyMatches(pub, readKey("enc.der", Optional.of(PASSWORD)))).isTrue();
    assertThatThrownBy(() -> readKey("enc.pem", Optional.of("interop-pass".toCharArray())))
        .hasMessageContaining("enc.pem: the password does not decrypt the private key");
  }

  @Test
  void readsLegacyEncryptedPemFromOpenssl() throws Exception {
    Openssl.run(dir, "genrsa", "-out", "rsa.pem", "2048");
    Openssl.run(dir, "rsa", "-in", "rsa.pem", "-aes256", "-traditional", "-passout", "file:pw.txt", "-out", "legacy-aes.pem");
    Openssl.run(dir, "ecparam", "-genkey", "-noout", "-name", "prime256v1", "-out", "ec.pem");
    Openssl.run(dir, "ec", "-in", "ec.pem", "-des3", "-passout", "file:pw.txt", "-out", "legacy-3des.pem");
    assertThat(Files.readString(dir.resolve("legacy-aes.pem"))).contains("Proc-Type: 4,ENCRYPTED");

    assertThat(CertificateChecks.keyMatches(publicKeyOf("rsa.pem"), readKey("legacy-aes.pem", Optional.of(PASSWORD)))).isTrue();
    assertThat(CertificateChecks.keyMatches(publicKeyOf("ec.pem"), readKey("legacy-3des.pem", Optional.of(PASSWORD)))).isTrue();
    assertThatThrownBy(() -> readKey("legacy-aes.pem", Optional.of("nope".toCharArray())))
        .hasMessageContaining("the password does not decrypt the private key");
  }

  @Test
  void readsAPkcs12FromOpensslExportAndAssemblesIt() throws Exception {
    writeLeafFiles();
    Openssl.run(dir, "pkcs12", "-export", "-inkey", "key.pem", "-in", "cert.pem", "-certfile", "chain.pem",
        "-passout", "file:pw.txt", "-out", "bundle.p12");

    Pkcs12Contents contents = Pkcs12Reader.read(dir.resolve("bundle.p12"), PASSWORD);
    CertificateBundle b = BundleAssembler.assemble("bundle.p12", contents.certificates(), contents.key(), anchors(),
        Clock.systemUTC());

    assertThat(contents.certificates()).contains(leaf(), dv());
    assertThat(b.fullChain()).containsExactly(leaf(), dv());
    assertThatThrownBy(() -> Pkcs12Reader.read(dir.resolve("bundle.p12"), "wrong".toCharArray()))
        .hasMessageContaining("the password does not open the PKCS#12 file");
  }

  @Test
  void readsALegacyTripleDesPkcs12() throws Exception {
    writeLeafFiles();
    Openssl.run(dir, "pkcs12", "-export", "-keypbe", "PBE-SHA1-3DES", "-certpbe", "PBE-SHA1-3DES", "-macalg", "sha1",
        "-inkey", "key.pem", "-in", "cert.pem", "-passout", "file:pw.txt", "-out", "legacy.p12");

    Pkcs12Contents contents = Pkcs12Reader.read(dir.resolve("legacy.p12"), PASSWORD);

    assertThat(contents.certificates()).contains(leaf());
    assertThat(CertificateChecks.keyMatches(leaf().getPublicKey(), contents.key())).isTrue();
  }

  @Test
  void readsAnRc2Pkcs12WhenOpensslCanStillWriteOne() throws Exception {
    writeLeafFiles();
    Openssl.Result r = Openssl.tryRun(dir, "pkcs12", "-export", "-legacy", "-inkey", "key.pem", "-in", "cert.pem",
        "-passout", "file:pw.txt", "-out", "rc2.p12");
    RequiredTools.requireCapability(r.exit() == 0, "this openssl has no legacy provider for RC2: " + r.stderr());

    Pkcs12Contents contents = Pkcs12Reader.read(dir.resolve("rc2.p12"), PASSWORD);

    assertThat(contents.certificates()).contains(leaf());
  }

  @Test
  void readsPkcs7FromCrl2pkcs7InPemAndDer() throws Exception {
    writeLeafFiles();
    Openssl.run(dir, "crl2pkcs7", "-nocrl", "-certfile", "fullchain.pem", "-out", "bundle.p7b");
    Openssl.run(dir, "crl2pkcs7", "-nocrl", "-certfile", "fullchain.pem", "-outform", "DER", "-out", "bundle.p7b.der");
    assertThat(Files.readString(dir.resolve("bundle.p7b"))).startsWith("-----BEGIN PKCS7-----");

    assertThat(CertificateReader.read(dir.resolve("bundle.p7b"))).containsExactlyInAnyOrder(leaf(), dv(), root());
    assertThat(CertificateReader.read(dir.resolve("bundle.p7b.der"))).containsExactlyInAnyOrder(leaf(), dv(), root());
  }

  @Test
  void readsOpensslPrintCertsOutputWithSubjectAndIssuerLines() throws Exception {
    writeLeafFiles();
    Openssl.run(dir, "crl2pkcs7", "-nocrl", "-certfile", "fullchain.pem", "-out", "bundle.p7b");
    String printed = Openssl.run(dir, "pkcs7", "-in", "bundle.p7b", "-print_certs");
    assertThat(printed).contains("subject=").contains("issuer=");

    assertThat(CertificateReader.read("printed.pem", printed.getBytes(StandardCharsets.UTF_8)))
        .containsExactlyInAnyOrder(leaf(), dv(), root());
  }

  @Test
  void readsOpensslTrustedCertificateFormat() throws Exception {
    writeLeafFiles();
    String trusted = Openssl.run(dir, "x509", "-in", "cert.pem", "-trustout", "-addtrust", "serverAuth");
    assertThat(trusted).contains("-----BEGIN TRUSTED CERTIFICATE-----");

    assertThat(CertificateReader.read("trusted.pem", trusted.getBytes(StandardCharsets.US_ASCII))).containsExactly(leaf());
  }

  @Test
  void opensslVerifiesACsrWeMadeAndSeesItsNames() throws Exception {
    Files.writeString(dir.resolve("req.pem"), PemWriter.csr(Csrs.create(KeyType.EC_P256.generate(),
        List.of("example.org", "www.example.org"))));
    Files.writeString(dir.resolve("req-rsa.pem"), PemWriter.csr(Csrs.create(KeyType.RSA_2048.generate(),
        List.of("example.org"))));

    Openssl.Result verify = Openssl.tryRun(dir, "req", "-in", "req.pem", "-verify", "-noout");
    String text = Openssl.run(dir, "req", "-in", "req.pem", "-noout", "-text");

    assertThat(verify.exit()).isZero();
    assertThat(verify.stdout() + verify.stderr()).contains("verify OK");
    assertThat(text).contains("DNS:example.org, DNS:www.example.org").containsPattern("Subject: CN ?= ?example.org");
    assertThat(Openssl.tryRun(dir, "req", "-in", "req-rsa.pem", "-verify", "-noout").exit()).isZero();
  }

  @Test
  void opensslVerifiesTheAssembledChainAndAgreesOnTheFingerprint() throws Exception {
    CertificateBundle b = BundleAssembler.assemble("heap", List.of(root(), dv(), leaf()), LEAF.privateKey(), anchors(),
        Clock.systemUTC());
    Files.writeString(dir.resolve("cert.pem"), PemWriter.certificates(List.of(b.leaf())));
    Files.writeString(dir.resolve("chain.pem"), PemWriter.certificates(b.chain()));
    Files.writeString(dir.resolve("root.pem"), PemWriter.certificates(List.of(root())));

    String verified = Openssl.run(dir, "verify", "-CAfile", "root.pem", "-untrusted", "chain.pem", "cert.pem");
    String fingerprint = Openssl.run(dir, "x509", "-in", "cert.pem", "-noout", "-fingerprint", "-sha256");

    assertThat(verified.trim()).isEqualTo("cert.pem: OK");
    assertThat(fingerprint.substring(fingerprint.indexOf('=') + 1).trim().replace(":", "").toLowerCase())
        .isEqualTo(b.sha256());
  }

  @Test
  void opensslReadsTheKeyPemWriterWrites() throws Exception {
    Files.writeString(dir.resolve("key.pem"), PemWriter.privateKey(LEAF.privateKey()));

    String pub = Openssl.run(dir, "pkey", "-in", "key.pem", "-pubout");

    assertThat(pub).startsWith("-----BEGIN PUBLIC KEY-----");
    assertThat(publicKeyOf("key.pem")).isEqualTo(leaf().getPublicKey());
  }

  private void writeLeafFiles() throws Exception {
    Files.writeString(dir.resolve("key.pem"), PemWriter.privateKey(LEAF.privateKey()));
    Files.writeString(dir.resolve("cert.pem"), PemWriter.certificates(List.of(leaf())));
    Files.writeString(dir.resolve("chain.pem"), PemWriter.certificates(List.of(dv())));
    Files.writeString(dir.resolve("fullchain.pem"), PemWriter.certificates(List.of(leaf(), dv(), root())));
  }

  private PrivateKey readKey(String file, Optional<char[]> password) throws Exception {
    return PrivateKeyReader.read(dir.resolve(file), password);
  }

  /** The public key of a private key file, as openssl derives it. */
  private PublicKey publicKeyOf(String privateKeyFile) throws Exception {
    Openssl.run(dir, "pkey", "-in", privateKeyFile, "-pubout", "-outform", "DER", "-out", privateKeyFile + ".pub.der");
    byte[] der = Files.readAllBytes(dir.resolve(privateKeyFile + ".pub.der"));
    for (String algorithm : List.of("EC", "RSA")) {
      try {
        return KeyFactory.getInstance(algorithm).generatePublic(new X509EncodedKeySpec(der));
      } catch (InvalidKeySpecException e) {
        // try the other
      }
    }
    throw new AssertionError("openssl wrote a public key of an unknown kind");
  }
}
