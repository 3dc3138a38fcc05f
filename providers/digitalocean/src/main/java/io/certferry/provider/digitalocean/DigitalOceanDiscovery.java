package io.certferry.provider.digitalocean;

import com.fasterxml.jackson.databind.JsonNode;
import io.certferry.core.deploy.EndpointCheck;
import io.certferry.core.deploy.ServedCertificate;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a DigitalOcean certificate object says of the certificate it holds (expiry, names, type and name; the
 * serial only for Certferry's own uploads, whose names end in it), completed by a handshake with the public
 * endpoint when the target verifies one and it serves the same certificate.
 */
final class DigitalOceanDiscovery {
  private static final Pattern OURS = Pattern.compile("certferry-.+-([0-9a-f]+)");

  private DigitalOceanDiscovery() {}

  static ServedCertificate facts(JsonNode cert, String place, Optional<String> knownSha256) {
    List<String> names = new ArrayList<>();
    cert.path("dns_names").forEach(n -> names.add(n.asText()));
    Matcher m = OURS.matcher(cert.path("name").asText());
    Optional<String> serial = "custom".equals(cert.path("type").asText()) && m.matches()
        ? Optional.of(m.group(1)) : Optional.empty();
    return new ServedCertificate(place, knownSha256, serial, instant(cert.path("not_after").asText()), Optional.empty(),
        names, Optional.of(cert.path("type").asText() + " certificate " + cert.path("name").asText()
            + " (" + cert.path("id").asText() + ")"));
  }

  /**
   * The facts with the leaf's own (SHA-256, serial, issuer) when a handshake with the endpoint shows the same
   * expiry and names, so a bought certificate uploaded by hand is recognised by fingerprint too.
   */
  static ServedCertificate withHandshake(ServedCertificate api, EndpointCheck tls) {
    String defaultHost = api.names().stream().filter(n -> !n.startsWith("*")).findFirst().orElse(null);
    return api.completedBy(tls.served(defaultHost), tls.endpoint(defaultHost).orElse("?"));
  }

  private static Optional<Instant> instant(String text) {
    try {
      return text.isEmpty() ? Optional.empty() : Optional.of(OffsetDateTime.parse(text).toInstant());
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }
}
