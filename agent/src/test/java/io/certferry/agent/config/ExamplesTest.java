package io.certferry.agent.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.certferry.core.ReferenceSecrets;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;

/** The example configs in examples/ must pass the whole validation. */
class ExamplesTest {
  static Path examples() {
    Path here = Path.of("").toAbsolutePath();
    for (Path p = here; p != null; p = p.getParent()) {
      if (Files.isDirectory(p.resolve("examples"))) {
        return p.resolve("examples");
      }
    }
    throw new IllegalStateException("examples/ not found above " + here);
  }

  @Test
  void quickstartIsValid() throws Exception {
    AgentConfig c = ConfigLoader.withInstalledProviders(ReferenceSecrets.withEnvironment(Map.of()))
        .load(examples().resolve("quickstart.yaml"));
    assertThat(c.certificates()).singleElement().satisfies(cc -> {
      assertThat(cc.source()).isEqualTo("local");
      assertThat(cc.targets()).extracting(AgentConfig.TargetConfig::type).containsExactly("directory");
    });
    assertThat(c.store()).isRelative();
  }

  @Test
  void mastodonIsValidWithItsSecretsSet() throws Exception {
    Map<String, String> env = Map.of("DIGITALOCEAN_TOKEN", "do-test", "NETLIFY_TOKEN", "nf-test",
        "DNSIMPLE_TOKEN", "dns-test", "SLACK_WEBHOOK_URL", "https://hooks.slack.test/T/B/x", "SENDGRID_API_KEY", "SG.test",
        "ZEROSSL_EAB_KID", "kid-test", "ZEROSSL_EAB_HMAC", "aG1hYy10ZXN0");
    AgentConfig c = ConfigLoader.withInstalledProviders(ReferenceSecrets.withEnvironment(env))
        .load(examples().resolve("mastodon.yaml"));
    assertThat(c.certificates()).extracting(AgentConfig.CertificateConfig::name).containsExactly("social", "shop");
    assertThat(c.certificates().get(0).targets()).extracting(AgentConfig.TargetConfig::type)
        .containsExactly("digitalocean-lb", "digitalocean-cdn", "netlify", "nginx");
    assertThat(c.certificates().get(1).source()).isEqualTo("imported");
    AgentConfig.Continuity social = c.certificates().get(0).continuity();
    assertThat(social.fallbacks()).singleElement().satisfies(f -> assertThat(f.path("server").asText()).isEqualTo("zerossl"));
    assertThat(social.fallbackAfter()).isEqualTo(Duration.ofHours(12));
    assertThat(c.certificates().get(0).targets().get(0).windows()).containsExactly("Sat 02:00-05:00 America/Toronto");
    assertThat(c.certificates().get(1).continuity().alertLevels()).containsExactly(60, 30, 14, 7, 3, 1);
    assertThat(c.notifications()).extracting(AgentConfig.Block::type).containsExactly("webhook", "sendgrid");
  }

  @Test
  void acmeChallengesIsValid() throws Exception {
    AgentConfig c = ConfigLoader.withInstalledProviders(ReferenceSecrets.withEnvironment(Map.of("DNSIMPLE_TOKEN", "dns-test")))
        .load(examples().resolve("acme-challenges.yaml"));
    assertThat(c.certificates()).extracting(AgentConfig.CertificateConfig::name).containsExactly("social", "edge", "resolver");
    assertThat(c.certificates().get(0).issuer().path("challenges").toString()).isEqualTo("[\"dns-persist-01\",\"dns-01\"]");
    assertThat(c.certificates().get(2).domains()).containsExactly("192.0.2.53", "2001:db8::53");
  }

  @Test
  void mastodonWithoutItsSecretsNamesEachMissingOne() {
    ConfigException e = Assertions.catchThrowableOfType(ConfigException.class,
        () -> ConfigLoader.withInstalledProviders(ReferenceSecrets.withEnvironment(Map.of()))
            .load(examples().resolve("mastodon.yaml")));
    assertThat(e.problems()).extracting(ConfigProblem::message).allSatisfy(m -> assertThat(m).contains("is not set"))
        .anySatisfy(m -> assertThat(m).contains("DIGITALOCEAN_TOKEN")).anySatisfy(m -> assertThat(m).contains("NETLIFY_TOKEN"))
        .anySatisfy(m -> assertThat(m).contains("DNSIMPLE_TOKEN")).anySatisfy(m -> assertThat(m).contains("SENDGRID_API_KEY"))
        .anySatisfy(m -> assertThat(m).contains("SLACK_WEBHOOK_URL")).anySatisfy(m -> assertThat(m).contains("ZEROSSL_EAB_KID"));
  }
}
