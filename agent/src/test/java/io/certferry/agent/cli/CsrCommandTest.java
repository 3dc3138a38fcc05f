package io.certferry.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.certferry.agent.testing.CliRun;
import io.certferry.core.CertificateBundle;
import io.certferry.core.store.FileStore;
import io.certferry.core.store.LineageSpec;
import io.certferry.core.testing.TestPki;
import io.certferry.core.x509.CertificateChecks;

import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code certferry csr}, then {@code import} without {@code --key}: the user never handles the key. */
class CsrCommandTest {
  @TempDir Path tmp;

  @Test
  void csrKeepsThePendingKeyAndImportUsesIt() throws Exception {
    Path store = tmp.resolve("store");
    Path out = Files.createDirectory(tmp.resolve("out"));
    CliRun r = Cli.run("csr", "--store", store.toString(), "--name", "shop", "--domain", "shop.example",
        "--domain", "WWW.shop.example", "--out", out.toString());

    assertThat(r.code()).as(r.toString()).isZero();
    Path csrFile = out.resolve("shop.csr");
    String csrPem = Files.readString(csrFile);
    assertThat(r.out()).isEqualTo(csrPem);
    assertThat(csrPem).startsWith("-----BEGIN CERTIFICATE REQUEST-----");
    assertThat(r.err()).contains("pending key of 'shop'").contains(csrFile.toString());
    assertThat(Cli.perms(store.resolve("certs/shop/pending-key.pem"))).isEqualTo("rw-------");
    assertThat(Cli.perms(store.resolve("certs/shop"))).isEqualTo("rwx------");
    assertThat(Cli.perms(store)).isEqualTo("rwx------");
    assertThat(Cli.perms(csrFile)).isEqualTo("rw-r--r--");

    PKCS10CertificationRequest csr = parse(csrPem);
    assertThat(IETFUtils.valueToString(csr.getSubject().getRDNs(BCStyle.CN)[0].getFirst().getValue())).isEqualTo("shop.example");
    assertThat(sans(csr)).containsExactly("shop.example", "www.shop.example");
    FileStore fs = FileStore.open(store);
    PrivateKey pending = fs.pendingKey("shop").orElseThrow();
    var csrPublic = new JcaPKCS10CertificationRequest(csr).getPublicKey();
    assertThat(CertificateChecks.keyMatches(csrPublic, pending)).isTrue();
    assertThat(fs.spec("shop")).contains(new LineageSpec("shop", List.of("shop.example", "www.shop.example"), "imported",
        "ec-p256", Map.of(), List.of()));
    assertThat(Cli.run("list", "--store", store.toString()).out()).contains("pending");

    // The CA signs the CSR's key; import without --key picks the pending key and then clears it.
    TestPki.Ca root = TestPki.root("USERTrust RSA Certification Authority");
    TestPki.Ca dv = root.intermediate("Sectigo RSA Domain Validation Secure Server CA");
    Instant now = Instant.now();
    CertificateBundle issued = dv.leaf(List.of("shop.example", "www.shop.example"), new KeyPair(csrPublic, pending),
        now.minus(Duration.ofMinutes(5)), now.plus(Duration.ofDays(365)));
    Path cert = Cli.pem(tmp.resolve("shop_example.crt"), issued.leaf());
    Path chain = Cli.pem(tmp.resolve("shop_example.ca-bundle"), dv.certificate());
    Path rootPem = Cli.pem(tmp.resolve("root.pem"), root.certificate());
    CliRun imp = Cli.run("import", "--store", store.toString(), "--name", "shop", "--cert", cert.toString(),
        "--chain", chain.toString(), "--trust", rootPem.toString());
    assertThat(imp.code()).as(imp.toString()).isZero();
    assertThat(imp.out()).contains("imported 'shop' version 1").contains("364 days left");
    assertThat(fs.pendingKey("shop")).isEmpty();
    assertThat(fs.load("shop", 1).privateKey().getEncoded()).isEqualTo(pending.getEncoded());
  }

  @Test
  void rsaKeyType() throws Exception {
    Path store = tmp.resolve("store");
    CliRun r = Cli.run("csr", "--store", store.toString(), "--name", "legacy", "--domain", "legacy.example",
        "--key-type", "rsa-2048", "--out", tmp.toString());
    assertThat(r.code()).as(r.toString()).isZero();
    PrivateKey k = FileStore.open(store).pendingKey("legacy").orElseThrow();
    assertThat(k).isInstanceOf(RSAPrivateCrtKey.class);
    assertThat(((RSAPrivateCrtKey) k).getModulus().bitLength()).isEqualTo(2048);
    assertThat(FileStore.open(store).spec("legacy").orElseThrow().keyType()).isEqualTo("rsa-2048");
  }

  @Test
  void secondCsrKeepsTheFirstKeyUnlessForced() throws Exception {
    Path store = tmp.resolve("store");
    List<String> args = List.of("csr", "--store", store.toString(), "--name", "shop", "--domain", "shop.example",
        "--out", tmp.toString());
    assertThat(Cli.run(args).code()).isZero();
    var before = Cli.tree(store);
    CliRun again = Cli.run(args);
    assertThat(again.code()).isEqualTo(3);
    assertThat(again.err()).contains("already has a pending key").contains("--force");
    assertThat(Cli.tree(store)).isEqualTo(before);

    PrivateKey first = FileStore.open(store).pendingKey("shop").orElseThrow();
    List<String> forced = new ArrayList<>(args);
    forced.add("--force");
    assertThat(Cli.run(forced).code()).isZero();
    assertThat(FileStore.open(store).pendingKey("shop").orElseThrow().getEncoded()).isNotEqualTo(first.getEncoded());
  }

  @Test
  void badInputsAreRejectedAndNothingIsWritten() throws Exception {
    Path store = tmp.resolve("store");
    List<List<String>> bad = List.of(
        List.of("--name", "../x", "--domain", "shop.example"),
        List.of("--name", "shop", "--domain", "not a domain"),
        List.of("--name", "shop", "--domain", "shop.example", "--key-type", "dsa-1024"),
        List.of("--name", "shop", "--domain", "shop.example", "--out", tmp.resolve("missing").toString()));
    List<String> expected = List.of("not a valid lineage name", "is not a DNS name", "dsa-1024", "missing");
    for (int i = 0; i < bad.size(); i++) {
      List<String> args = new ArrayList<>(List.of("csr", "--store", store.toString()));
      args.addAll(bad.get(i));
      CliRun r = Cli.run(args);
      assertThat(r.code()).as(r.toString()).isEqualTo(3);
      assertThat(r.err()).contains(expected.get(i));
      assertThat(store).doesNotExist();
    }
    assertThat(Cli.run("csr", "--store", store.toString(), "--name", "shop").code()).isEqualTo(2);
  }

  private static PKCS10CertificationRequest parse(String pem) throws Exception {
    try (PEMParser p = new PEMParser(new StringReader(pem))) {
      return (PKCS10CertificationRequest) p.readObject();
    }
  }

  private static List<String> sans(PKCS10CertificationRequest csr) {
    var attr = csr.getAttributes(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest)[0];
    Extensions ext = Extensions.getInstance(attr.getAttrValues().getObjectAt(0));
    GeneralNames names = GeneralNames.fromExtensions(ext, Extension.subjectAlternativeName);
    return Arrays.stream(names.getNames()).filter(n -> n.getTagNo() == GeneralName.dNSName)
        .map(n -> IETFUtils.valueToString(n.getName())).toList();
  }
}
