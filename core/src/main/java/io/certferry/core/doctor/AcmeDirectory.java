package io.certferry.core.doctor;

import com.fasterxml.jackson.databind.JsonNode;
import io.certferry.core.http.ApiRequest;
import io.certferry.core.http.ApiResponse;
import io.certferry.core.http.HttpApi;
import io.certferry.core.http.HttpApiException;
import io.certferry.core.x509.TrustAnchors;

import java.net.URI;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * One read of an ACME directory (RFC 8555 section 7.1.1): its {@code meta} (terms, EAB, CAA identities, profiles)
 * and the {@code Date} the CA's server sent with it, for the clock-skew check.
 */
record AcmeDirectory(URI url, JsonNode document, Optional<Instant> date) {
  /**
   * GETs the directory once (no retry: a doctor reports, it does not wait), trusting {@code serverCa} besides the
   * JDK's anchors.
   *
   * @throws HttpApiException when the CA cannot be reached or answers with an error
   */
  static AcmeDirectory read(URI url, List<X509Certificate> serverCa, Duration timeout) throws HttpApiException {
    String base = url.getScheme() + "://" + url.getRawAuthority();
    HttpApi http = HttpApi.builder().baseUrl(base).maxAttempts(1).timeout(timeout)
        .trustAnchors(TrustAnchors.jdkDefault().with(serverCa)).build();
    String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
    ApiResponse r = http.send(ApiRequest.get(path).build());
    return new AcmeDirectory(url, r.json(), r.header("Date").flatMap(AcmeDirectory::httpDate));
  }

  private static Optional<Instant> httpDate(String text) {
    try {
      return Optional.of(ZonedDateTime.parse(text, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }

  JsonNode meta() { return document.path("meta"); }

  boolean isDirectory() { return document.hasNonNull("newOrder") && document.hasNonNull("newAccount"); }

  Optional<String> termsOfService() {
    return Optional.ofNullable(meta().get("termsOfService")).map(JsonNode::asText).filter(s -> !s.isBlank());
  }

  boolean externalAccountRequired() { return meta().path("externalAccountRequired").asBoolean(false); }

  /** The CA's CAA identities ({@code meta.caaIdentities}): the issuer domain names a CAA record names it by. */
  List<String> caaIdentities() {
    List<String> out = new ArrayList<>();
    meta().path("caaIdentities").forEach(n -> out.add(n.asText().toLowerCase(Locale.ROOT)));
    return out;
  }

  /** The profiles offered ({@code meta.profiles}, draft-ietf-acme-profiles), by name. */
  List<String> profiles() {
    List<String> out = new ArrayList<>();
    meta().path("profiles").fieldNames().forEachRemaining(out::add);
    return out;
  }
}
