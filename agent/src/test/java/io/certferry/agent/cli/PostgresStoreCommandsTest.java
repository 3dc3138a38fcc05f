package io.certferry.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.certferry.agent.fleet.FleetDatabase;
import io.certferry.agent.testing.CliRun;
import io.certferry.core.CertificateBundle;
import io.certferry.core.store.FileStore;
import io.certferry.core.store.StoredVersion;
import io.certferry.core.testing.TestPki;
import io.certferry.provider.postgresql.PostgresServer;
import io.certferry.provider.postgresql.PostgresStore;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every command that touches the store uses the one {@code --config} names, here a real PostgreSQL 15; the key
 * rotation and the migration between a store folder and the database, both ways.
 */
class PostgresStoreCommandsTest {
  static PostgresServer server;
  static TestPki.Ca root;
  static TestPki.Ca dv;
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path tmp;
  FleetDatabase db;
  Path config;

  @BeforeAll
  static void start() throws Exception {
    server = PostgresServer.start();
    root = TestPki.root("USERTrust RSA Certification Authority");
    dv = root.intermediate("Sectigo RSA Domain Validation Secure Server CA");
  }

  @AfterAll
  static void stop() throws Exception {
    if (server != null) {
      server.close();
    }
  }

  @BeforeEach
  void database() throws Exception {
    db = FleetDatabase.create(server, tmp.resolve("secrets"));
    config = writeConfig("agent.yaml", db.storeYaml("30s"));
  }

  Path writeConfig(String file, String storeYaml) throws Exception {
    return Files.writeString(tmp.resolve(file), storeYaml + String.join("\n",
        "http: {enabled: false}",
        "certificates:",
        "  - name: www",
        "    domains: [www.example.test]",
        "    issuer: {type: local}",
        "    targets:",
        "      - {id: files, type: directory, path: " + tmp.resolve("out/www") + "}",
        "  - name: shop",
        "    domains: [shop.example]",
        "    issuer: {type: imported}",
        ""));
  }

  CliRun cli(String... args) { return Cli.run(args); }

  Path importShop() throws Exception {
    CertificateBundle b = dv.leaf(List.of("shop.example"));
    Path cert = Cli.pem(tmp.resolve("shop.crt"), b.leaf(), dv.certificate());
    Path key = Cli.key(tmp.resolve("shop.key"), b.privateKey());
    Path trust = Cli.pem(tmp.resolve("root.pem"), root.certificate());
    CliRun r = cli("import", "--config", config.toString(), "--name", "shop", "--cert", cert.toString(), "--key",
        key.toString(), "--trust", trust.toString());
    assertThat(r.code()).as(r.toString()).isZero();
    return cert;
  }

  @Test
  void everyCommandThatTouchesTheStoreUsesTheDatabaseTheConfigNames() throws Exception {
    Path home = tmp.resolve("default-store");
    importShop();
    CliRun once = cli("run", "--once", "--config", config.toString());
    assertThat(once.code()).as(once.toString()).isZero();
    assertThat(once.out()).contains("www").contains("1/1 in sync");

    CliRun list = cli("list", "--config", config.toString(), "--json");
    assertThat(list.code()).as(list.toString()).isZero();
    JsonNode all = JSON.readTree(list.out());
    assertThat(all).extracting(n -> n.get("name").asText()).containsExactlyInAnyOrder("www", "shop");

    CliRun show = cli("show", "--config", config.toString(), "www", "--json");
    assertThat(show.code()).as(show.toString()).isZero();
    assertThat(JSON.readTree(show.out()).get("versions")).hasSize(1);

    CliRun renew = cli("renew", "--config", config.toString(), "www", "--force");
    assertThat(renew.code()).as(renew.toString()).isZero();
    assertThat(renew.out()).contains("www: renewed (forced), version 2");

    CliRun deploy = cli("deploy", "--config", config.toString(), "www");
    assertThat(deploy.code()).as(deploy.toString()).isZero();

    CliRun revoke = cli("revoke", "--config", config.toString(), "shop");
    assertThat(revoke.code()).as(revoke.toString()).isEqualTo(ExitCodes.INPUT_REJECTED);
    assertThat(revoke.err()).contains("only certificates from an ACME CA can be revoked");

    try (PostgresStore pg = db.open()) {
      assertThat(pg.names()).containsExactly("shop", "www");
      StoredVersion v2 = pg.current("www").orElseThrow();
      assertThat(v2.number()).isEqualTo(2);
      assertThat(Cli.sha256(Files.readAllBytes(tmp.resolve("out/www/cert.pem")))).isNotEmpty();
      assertThat(pg.deployments("www").target("files").orElseThrow().sha256()).isEqualTo(v2.sha256());
    }
    assertThat(home).doesNotExist();

    // --store DIR keeps meaning a FileStore, config or not.
    Path folder = tmp.resolve("folder");
    CliRun inFolder = cli("list", "--store", folder.toString());
    assertThat(inFolder.code()).as(inFolder.toString()).isZero();
    assertThat(inFolder.out()).contains("No certificates in " + folder);
  }

