package io.certferry.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.certferry.agent.testing.CliRun;
import io.certferry.core.CertificateBundle;
import io.certferry.core.store.FileStore;
import io.certferry.core.store.LineageSpec;
import io.certferry.core.store.StoredVersion;
import io.certferry.core.testing.TestPki;
import io.certferry.core.x509.KeyType;
import io.certferry.core.x509.PemWriter;

import java.io.FileOutputStream;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.AlgorithmParameters;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.crypto.Cipher;
import javax.crypto.EncryptedPrivateKeyInfo;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.PBEParameterSpec;

/**
 * {@code certferry import} end to end: a Sectigo-DV-shaped chain in shuffled order, PKCS#12, a
 * provider source, re-import, and every bad input of issue 6, each rejected with exit 3, a message
 * naming the file, and the store byte-for-byte unchanged.
 */
class ImportCommandTest {
  static TestPki.Ca root;
  static TestPki.Ca dv;
  static TestPki.Ca otherRoot;
  static TestPki.Ca otherDv;

  @TempDir Path tmp;
  Path store;
  Path rootPem;

  @BeforeAll
  static void pki() {
    root = TestPki.root("USERTrust RSA Certification Authority");
    dv = root.intermediate("Sectigo RSA Domain Validation Secure Server CA");
    otherRoot = TestPki.root("ISRG Root X1");
    otherDv = otherRoot.intermediate("R11");
  }

  @BeforeEach
  void paths() throws Exception {
    store = tmp.resolve("store");
    rootPem = Cli.pem(tmp.resolve("root.pem"), root.certificate());
  }

  private List<String> importArgs(String name, Path cert, Path chain, Path key) {
    List<String> a = new ArrayList<>(List.of("import", "--store", store.toString(), "--name", name, "--cert", cert.toString()));
    if (chain != null) {
      a.addAll(List.of("--chain", chain.toString()));
    }
    if (key != null) {
      a.addAll(List.of("--key", key.toString()));
    }
    a.addAll(List.of("--trust", rootPem.toString()));
    return a;
  }

  @Test
  void importsAShuffledSectigoShapedBundleAndStoresItInOrder() throws Exception {
    CertificateBundle b = dv.leaf(List.of("shop.example", "www.shop.example"));
    Path cert = Cli.pem(tmp.resolve("shop_example.crt"), b.leaf());
    Path bundle = Cli.pem(tmp.resolve("shop_example.ca-bundle"), Cli.shuffledHeap(b, root.certificate(), 7));
    Path key = Cli.key(tmp.resolve("shop.key"), b.privateKey());

    CliRun r = Cli.run(importArgs("shop", cert, bundle, key));

    assertThat(r.code()).as(r.toString()).isZero();
    assertThat(r.out()).contains("imported 'shop' version 1: shop.example, www.shop.example")
        .contains("CN=Sectigo RSA Domain Validation Secure Server CA").contains("days left")
        .contains(b.sha256());
    FileStore fs = FileStore.open(store);
    StoredVersion v = fs.current("shop").orElseThrow();
    assertThat(v.sha256()).isEqualTo(b.sha256());
    assertThat(v.source()).isEqualTo("imported");
    Path dir = store.resolve("certs/shop/versions/1");
    assertThat(Files.readString(dir.resolve("chain.pem"))).isEqualTo(PemWriter.certificates(List.of(dv.certificate())));
    assertThat(Files.readString(dir.resolve("fullchain.pem"))).isEqualTo(PemWriter.certificates(List.of(b.leaf(), dv.certificate())));
    assertThat(Cli.perms(dir.resolve("key.pem"))).isEqualTo("rw-------");
    assertThat(fs.load("shop", 1).privateKey().getEncoded()).isEqualTo(b.privateKey().getEncoded());
    assertThat(fs.spec("shop").orElseThrow().domains()).containsExactly("shop.example", "www.shop.example");

    // The same certificate again: nothing to do, and it says so.
    var before = Cli.tree(store);
    CliRun again = Cli.run(importArgs("shop", cert, bundle, key));
    assertThat(again.code()).as(again.toString()).isZero();
    assertThat(again.out()).contains("already has this certificate as version 1").contains("nothing changed");
    assertThat(Cli.tree(store)).isEqualTo(before);

    // A renewed certificate becomes version 2; version 1 stays for a rollback.
    CertificateBundle renewed = dv.leaf(List.of("shop.example", "www.shop.example"));
    Cli.pem(cert, renewed.leaf());
    Cli.key(key, renewed.privateKey());
    CliRun second = Cli.run(importArgs("shop", cert, bundle, key));
    assertThat(second.code()).as(second.toString()).isZero();
    assertThat(fs.versions("shop")).extracting(StoredVersion::sha256).containsExactly(b.sha256(), renewed.sha256());
  }

