package io.certferry.provider.postgresql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.certferry.core.ProviderContext;
import io.certferry.core.ProviderFactory;
import io.certferry.core.ReferenceSecrets;
import io.certferry.core.store.CertificateStore;

import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class PostgresStoreFactoryTest {
  @RegisterExtension
  static final TestDatabase pg = new TestDatabase();
  private static final ObjectMapper JSON = new ObjectMapper();

  private static ProviderFactory factory() {
    return ServiceLoader.load(ProviderFactory.class).stream().map(ServiceLoader.Provider::get)
        .filter(f -> f.kind() == CertificateStore.class && f.type().equals("postgresql")).findFirst().orElseThrow();
  }

  private static ObjectNode settings(String url) {
    return JSON.createObjectNode().put("type", "postgresql").put("url", url).put("user", "certferry")
        .put("password", "${env:PG_PASSWORD}").put("keyEncryptionKey", "${env:CERTFERRY_KEK}").put("leaseTime", "45s");
  }

  @Test
  void theStoreFactoryIsFoundByKindAndTypeAndOpensTheStoreFromReferences() throws Exception {
    String db = pg.server().createDatabase();
    ReferenceSecrets secrets = ReferenceSecrets.withEnvironment(Map.of("PG_PASSWORD", pg.server().password(),
        "CERTFERRY_KEK", HexFormat.of().formatHex(new byte[32])));
    JsonNode s = settings(pg.server().url(db));
    assertThat(factory().validate(s)).isEmpty();
    try (PostgresStore store = (PostgresStore) factory().create(s, ProviderContext.defaults(secrets))) {
      assertThat(store.names()).isEmpty();
      assertThat(store.server()).isEqualTo("127.0.0.1:" + pg.server().port());
      assertThat(store.keyEncryptionKeyId()).isEqualTo(KeyEncryptionKey.of(new byte[32]).id());
    }
  }

  @Test
  void everyProblemOfABlockIsReportedAtOnceWithTheFix() {
    ObjectNode s = settings("jdbc:postgresql://db/certferry?password=hunter2").put("password", "hunter2")
        .put("keyEncryptionKey", "").put("poolSize", 1).put("leaseTime", "2s").put("lockTimeout", "soon").put("colour", "red");
    s.remove("user");
    List<String> problems = factory().validate(s);
    assertThat(problems).containsExactly(
        "store (postgresql): setting 'url' must not hold the password; remove password= from it and set password: ${env:PG_PASSWORD}",
        "store (postgresql): setting 'user' is missing; the PostgreSQL role the agents log in as, e.g. user: certferry",
        "store (postgresql): setting 'password' must be a reference such as ${env:PG_PASSWORD} or ${file:/etc/certferry/pg.password}, "
            + "never the secret itself; move it into an environment variable or a 0600 file",
        "store (postgresql): setting 'keyEncryptionKey' is missing; set keyEncryptionKey: ${env:CERTFERRY_KEK} or "
            + "${file:/etc/certferry/kek}",
        "store (postgresql): setting 'poolSize' must be a whole number from 2 to 64, got '1'",
        "store (postgresql): setting 'leaseTime' must be at least 3s (renewals run every third of it), got 2s",
        "store (postgresql): setting 'lockTimeout': 'soon' is not a duration; write it as 500ms, 45s, 90m, 12h, 30d, 2w, "
            + "a combination such as 1h30m, or ISO-8601 such as P30D",
        "store (postgresql): unknown setting 'colour'; the settings are connectTimeout, keyEncryptionKey, leaseTime, "
            + "lockTimeout, password, poolSize, type, url, user");
    assertThat(String.join("\n", problems)).doesNotContain("hunter2\"").doesNotContain("got 'hunter2'");
    assertThat(factory().validate(settings("postgres://db/x"))).containsExactly(
        "store (postgresql): setting 'url' must start with jdbc:postgresql://, e.g. jdbc:postgresql://db.internal:5432/certferry");
  }

  @Test
  void aKeyEncryptionKeyOfTheWrongSizeIsRefusedNamingTheReference() {
    ReferenceSecrets secrets = ReferenceSecrets.withEnvironment(Map.of("PG_PASSWORD", "x", "CERTFERRY_KEK", "too-short"));
    assertThatThrownBy(() -> factory().create(settings("jdbc:postgresql://127.0.0.1:1/x"),
        ProviderContext.defaults(secrets)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("store (postgresql): keyEncryptionKey (${env:CERTFERRY_KEK}): the key-encryption key must be")
        .hasMessageNotContaining("too-short");
  }
}
