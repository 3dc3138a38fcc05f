package io.certferry.provider.dnsimple;

import mockwebserver3.RecordedRequest;
import okhttp3.Headers;
import okhttp3.HttpUrl;
import okio.ByteString;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The rewritten contract still rejects what DNSimple's description forbids: the checks are not vacuous. */
class DnsimpleContractTest {
  private static final String AUTH = "Bearer " + FakeDnsimple.TOKEN;

  @Test
  void acceptsTheRequestsTheClientSends() {
    assertThat(check("GET", "/v2/whoami", null, AUTH)).isEmpty();
    assertThat(check("GET", "/v2/1010/zones?page=2&per_page=100", null, AUTH)).isEmpty();
    assertThat(check("POST", "/v2/1010/zones/example.com/records",
        "{\"name\":\"_acme-challenge.www\",\"type\":\"TXT\",\"content\":\"abc\",\"ttl\":60}", AUTH)).isEmpty();
    assertThat(check("GET", "/v2/1010/zones/example.com/records/77", null, AUTH)).isEmpty();
    assertThat(check("DELETE", "/v2/1010/zones/example.com/records/77", null, AUTH)).isEmpty();
    assertThat(check("GET", "/v2/1010/zones/example.com/records/77/distribution", null, AUTH)).isEmpty();
    assertThat(check("GET", "/v2/1010/domains/example.com/certificates/5/download", null, AUTH)).isEmpty();
    assertThat(check("GET", "/v2/1010/domains/example.com/certificates/5/private_key", null, AUTH)).isEmpty();
  }

  @Test
  void rejectsWhatTheDescriptionForbids() {
    assertThat(check("GET", "/v2/acme/zones", null, AUTH)).as("account must be an integer").isNotEmpty();
    assertThat(check("GET", "/v2/1010/zones?pagesize=5", null, AUTH)).as("unknown query parameter").isNotEmpty();
    assertThat(check("GET", "/v2/1010/zones?per_page=500", null, AUTH)).as("per_page above 100").isNotEmpty();
    assertThat(check("POST", "/v2/1010/zones/example.com/records",
        "{\"type\":\"TXT\",\"content\":\"abc\",\"ttl\":60}", AUTH)).as("name is required").isNotEmpty();
    assertThat(check("POST", "/v2/1010/zones/example.com/records",
        "{\"name\":\"x\",\"type\":\"TEXT\",\"content\":\"abc\"}", AUTH)).as("type enum").isNotEmpty();
    assertThat(check("POST", "/v2/1010/zones/example.com/records",
        "{\"name\":\"x\",\"type\":\"TXT\",\"content\":\"abc\",\"ttl\":-1}", AUTH)).as("ttl minimum").isNotEmpty();
    assertThat(check("DELETE", "/v2/1010/zones/example.com/records/abc", null, AUTH)).as("record id").isNotEmpty();
    assertThat(check("GET", "/v2/1010/domains/example.com/certificates/5/pem", null, AUTH)).as("no such path")
        .isNotEmpty();
    assertThat(check("GET", "/v2/whoami", null, null)).as("no token").isNotEmpty();
  }

  private static List<String> check(String method, String target, String body, String auth) {
    HttpUrl url = HttpUrl.get("http://127.0.0.1:1" + target);
    Headers.Builder h = new Headers.Builder();
    if (auth != null) {
      h.add("Authorization", auth);
    }
    if (body != null) {
      h.add("Content-Type", "application/json");
    }
    ByteString b = body == null ? ByteString.EMPTY : ByteString.encodeUtf8(body);
    RecordedRequest r = new RecordedRequest(0, 0, null, List.of(), method, target, "HTTP/1.1",
        url, h.build(), b, b.size(), List.of(), null);
    return DnsimpleContract.violations(r);
  }
}