  /**
   * The full real shape: AAA Certificate Services (root) cross-signs USERTrust RSA Certification
   * Authority, which issues Sectigo RSA DV, which issues the leaf; the CA's zip holds all four in any
   * order. The store keeps leaf, DV and the cross-signed USERTrust, never the root.
   */
  @Test
  void importsTheCrossSignedSectigoChainFromAShuffledZip() throws Exception {
    TestPki.Ca aaa = TestPki.root("AAA Certificate Services");
    TestPki.Ca usertrust = TestPki.root("USERTrust RSA Certification Authority");
    TestPki.Ca sectigoDv = usertrust.intermediate("Sectigo RSA Domain Validation Secure Server CA");
    X509Certificate cross = aaa.crossSign(usertrust);
    CertificateBundle b = sectigoDv.leaf(List.of("shop.example"));
    List<X509Certificate> zip = new ArrayList<>(List.of(aaa.certificate(), b.leaf(), cross, sectigoDv.certificate()));
    Collections.shuffle(zip, new Random(11));
    Path all = Cli.pem(tmp.resolve("shop_example.zip-contents.pem"), zip);
    Path key = Cli.key(tmp.resolve("shop.key"), b.privateKey());
    Path aaaPem = Cli.pem(tmp.resolve("aaa.pem"), aaa.certificate());

    CliRun r = Cli.run("import", "--store", store.toString(), "--name", "shop", "--cert", all.toString(),
        "--key", key.toString(), "--trust", aaaPem.toString());

    assertThat(r.code()).as(r.toString()).isZero();
    Path dir = store.resolve("certs/shop/versions/1");
    assertThat(Files.readString(dir.resolve("chain.pem"))).isEqualTo(PemWriter.certificates(List.of(sectigoDv.certificate(), cross)));
    assertThat(Files.readString(dir.resolve("cert.pem"))).isEqualTo(PemWriter.certificates(List.of(b.leaf())));
  }

  @Test
  void importsPkcs12WithPasswordFromFile() throws Exception {
    CertificateBundle b = dv.leaf(List.of("pay.example"));
    char[] pw = "correct horse".toCharArray();
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    ks.setKeyEntry("pay", b.privateKey(), pw, new Certificate[] {b.leaf(), dv.certificate(), root.certificate()});
    Path p12 = tmp.resolve("pay.pfx");
    try (FileOutputStream out = new FileOutputStream(p12.toFile())) {
      ks.store(out, pw);
    }
    Path pwFile = Files.writeString(tmp.resolve("pay.pass"), "correct horse\n");

    CliRun r = Cli.run("import", "--store", store.toString(), "--name", "pay", "--pkcs12", p12.toString(),
        "--password-file", pwFile.toString(), "--trust", rootPem.toString());

    assertThat(r.code()).as(r.toString()).isZero();
    assertThat(FileStore.open(store).current("pay").orElseThrow().sha256()).isEqualTo(b.sha256());

    Files.writeString(pwFile, "wrong\n");
    var before = Cli.tree(store);
    CliRun bad = Cli.run("import", "--store", store.toString(), "--name", "pay2", "--pkcs12", p12.toString(),
        "--password-file", pwFile.toString(), "--trust", rootPem.toString());
    assertThat(bad.code()).as(bad.toString()).isEqualTo(3);
    assertThat(bad.err()).contains(p12.toString());
    assertThat(Cli.tree(store)).isEqualTo(before);
  }

