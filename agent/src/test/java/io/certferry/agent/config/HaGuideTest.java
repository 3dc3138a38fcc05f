package io.certferry.agent.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.certferry.core.ReferenceSecrets;
import io.certferry.core.testing.RequiredTools;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What docs/ha.md tells the reader to write holds: its store block on examples/mastodon.yaml, and its alert rules. */
class HaGuideTest {
  @TempDir
  Path tmp;

  static Path repo() {
    Path here = Path.of("").toAbsolutePath();
    while (here != null && !Files.isDirectory(here.resolve("docs"))) {
      here = here.getParent();
    }
    return here;
  }

  /** The fenced yaml blocks of the guide, in order. */
  static List<String> yamlBlocks() throws Exception {
    List<String> out = new ArrayList<>();
    StringBuilder block = null;
    for (String line : Files.readAllLines(repo().resolve("docs/ha.md"))) {
      if (block == null && line.equals("```yaml")) {
        block = new StringBuilder();
      } else if (block != null && line.equals("```")) {
        out.add(block.toString());
        block = null;
      } else if (block != null) {
        block.append(line).append('\n');
      }
    }
    return out;
  }

  @Test
  void theGuidesStoreBlockOnTheMastodonExampleIsAValidConfig() throws Exception {
    String store = yamlBlocks().stream().filter(b -> b.startsWith("store:")).findFirst().orElseThrow();
    Path kek = Files.writeString(tmp.resolve("kek"), "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n");
    Files.setPosixFilePermissions(kek, PosixFilePermissions.fromString("rw-------"));
    String mastodon = Files.readString(repo().resolve("examples/mastodon.yaml"));
    assertThat(mastodon).contains("\nstore: /var/lib/certferry\n");
    Path config = Files.writeString(tmp.resolve("agent.yaml"), mastodon.replace("\nstore: /var/lib/certferry\n",
        "\n" + store.replace("/etc/certferry/kek", kek.toString())));
    Map<String, String> env = Map.of("DIGITALOCEAN_TOKEN", "do-test", "NETLIFY_TOKEN", "nf-test",
        "DNSIMPLE_TOKEN", "dns-test", "SLACK_WEBHOOK_URL", "https://hooks.slack.test/T/B/x", "SENDGRID_API_KEY", "SG.test",
        "ZEROSSL_EAB_KID", "kid-test", "ZEROSSL_EAB_HMAC", "aG1hYy10ZXN0", "PG_PASSWORD", "pg-test");

    AgentConfig c = ConfigLoader.withInstalledProviders(ReferenceSecrets.withEnvironment(env)).load(config);

    assertThat(c.storeSettings().type()).isEqualTo("postgresql");
    assertThat(c.storeSettings().settings().get("url").asText()).startsWith("jdbc:postgresql://").contains("sslmode=verify-full");
    assertThat(c.certificates()).extracting(AgentConfig.CertificateConfig::name).containsExactly("social", "shop");
  }

  @Test
  void theGuidesAlertRulesPassPromtool() throws Exception {
    Path promtool = RequiredTools.require("promtool");
    String rules = yamlBlocks().stream().filter(b -> b.startsWith("groups:")).findFirst().orElseThrow();
    Path file = Files.writeString(tmp.resolve("rules.yaml"), rules);
    Process check = new ProcessBuilder(promtool.toString(), "check", "rules", file.toString()).redirectErrorStream(true).start();
    assertThat(check.waitFor(60, TimeUnit.SECONDS)).isTrue();
    String output = new String(check.getInputStream().readAllBytes());
    assertThat(check.exitValue()).as(output).isZero();
    assertThat(output).contains("3 rules found");
  }
}
