package io.certferry.core.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.certferry.core.testing.SecretScan;
import io.certferry.core.testing.TestPki;
import io.certferry.core.x509.PemWriter;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import okhttp3.HttpUrl;
import org.junit.jupiter.api.Test;

class RedactorTest {
  private static final String TOKEN = "dop_v1_0123456789abcdef0123456789abcdef0123456789abcdef0123456789ab";

  @Test
  void scrubsAWholeTokenAndEveryCutOfIt() {
    Redactor r = Redactor.none().with(TOKEN);

    assertThat(r.scrub("auth Bearer " + TOKEN + " end")).isEqualTo("auth Bearer [redacted] end");
    // What a cut before scrubbing leaves: the head of the token, or its tail.
    assertThat(r.scrub("...token " + TOKEN.substring(0, 10))).isEqualTo("...token [redacted]");
    assertThat(r.scrub(TOKEN.substring(40) + "\" was rejected")).isEqualTo("[redacted]\" was rejected");
    assertThat(r.scrub("x" + TOKEN.substring(17, 25) + "x")).isEqualTo("x[redacted]x");
    // Seven characters are not a part worth the name: ordinary words must survive.
    assertThat(r.scrub("dop_v1_ is a prefix")).isEqualTo("dop_v1_ is a prefix");
  }

  @Test
  void scrubsUrlEncodedAndJsonEscapedForms() {
    String secret = "a+b/c=d e\"f\\g\nhijklmnop+/=";
    Redactor r = Redactor.none().with(secret);
    String okhttpQuery = new HttpUrl.Builder().scheme("http").host("x").addQueryParameter("k", secret).build().encodedQuery();
    String texts = String.join(" | ",
        URLEncoder.encode(secret, StandardCharsets.UTF_8),
        URLEncoder.encode(secret, StandardCharsets.UTF_8).replace("+", "%20"),
        okhttpQuery,
        "{\"m\":\"a+b/c=d e\\\"f\\\\g\\nhijklmnop+/=\"}",
        "{\"m\":\"a+b\\/c=d e\\\"f\\\\g\\nhijklmnop+\\/=\"}");

    String scrubbed = r.scrub(texts);

    SecretScan.assertNoPartOf(Map.of("secret", secret), Map.of("scrubbed", scrubbed));
    assertThat(scrubbed).contains("k=[redacted]").contains("{\"m\":\"[redacted]\"}");
  }

  @Test
  void scrubsPrivateKeyBlocksWhateverWasMarkedEvenWhenCut() throws Exception {
    var bundle = TestPki.root("Redactor CA").leaf(List.of("www.example.org"));
    String key = PemWriter.privateKey(bundle.privateKey());
    String cert = PemWriter.certificates(List.of(bundle.leaf()));
    Redactor none = Redactor.none();

    String whole = none.scrub("echo: " + key + " and " + cert);
    String cut = none.scrub("echo: " + key.substring(0, key.length() / 2));
    String encoded = none.scrub("key=" + URLEncoder.encode(key, StandardCharsets.UTF_8) + "&x=1");
    String sec1 = none.scrub("-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIBbm8fQw\n-----END EC PRIVATE KEY-----\nrest");

    // The certificate is left as it was: it is public (and holds the key's public half).
    assertThat(whole).isEqualTo("echo: [redacted]\n and " + cert);
    SecretScan.assertNoPartOf(Map.of("private key", key), Map.of("cut", cut, "url-encoded", encoded));
    assertThat(cut).isEqualTo("echo: [redacted]");
    assertThat(encoded).isEqualTo("key=[redacted]%0A&x=1");
    assertThat(sec1).isEqualTo("[redacted]\nrest");
  }

  @Test
  void aKeyTheCallerAskedForSurvivesButMarkedSecretsDoNot() {
    String key = "-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg\n-----END PRIVATE KEY-----";
    Redactor r = Redactor.none().with(TOKEN);

    assertThat(r.scrub("{\"private_key\":\"" + key + "\",\"t\":\"" + TOKEN + "\"}", false))
        .isEqualTo("{\"private_key\":\"" + key + "\",\"t\":\"[redacted]\"}");
  }

  @Test
  void valuesTooShortToBeSecretsAndNullsAreIgnored() {
    Redactor r = Redactor.none().with(null, "abc", "1010", "");
    assertThat(r.scrub("account 1010 abc")).isEqualTo("account 1010 abc");
    assertThat(Redactor.none().with("s3cret").scrub("pass s3cret!")).isEqualTo("pass [redacted]!");
  }
}