  @Test
  void importsFromAProviderSourceWithSecretsByReference() throws Exception {
    CertificateBundle b = dv.leaf(List.of("docs.example"));
    Path src = Files.createDirectories(tmp.resolve("source/4242"));
    Cli.pem(src.resolve("cert.pem"), b.leaf());
    Cli.pem(src.resolve("chain.pem"), dv.certificate());
    Cli.key(src.resolve("key.pem"), b.privateKey());
    Path token = Files.writeString(tmp.resolve("token"), "s3cret\n");

    CliRun r = Cli.run("import", "--store", store.toString(), "--name", "docs", "--from", "test-source",
        "--domain", "docs.example", "--certificate-id", "4242", "--set", "dir=" + tmp.resolve("source"),
        "--set", "token=${file:" + token + "}", "--trust", rootPem.toString());

    assertThat(r.code()).as(r.toString()).isZero();
    assertThat(TestCertificateSourceFactory.DOWNLOADS).contains("docs.example/4242");
    assertThat(FileStore.open(store).current("docs").orElseThrow().details())
        .containsEntry("importedFrom", "test-source certificate 4242 of docs.example");

    var before = Cli.tree(store);
    CliRun literal = Cli.run("import", "--store", store.toString(), "--name", "docs2", "--from", "test-source",
        "--domain", "docs.example", "--certificate-id", "4242", "--set", "dir=" + tmp.resolve("source"),
        "--set", "token=s3cret");
    assertThat(literal.code()).isEqualTo(3);
    assertThat(literal.err()).contains("token must be a reference").doesNotContain("s3cret\n");
    CliRun unknown = Cli.run("import", "--store", store.toString(), "--name", "docs2", "--from", "nope",
        "--domain", "docs.example", "--certificate-id", "1");
    assertThat(unknown.code()).isEqualTo(3);
    assertThat(unknown.err()).contains("--from nope").contains("test-source");
    assertThat(Cli.tree(store)).isEqualTo(before);
  }

  // ---- bad input: exit 3, a message naming the file, the store unchanged ------------------------

  /** A store with lineage "shop" (spec shop.example, version 1) so "unchanged" means something. */
  private void existingShop() throws Exception {
    CertificateBundle b = dv.leaf(List.of("shop.example"));
    FileStore fs = FileStore.open(store);
    fs.saveSpec(new LineageSpec("shop", List.of("shop.example"), "imported", "ec-p256", Map.of(), List.of()));
    fs.addVersion("shop", b, "imported", Map.of());
  }

  private CliRun rejected(List<String> args, String... expected) throws Exception {
    existingShop();
    var before = Cli.tree(store);
    CliRun r = Cli.run(args);
    assertThat(r.code()).as(r.toString()).isEqualTo(3);
    String firstLine = r.err().lines().findFirst().orElse("");
    assertThat(firstLine).as(r.toString()).startsWith("certferry: rejected: ");
    for (String e : expected) {
      assertThat(r.err()).as(r.toString()).contains(e);
    }
    assertThat(r.err().lines().count()).as("one or two lines: " + r).isLessThanOrEqualTo(2);
    assertThat(r.err()).doesNotContain("\tat ").doesNotContain("PRIVATE KEY");
    assertThat(Cli.tree(store)).as("store unchanged").isEqualTo(before);
    return r;
  }

  private Path goodKeyFor(CertificateBundle b) throws Exception { return Cli.key(tmp.resolve("good.key"), b.privateKey()); }

  private Path chainPem() throws Exception { return Cli.pem(tmp.resolve("chain.pem"), dv.certificate()); }

  @Test
  void garbageInsteadOfPem() throws Exception {
    Path cert = Files.writeString(tmp.resolve("garbage.crt"), "this is not a certificate\n");
    rejected(importArgs("shop", cert, chainPem(), goodKeyFor(dv.leaf(List.of("shop.example")))), "garbage.crt");
  }

  @Test
  void keyThatDoesNotMatch() throws Exception {
    CertificateBundle b = dv.leaf(List.of("shop.example"));
    Path cert = Cli.pem(tmp.resolve("shop.crt"), b.leaf());
    Path otherKey = Cli.key(tmp.resolve("other.key"), KeyType.EC_P256.generate().getPrivate());
    rejected(importArgs("shop", cert, chainPem(), otherKey), "shop.crt", "does not match");
  }