  @Test
  void rotateKeyReSealsEveryKeyAndTheOldKeyIsRefusedAfterwards() throws Exception {
    importShop();
    assertThat(cli("run", "--once", "--config", config.toString()).out()).contains("www");
    byte[] next = new byte[32];
    new SecureRandom().nextBytes(next);
    Path newKey = FleetDatabase.secret(tmp.resolve("secrets/kek.new"), Base64.getEncoder().encodeToString(next));

    CliRun literal = cli("store", "rotate-key", "--config", config.toString(), "--new-key",
        Base64.getEncoder().encodeToString(next));
    assertThat(literal.code()).as(literal.toString()).isEqualTo(ExitCodes.USAGE);
    assertThat(literal.err()).contains("must be a secret reference").doesNotContain(Base64.getEncoder().encodeToString(next));

    CliRun rotated = cli("store", "rotate-key", "--config", config.toString(), "--new-key", "${file:" + newKey + "}");
    assertThat(rotated.code()).as(rotated.toString()).isZero();
    assertThat(rotated.out()).containsPattern("Re-sealed [3-9] key\\(s\\) in the postgresql store at jdbc:postgresql://")
        .contains("give every agent the new key");

    // The config still names the old key: refused with the fix. With the new key, everything reads.
    CliRun old = cli("list", "--config", config.toString());
    assertThat(old.code()).as(old.toString()).isEqualTo(ExitCodes.FAILED);
    assertThat(old.err()).contains("sealed under key-encryption key").contains("configure the key the store was sealed with");
    Files.copy(newKey, db.kekFile(), StandardCopyOption.REPLACE_EXISTING);
    CliRun renew = cli("renew", "--config", config.toString(), "www", "--force");
    assertThat(renew.code()).as(renew.toString()).isZero();

    Path folderConfig = Files.writeString(tmp.resolve("files.yaml"), "store: " + tmp.resolve("fs")
        + "\ncertificates: [{name: www, domains: [www.example.test], issuer: {type: local}}]\n");
    CliRun files = cli("store", "rotate-key", "--config", folderConfig.toString(), "--new-key", "${file:" + newKey + "}");
    assertThat(files.code()).as(files.toString()).isEqualTo(ExitCodes.USAGE);
    assertThat(files.err()).contains("does not seal its keys").contains("nothing to rotate");
  }

  @Test
  void migrateCopiesAFolderIntoTheDatabaseAndBackChecksFingerprintsIsIdempotentAndLeavesTheSourceAlone() throws Exception {
    Path folder = tmp.resolve("store");
    Path folderConfig = Files.writeString(tmp.resolve("files.yaml"), "store: " + folder + "\n"
        + Files.readString(config).substring(db.storeYaml("30s").length()));
    CliRun seeded = cli("run", "--once", "--config", folderConfig.toString());
    assertThat(seeded.out()).as(seeded.toString()).contains("www");
    assertThat(cli("renew", "--config", folderConfig.toString(), "www", "--force").code()).isZero();
    assertThat(cli("csr", "--store", folder.toString(), "--name", "api", "--domain", "api.example",
        "--out", tmp.toString()).code()).isZero();
    FileStore files = FileStore.open(folder);
    var before = Cli.tree(folder);

    CliRun in = cli("store", "migrate", "--from", folder.toString(), "--to", config.toString());
    assertThat(in.code()).as(in.toString()).isZero();
    assertThat(in.out()).contains("3 lineage(s), 2 version(s) copied, 0 already there").contains("the local CA")
        .contains("fingerprints checked");
    assertThat(Cli.tree(folder)).as("the source is only read").isEqualTo(before);
    try (PostgresStore pg = db.open()) {
      assertThat(pg.names()).containsExactly("api", "shop", "www");
      assertThat(pg.versions("www")).extracting(StoredVersion::sha256)
          .containsExactlyElementsOf(files.versions("www").stream().map(StoredVersion::sha256).toList());
      assertThat(pg.deployments("www")).isEqualTo(files.deployments("www"));
      assertThat(pg.state("www")).isEqualTo(files.state("www"));
      assertThat(pg.pendingKey("api").orElseThrow().getEncoded()).isEqualTo(files.pendingKey("api").orElseThrow().getEncoded());
      assertThat(pg.localCa().orElseThrow().certificate()).isEqualTo(files.localCa().orElseThrow().certificate());
      assertThat(pg.load("www", 2).privateKey().getEncoded()).isEqualTo(files.load("www", 2).privateKey().getEncoded());
    }

    CliRun again = cli("store", "migrate", "--from", folder.toString(), "--to", config.toString());
    assertThat(again.code()).as(again.toString()).isZero();
    assertThat(again.out()).contains("0 version(s) copied, 2 already there");

    // And back, into a new folder: the same fingerprints.
    Path back = tmp.resolve("back");
    CliRun out = cli("store", "migrate", "--from", config.toString(), "--to", back.toString());
    assertThat(out.code()).as(out.toString()).isZero();
    FileStore returned = FileStore.open(back);
    assertThat(returned.versions("www")).extracting(StoredVersion::sha256)
        .containsExactlyElementsOf(files.versions("www").stream().map(StoredVersion::sha256).toList());
    assertThat(Cli.perms(back.resolve("certs/www/versions/2/key.pem"))).isEqualTo("rw-------");

    // A destination that moved on on its own is a conflict for that lineage, and nothing of it is touched.
    returned.addVersion("www", dv.leaf(List.of("www.example.test")), "imported", Map.of());
    var moved = Cli.tree(back);
    try (PostgresStore pg = db.open()) {
      CliRun conflict = cli("store", "migrate", "--from", config.toString(), "--to", back.toString());
      assertThat(conflict.code()).as(conflict.toString()).isEqualTo(ExitCodes.FAILED);
      assertThat(conflict.err()).contains("lineage 'www'").contains("nothing copied for this lineage");
      assertThat(Cli.tree(back)).isEqualTo(moved);
      assertThat(pg.versions("www")).hasSize(2);
    }
  }
}
