package io.certferry.provider.dnsimple;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;
import java.util.Optional;

/**
 * The DNSimple API v2 objects this provider reads and writes, as the OpenAPI description names them.
 * Only the fields used are mapped; unknown fields are ignored so that additions upstream do not break us.
 * Error answers ({@code message}, and {@code errors} per field for 400) are read by the shared
 * {@link io.certferry.core.http.HttpApi} and mapped to messages by {@code DnsimpleErrors}.
 */
public final class DnsimpleApi {
  private DnsimpleApi() {}

  /** {@code {"data": ...}}: the envelope of every single-object answer. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Data<T>(T data) {}

  /** {@code {"data": [...], "pagination": {...}}}: the envelope of every list answer. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Page<T>(List<T> data, Pagination pagination) {}

  /** Where a list answer stands: {@code current_page} of {@code total_pages}. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Pagination(@JsonProperty("current_page") int currentPage, @JsonProperty("per_page") int perPage,
                           @JsonProperty("total_entries") int totalEntries,
                           @JsonProperty("total_pages") int totalPages) {
    /** Whether a page follows this one. */
    public boolean hasNext() { return currentPage < totalPages; }
  }

  /** {@code GET /whoami}: an account token answers with the account, a user token with the user. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Whoami(Account account, User user) {
    public Optional<Account> accountIfAny() { return Optional.ofNullable(account); }
  }

  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Account(long id, String email, @JsonProperty("plan_identifier") String planIdentifier) {}

  @JsonIgnoreProperties(ignoreUnknown = true)
  public record User(long id, String email) {}

  /** A DNS zone of the account. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Zone(long id, @JsonProperty("account_id") long accountId, String name, boolean reverse,
                     boolean secondary, boolean active) {}

  /** A record of a zone; TXT content comes back quoted ({@code "\"value\""}). */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record ZoneRecord(long id, @JsonProperty("zone_id") String zoneId, String name, String content, int ttl,
                           String type) {
    /** The content without the surrounding double quotes DNSimple adds to TXT values. */
    public String unquotedContent() { return unquote(content); }
  }

  /** The body of {@code POST /{account}/zones/{zone}/records}. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record ZoneRecordCreate(String name, String type, String content, Integer ttl) {}

  /** {@code GET .../records/{id}/distribution}. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record ZoneDistribution(boolean distributed) {}

  /** {@code GET .../certificates/{id}/download}: PEM texts; {@code root} may be null. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record CertificateDownload(String server, String root, List<String> chain) {
    public CertificateDownload {
      chain = chain == null ? List.of() : List.copyOf(chain);
    }
  }

  /** {@code GET .../certificates/{id}/private_key}; {@link #toString()} never prints the key. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record CertificatePrivateKey(@JsonProperty("private_key") String privateKey) {
    @Override
    public String toString() { return "CertificatePrivateKey{redacted}"; }
  }

  /** Removes one pair of surrounding double quotes and the backslash escapes inside them. */
  static String unquote(String content) {
    if (content == null || content.length() < 2 || !content.startsWith("\"") || !content.endsWith("\"")) {
      return content;
    }
    return content.substring(1, content.length() - 1).replace("\\\"", "\"").replace("\\\\", "\\");
  }
}