  @Test
  void chainFromAnotherSite() throws Exception {
    CertificateBundle b = dv.leaf(List.of("shop.example"));
    Path cert = Cli.pem(tmp.resolve("shop.crt"), b.leaf());
    Path foreign = Cli.pem(tmp.resolve("other-site-chain.pem"), otherDv.certificate());
    rejected(importArgs("shop", cert, foreign, goodKeyFor(b)), "other-site-chain.pem");
  }

  @Test
  void missingIntermediate() throws Exception {
    CertificateBundle b = dv.leaf(List.of("shop.example"));
    Path cert = Cli.pem(tmp.resolve("shop.crt"), b.leaf());
    rejected(importArgs("shop", cert, null, goodKeyFor(b)), "shop.crt");
  }

  @Test
  void certificateForOtherNamesThanTheLineageHas() throws Exception {
    CertificateBundle b = dv.leaf(List.of("blog.example"));
    Path cert = Cli.pem(tmp.resolve("blog.crt"), b.leaf());
    rejected(importArgs("shop", cert, chainPem(), goodKeyFor(b)), "blog.crt", "shop.example", "lineage 'shop'");
  }

  @Test
  void expiredCertificate() throws Exception {
    Instant now = Instant.now();
    CertificateBundle b = dv.leaf(List.of("shop.example"), KeyType.EC_P256, now.minus(Duration.ofDays(100)),
        now.minus(Duration.ofDays(10)));
    Path cert = Cli.pem(tmp.resolve("old.crt"), b.leaf());
    rejected(importArgs("shop", cert, chainPem(), goodKeyFor(b)), "old.crt", "expired");
  }

  @Test
  void notYetValidCertificate() throws Exception {
    Instant now = Instant.now();
    CertificateBundle b = dv.leaf(List.of("shop.example"), KeyType.EC_P256, now.plus(Duration.ofDays(3)),
        now.plus(Duration.ofDays(90)));
    Path cert = Cli.pem(tmp.resolve("future.crt"), b.leaf());
    rejected(importArgs("shop", cert, chainPem(), goodKeyFor(b)), "future.crt", "not valid");
  }

  @Test
  void encryptedKeyWithWrongPassword() throws Exception {
    CertificateBundle b = dv.leaf(List.of("shop.example"));
    Path cert = Cli.pem(tmp.resolve("shop.crt"), b.leaf());
    Path key = Files.writeString(tmp.resolve("encrypted.key"), encryptedPkcs8(b, "right password".toCharArray()));
    Path pw = Files.writeString(tmp.resolve("pw.txt"), "wrong password\n");
    List<String> args = new ArrayList<>(importArgs("shop", cert, chainPem(), key));
    args.addAll(List.of("--key-password-file", pw.toString()));
    rejected(args, "encrypted.key", "password does not decrypt");

    // And the right password works, proving the file itself was fine.
    Files.writeString(pw, "right password\n");
    CertificateBundle renewed = b;
    CliRun ok = Cli.run(args);
    assertThat(ok.code()).as(ok.toString()).isZero();
    assertThat(FileStore.open(store).current("shop").orElseThrow().sha256()).isEqualTo(renewed.sha256());
  }

  @Test
  void tenMegabyteFile() throws Exception {
    Path big = tmp.resolve("huge.pem");
    byte[] chunk = new byte[1 << 20];
    Arrays.fill(chunk, (byte) 'A');
    try (var out = Files.newOutputStream(big)) {
      for (int i = 0; i < 10; i++) {
        out.write(chunk);
      }
    }
    CertificateBundle b = dv.leaf(List.of("shop.example"));
    rejected(importArgs("shop", big, chainPem(), goodKeyFor(b)), "huge.pem", "too large");
  }

  @Test
  void emptyFile() throws Exception {
    Path empty = Files.createFile(tmp.resolve("empty.crt"));
    CertificateBundle b = dv.leaf(List.of("shop.example"));
    rejected(importArgs("shop", empty, chainPem(), goodKeyFor(b)), "empty.crt", "empty");
  }

