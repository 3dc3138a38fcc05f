package io.certferry.agent.bench;

import io.certferry.core.CertificateBundle;
import io.certferry.core.store.FileStore;
import io.certferry.core.store.LineageSpec;
import io.certferry.core.testing.TestPki;
import io.certferry.core.x509.KeyType;
import io.certferry.core.x509.PemWriter;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Builds the stores {@code bench/list/run.sh} measures: N lineages in a Certferry store and the same
 * N certificates as a certbot config folder ({@code live/} symlinks into {@code archive/}, and
 * {@code renewal/*.conf}). One leaf key is reused and N leaves are signed, so 10,000 take seconds.
 *
 * <p>Usage: {@code ListBenchStore COUNT CERTFERRY_STORE CERTBOT_CONFIG_DIR}
 */
public final class ListBenchStore {
  private ListBenchStore() {}

  public static void main(String[] args) throws Exception {
    int count = Integer.parseInt(args[0]);
    FileStore store = FileStore.open(Path.of(args[1]));
    Path certbot = Path.of(args[2]).toAbsolutePath();
    TestPki.Ca ca = TestPki.root("USERTrust RSA Certification Authority")
        .intermediate("Sectigo RSA Domain Validation Secure Server CA");
    KeyPair key = KeyType.EC_P256.generate();
    Instant now = Instant.now();
    long started = System.nanoTime();
    for (int i = 1; i <= count; i++) {
      String name = String.format("site-%05d", i);
      List<String> domains = List.of(name + ".example", "www." + name + ".example");
      // Spread expiries over a year so the sort has work to do and every state appears.
      Instant notBefore = now.minus(Duration.ofDays(i % 300));
      CertificateBundle b = ca.leaf(domains, key, notBefore, notBefore.plus(Duration.ofDays(365)));
      store.saveSpec(new LineageSpec(name, domains, "imported", "ec-p256", Map.of(), List.of()));
      store.addVersion(name, b, "imported", Map.of());
      writeCertbotLineage(certbot, name, b);
      if (i % 1000 == 0) {
        System.err.printf("%d lineages, %.1f s%n", i, (System.nanoTime() - started) / 1e9);
      }
    }
  }

  private static void writeCertbotLineage(Path root, String name, CertificateBundle b) throws Exception {
    Path archive = Files.createDirectories(root.resolve("archive").resolve(name));
    Path live = Files.createDirectories(root.resolve("live").resolve(name));
    Files.createDirectories(root.resolve("renewal"));
    Files.writeString(archive.resolve("cert1.pem"), PemWriter.certificates(List.of(b.leaf())));
    Files.writeString(archive.resolve("chain1.pem"), PemWriter.certificates(b.chain()));
    Files.writeString(archive.resolve("fullchain1.pem"), PemWriter.certificates(b.fullChain()));
    Files.writeString(archive.resolve("privkey1.pem"), PemWriter.privateKey(b.privateKey()));
    for (String f : List.of("cert", "chain", "fullchain", "privkey")) {
      Path link = live.resolve(f + ".pem");
      Files.deleteIfExists(link);
      Files.createSymbolicLink(link, Path.of("../../archive", name, f + "1.pem"));
    }
    Files.writeString(root.resolve("renewal").resolve(name + ".conf"), String.join("\n",
        "# renew_before_expiry = 30 days",
        "version = 2.1.0",
        "archive_dir = " + archive,
        "cert = " + live.resolve("cert.pem"),
        "privkey = " + live.resolve("privkey.pem"),
        "chain = " + live.resolve("chain.pem"),
        "fullchain = " + live.resolve("fullchain.pem"),
        "",
        "# Options used in the renewal process",
        "[renewalparams]",
        "account = 0123456789abcdef0123456789abcdef",
        "authenticator = standalone",
        "server = https://acme-v02.api.letsencrypt.org/directory",
        "key_type = ecdsa",
        ""));
  }
}
