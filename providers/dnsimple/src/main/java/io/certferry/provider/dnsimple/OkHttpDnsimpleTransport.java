package io.certferry.provider.dnsimple;

import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;

/** Sends DNSimple requests with OkHttp: Bearer token, JSON in and out. */
final class OkHttpDnsimpleTransport implements DnsimpleTransport {
  private static final MediaType JSON = MediaType.get("application/json");
  private final OkHttpClient http;
  private final String baseUrl;
  private final String token;

  OkHttpDnsimpleTransport(String baseUrl, String token) {
    this.baseUrl = baseUrl;
    this.token = token;
    this.http = new OkHttpClient.Builder().callTimeout(Duration.ofSeconds(60)).build();
  }

  @Override
  public Reply send(String method, String pathAndQuery, Optional<String> jsonBody) throws IOException {
    Request request = new Request.Builder()
        .url(baseUrl + pathAndQuery)
        .header("Authorization", "Bearer " + token)
        .header("Accept", "application/json")
        .header("User-Agent", "certferry-dnsimple")
        .method(method, jsonBody.map(b -> RequestBody.create(b, JSON)).orElse(null))
        .build();
    try (Response r = http.newCall(request).execute()) {
      return new Reply(r.code(), r.body().string());
    } catch (IOException e) {
      throw new IOException(redact(method + " " + baseUrl + pathAndQuery + ": " + e.getMessage()), e);
    }
  }

  @Override
  public String redact(String text) {
    return text == null ? null : text.replace(token, "[redacted]");
  }

  @Override
  public String toString() { return "OkHttpDnsimpleTransport{" + baseUrl + "}"; }
}