  @Test
  void directoryGivenAsFile() throws Exception {
    Path dir = Files.createDirectory(tmp.resolve("certs-folder"));
    CertificateBundle b = dv.leaf(List.of("shop.example"));
    rejected(importArgs("shop", dir, chainPem(), goodKeyFor(b)), "certs-folder", "directory");
  }

  @Test
  void selfSignedLeaf() throws Exception {
    KeyPair kp = KeyType.EC_P256.generate();
    X500Name name = new X500Name("CN=shop.example");
    Instant now = Instant.now();
    var builder = new JcaX509v3CertificateBuilder(name, BigInteger.valueOf(now.toEpochMilli()),
        Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(90))),
        name, kp.getPublic());
    builder.addExtension(Extension.subjectAlternativeName, false,
        new GeneralNames(new GeneralName(GeneralName.dNSName, "shop.example")));
    X509Certificate self = new JcaX509CertificateConverter().getCertificate(
        builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(kp.getPrivate())));
    Path cert = Cli.pem(tmp.resolve("selfsigned.crt"), self);
    Path key = Cli.key(tmp.resolve("self.key"), kp.getPrivate());
    rejected(importArgs("shop", cert, null, key), "selfsigned.crt", "self-signed");
  }

  @Test
  void weakRsa1024Key() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(1024);
    KeyPair kp = g.generateKeyPair();
    Instant now = Instant.now();
    CertificateBundle b = dv.leaf(List.of("shop.example"), kp, now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(90)));
    Path cert = Cli.pem(tmp.resolve("weak.crt"), b.leaf());
    rejected(importArgs("shop", cert, chainPem(), goodKeyFor(b)), "weak.crt", "1024");
  }

  @Test
  void noKeyAndNoPendingKey() throws Exception {
    CertificateBundle b = dv.leaf(List.of("shop.example"));
    Path cert = Cli.pem(tmp.resolve("shop.crt"), b.leaf());
    rejected(importArgs("shop", cert, chainPem(), null), "no --key given", "certferry csr");
  }

  @Test
  void badLineageName() throws Exception {
    CertificateBundle b = dv.leaf(List.of("shop.example"));
    Path cert = Cli.pem(tmp.resolve("shop.crt"), b.leaf());
    rejected(importArgs("../etc", cert, chainPem(), goodKeyFor(b)), "--name", "not a valid lineage name");
  }

  @Test
  void helpShowsSecretReferencesLiterallyNeverResolved() {
    // picocli expands ${env:X} in descriptions unless escaped: the help text must never show a secret.
    CliRun r = Cli.run("import", "--help");
    assertThat(r.code()).isZero();
    assertThat(r.out()).contains("token=${env:DNSIMPLE_TOKEN}");
  }

  @Test
  void missingInputIsAUsageError() {
    CliRun r = Cli.run("import", "--store", store.toString(), "--name", "shop");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("--cert").contains("--pkcs12").contains("--from");
  }

  /** Encrypted PKCS#8 as openssl 3 writes it by default: PBES2, PBKDF2-HMAC-SHA256, AES-256-CBC. */
  static String encryptedPkcs8(CertificateBundle b, char[] password) throws Exception {
    byte[] salt = new byte[16];
    byte[] iv = new byte[16];
    new SecureRandom().nextBytes(salt);
    new SecureRandom().nextBytes(iv);
    String scheme = "PBEWithHmacSHA256AndAES_256";
    Cipher cipher = Cipher.getInstance(scheme);
    cipher.init(Cipher.ENCRYPT_MODE,
        SecretKeyFactory.getInstance(scheme).generateSecret(new PBEKeySpec(password)),
        new PBEParameterSpec(salt, 2048, new IvParameterSpec(iv)));
    AlgorithmParameters pbes2 = AlgorithmParameters.getInstance("PBES2");
    pbes2.init(cipher.getParameters().getEncoded()); // names the scheme by its PBES2 OID, as openssl does
    byte[] der = new EncryptedPrivateKeyInfo(pbes2, cipher.doFinal(b.privateKey().getEncoded())).getEncoded();
    return "-----BEGIN ENCRYPTED PRIVATE KEY-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END ENCRYPTED PRIVATE KEY-----\n";
  }
}
