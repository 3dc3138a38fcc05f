package io.certferry.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The store's hand-mapped readers: the same answers and the same errors as the JDK and data binding. */
class StoreJsonTest {
  @Test
  void readsEveryInstantAsInstantParseDoes() {
    Random random = new Random(20261201);
    long min = Instant.parse("1000-01-01T00:00:00Z").getEpochSecond();
    long max = Instant.parse("9999-12-31T23:59:59Z").getEpochSecond();
    for (int i = 0; i < 20_000; i++) {
      long second = min + Math.floorMod(random.nextLong(), max - min + 1);
      int nano = switch (i % 4) {
        case 0 -> 0;
        case 1 -> random.nextInt(1_000) * 1_000_000; // milliseconds
        case 2 -> random.nextInt(1_000_000) * 1_000; // microseconds
        default -> random.nextInt(1_000_000_000);
      };
      String text = Instant.ofEpochSecond(second, nano).toString();
      assertThat(StoreJson.instant(text)).as(text).isEqualTo(Instant.parse(text));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"1970-01-01T00:00:00Z", "2000-02-29T12:00:00Z", "9999-12-31T23:59:59.999999999Z",
      "2026-12-01T09:30:00.5Z", "2026-12-01T09:30:00.05Z", "2016-12-31T23:59:60Z", "2026-12-01t09:30:00z",
      "0999-12-31T23:59:59Z", "+10000-01-01T00:00:00Z", "-0001-01-01T00:00:00Z", "2026-12-01T24:00:00Z",
      "2026-12-01T09:30:00.Z"})
  void edgesAndOtherFormsReadAsTheJdkReadsThem(String text) {
    assertThat(StoreJson.instant(text)).isEqualTo(Instant.parse(text));
  }

  @ParameterizedTest
  @ValueSource(strings = {"2026-02-29T00:00:00Z", "2026-02-30T00:00:00Z", "2026-13-01T00:00:00Z",
      "2026-12-01T09:60:00Z", "2026-12-01T09:30:00.1234567890Z",
      "2026-12-01T09:3a:00Z", "2026-12-01 09:30:00Z", "2026-12-01T09:30:00", "soon"})
  void textTheJdkRefusesIsRefusedWithItsMessage(String text) {
    String jdk = null;
    try {
      Instant.parse(text);
    } catch (DateTimeParseException e) {
      jdk = e.getMessage();
    }
    assertThat(jdk).as("the JDK refuses %s", text).isNotNull();
    assertThatThrownBy(() -> StoreJson.instant(text)).isInstanceOf(DateTimeParseException.class).hasMessage(jdk);
  }

  @Test
  void aSpecReadsBackAsItWasWritten() {
    ObjectNode issuer = JsonNodeFactory.instance.objectNode().put("type", "acme").put("server", "https://ca.example/dir");
    issuer.putObject("eab").put("hmacKey", "${env:EAB_HMAC}");
    LineageSpec spec = new LineageSpec("shop", List.of("shop.example", "www.shop.example"), "acme", "ec-p256",
        Map.of("renewBefore", "30d", "reuseKey", "true"), List.of("lb", "cdn"), issuer);
    LineageSpec plain = new LineageSpec("csr", List.of("csr.example"), "imported", "rsa-2048", null, null);

    assertThat(StoreJson.readSpec(StoreJson.write(spec), "spec.json")).isEqualTo(spec);
    assertThat(StoreJson.readSpec(StoreJson.write(plain), "spec.json")).isEqualTo(plain);
    assertThat(StoreJson.readSpec(StoreJson.write(plain), "spec.json").issuer()).isNull();
  }

  @Test
  void aSpecWithANumberAsAnOptionReadsItAsText() {
    LineageSpec spec = StoreJson.readSpec(json("""
        {"name": "shop", "domains": ["shop.example"], "source": "acme", "keyType": "ec-p256",
         "options": {"renewBefore": 30, "future": "kept"}, "targets": [], "newerField": 1}"""), "spec.json");

    assertThat(spec.options()).containsEntry("renewBefore", "30").containsEntry("future", "kept");
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "{\"domains\": [\"shop.example\"]}", // no name
      "{\"name\": \"shop\"}", // no domains
      "{\"name\": \"shop\", \"domains\": [], \"options\": {\"renewBefore\": {\"days\": 30}}}",
      "{\"name\": \"shop\", \"domains\": [], \"options\": {\"renewBefore\": null}}",
      "{\"name\": \"shop\", \"domains\": [], \"issuer\": \"acme\"}",
      "{\"name\": \"shop\", \"domains\": [",
      ""})
  void aSpecItCannotReadIsAStoreErrorNamingTheFile(String text) {
    assertThatThrownBy(() -> StoreJson.readSpec(json(text), "/var/lib/certferry/certs/shop/spec.json"))
        .isInstanceOf(StoreException.class)
        .hasMessageStartingWith("/var/lib/certferry/certs/shop/spec.json: unreadable LineageSpec (")
        .hasMessageEndingWith("); restore it from a backup or remove the lineage");
  }

  @Test
  void aVersionReadsBackAsItWasWrittenAndSkipsWhatANewerWriterAdded() {
    StoredVersion v = new StoredVersion(3, "acme", List.of("shop.example", "www.shop.example"),
        Instant.parse("2026-12-01T09:30:00Z"), Instant.parse("2027-03-01T09:30:00Z"), "7f7c04a4", "a5d2ac75",
        "CN=R13,O=Let's Encrypt,C=US", "ec-p256", Instant.parse("2026-12-01T09:31:02.123456789Z"),
        Map.of("issuer", "https://acme.example/dir", "ariCertId", "aYhba4dGQEHhs3uEe6CuLN4ByNQ.AIdlQyE"));
    assertThat(StoreJson.readVersion(StoreJson.write(v), "meta.json")).isEqualTo(v);

    StoredVersion newer = StoreJson.readVersion(json("""
        {"number": 1, "future": {"nested": [1, {"deep": true}]}, "source": "local", "domains": ["a.example"],
         "notBefore": "2026-12-01T00:00:00Z", "notAfter": "2027-12-01T00:00:00Z", "laterList": [[1], [2]],
         "serial": 12345, "details": {"n": 7}}"""), "meta.json");
    assertThat(newer.number()).isEqualTo(1);
    assertThat(newer.domains()).containsExactly("a.example");
    assertThat(newer.serial()).isEqualTo("12345");
    assertThat(newer.details()).containsExactly(Map.entry("n", "7"));
    assertThat(newer.sha256()).isNull();
  }

  @ParameterizedTest
  @ValueSource(strings = {"{\"source\": \"acme\"}", "{\"number\": null}", "[1]", "{\"number\": 1, \"notAfter\": \"soon\"}",
      "{\"number\": 1, \"domains\": [", ""})
  void aVersionItCannotReadIsAStoreErrorNamingTheFile(String text) {
    assertThatThrownBy(() -> StoreJson.readVersion(json(text), "/var/lib/certferry/certs/shop/versions/1/meta.json"))
        .isInstanceOf(StoreException.class)
        .hasMessageStartingWith("/var/lib/certferry/certs/shop/versions/1/meta.json: unreadable StoredVersion (");
  }

  private static byte[] json(String text) { return text.getBytes(StandardCharsets.UTF_8); }
}
