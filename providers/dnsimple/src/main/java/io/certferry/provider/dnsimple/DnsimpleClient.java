package io.certferry.provider.dnsimple;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.certferry.provider.dnsimple.DnsimpleApi.CertificateDownload;
import io.certferry.provider.dnsimple.DnsimpleApi.CertificatePrivateKey;
import io.certferry.provider.dnsimple.DnsimpleApi.Data;
import io.certferry.provider.dnsimple.DnsimpleApi.Page;
import io.certferry.provider.dnsimple.DnsimpleApi.Whoami;
import io.certferry.provider.dnsimple.DnsimpleApi.Zone;
import io.certferry.provider.dnsimple.DnsimpleApi.ZoneDistribution;
import io.certferry.provider.dnsimple.DnsimpleApi.ZoneRecord;
import io.certferry.provider.dnsimple.DnsimpleApi.ZoneRecordCreate;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A small typed client for the parts of the DNSimple API v2 Certferry calls: identity, zones, zone
 * records and certificate downloads. One instance serves one run: the account id and the zone list are
 * looked up once and kept. Thread-safe.
 */
public final class DnsimpleClient {
  /** Largest page DNSimple serves. */
  static final int PER_PAGE = 100;
  /** Guards against a server whose pagination never ends. */
  private static final int MAX_PAGES = 1000;

  private final DnsimpleTransport transport;
  private final ObjectMapper json = new ObjectMapper()
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
  private final OptionalLong configuredAccount;
  private Long account;
  private List<Zone> zones;

  DnsimpleClient(DnsimpleTransport transport, OptionalLong account) {
    this.transport = transport;
    this.configuredAccount = account;
  }

  /** The account id: the configured one, else the one {@code GET /whoami} names for an account token. */
  public synchronized long accountId() throws IOException {
    if (account == null) {
      account = configuredAccount.isPresent() ? configuredAccount.getAsLong() : discoverAccount();
    }
    return account;
  }

  private long discoverAccount() throws IOException {
    Whoami who = call("GET", "/whoami", Optional.empty(), "reading the token's identity (GET /whoami)",
        "DNSimple has no /whoami at this base URL; check `baseUrl`", new TypeReference<Data<Whoami>>() {}).data();
    if (who == null || who.account() == null) {
      throw new DnsimpleApiException(200, "the DNSimple token belongs to a user, not to one account, so the account"
          + " cannot be discovered; set `account` to the numeric account id (shown in the DNSimple dashboard URL)");
    }
    return who.account().id();
  }

  /** Every zone of the account, read page by page once and then kept for the run. */
  public synchronized List<Zone> zones() throws IOException {
    if (zones == null) {
      long acct = accountId();
      List<Zone> all = new ArrayList<>();
      for (int page = 1; page <= MAX_PAGES; page++) {
        Page<Zone> p = call("GET", "/" + acct + "/zones?page=" + page + "&per_page=" + PER_PAGE, Optional.empty(),
            "listing the zones of account " + acct,
            "DNSimple account " + acct + " was not found; check `account`", new TypeReference<Page<Zone>>() {});
        all.addAll(p.data() == null ? List.of() : p.data());
        if (p.pagination() == null || !p.pagination().hasNext()) {
          break;
        }
      }
      zones = List.copyOf(all);
    }
    return zones;
  }

  /** The zone of the account that holds {@code fqdn}: the longest zone name it ends with. */
  public Optional<Zone> zoneFor(String fqdn) throws IOException {
    return ZoneMatch.longestSuffix(zones(), fqdn);
  }

  /** Creates a TXT record {@code name} (relative to the zone, {@code ""} for the apex). */
  public ZoneRecord createTxt(String zone, String name, String value, int ttl) throws IOException {
    long acct = accountId();
    String body = write(new ZoneRecordCreate(name, "TXT", value, ttl));
    return call("POST", recordsPath(acct, zone), Optional.of(body),
        "creating TXT record \"" + name + "\" in zone " + zone,
        "zone " + zone + " was not found in DNSimple account " + acct
            + "; add the zone at DNSimple or check `account`", new TypeReference<Data<ZoneRecord>>() {}).data();
  }

  /** The record with this id, or empty when it no longer exists. */
  public Optional<ZoneRecord> record(String zone, long id) throws IOException {
    long acct = accountId();
    DnsimpleTransport.Reply r = transport.send("GET", recordsPath(acct, zone) + "/" + id, Optional.empty());
    if (r.status() == 404) {
      return Optional.empty();
    }
    return Optional.of(read(r, "reading record " + id + " of zone " + zone, "",
        new TypeReference<Data<ZoneRecord>>() {}).data());
  }

  /** Deletes the record with this id; returns false when it was already gone. */
  public boolean deleteRecord(String zone, long id) throws IOException {
    long acct = accountId();
    DnsimpleTransport.Reply r = transport.send("DELETE", recordsPath(acct, zone) + "/" + id, Optional.empty());
    if (r.status() == 404) {
      return false;
    }
    if (!r.ok()) {
      throw error(r, "deleting record " + id + " of zone " + zone, "");
    }
    return true;
  }

  /**
   * Whether the record has reached every DNSimple name server. A 504 (DNSimple could not run the check)
   * counts as not yet.
   */
  public boolean distributed(String zone, long id) throws IOException {
    long acct = accountId();
    DnsimpleTransport.Reply r = transport.send("GET", recordsPath(acct, zone) + "/" + id + "/distribution",
        Optional.empty());
    if (r.status() == 504) {
      return false;
    }
    return read(r, "checking the distribution of record " + id + " of zone " + zone,
        "record " + id + " of zone " + zone + " is gone", new TypeReference<Data<ZoneDistribution>>() {})
        .data().distributed();
  }

  /** The PEM texts of a certificate bought at DNSimple: server (leaf), chain, root. */
  public CertificateDownload downloadCertificate(String domain, long certificateId) throws IOException {
    long acct = accountId();
    return call("GET", certificatePath(acct, domain, certificateId) + "/download", Optional.empty(),
        "downloading certificate " + certificateId + " of " + domain,
        notFoundCertificate(acct, domain, certificateId), new TypeReference<Data<CertificateDownload>>() {}).data();
  }

  /** The PEM private key of a certificate bought at DNSimple. */
  public CertificatePrivateKey certificatePrivateKey(String domain, long certificateId) throws IOException {
    long acct = accountId();
    return call("GET", certificatePath(acct, domain, certificateId) + "/private_key", Optional.empty(),
        "downloading the private key of certificate " + certificateId + " of " + domain,
        notFoundCertificate(acct, domain, certificateId), new TypeReference<Data<CertificatePrivateKey>>() {}).data();
  }

  private static String notFoundCertificate(long acct, String domain, long id) {
    return "certificate " + id + " of domain " + domain + " was not found in DNSimple account " + acct
        + "; check --domain and --certificate-id (DNSimple dashboard: Domains > " + domain + " > SSL certificates)";
  }

  private static String recordsPath(long acct, String zone) {
    return "/" + acct + "/zones/" + segment(zone) + "/records";
  }

  private static String certificatePath(long acct, String domain, long id) {
    return "/" + acct + "/domains/" + segment(domain) + "/certificates/" + id;
  }

  private static String segment(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private <T> T call(String method, String path, Optional<String> body, String action, String notFound,
                     TypeReference<T> type) throws IOException {
    return read(transport.send(method, path, body), action, notFound, type);
  }

  private <T> T read(DnsimpleTransport.Reply r, String action, String notFound, TypeReference<T> type)
      throws IOException {
    if (!r.ok()) {
      throw error(r, action, notFound);
    }
    try {
      return json.readValue(r.body(), type);
    } catch (JsonProcessingException e) {
      throw new DnsimpleApiException(r.status(), "DNSimple answered " + action + " with a body that is not the"
          + " expected JSON (" + e.getOriginalMessage() + "); check `baseUrl` points at the DNSimple API v2");
    }
  }

  private DnsimpleApiException error(DnsimpleTransport.Reply r, String action, String notFound) {
    String acct = account == null ? "(not yet known)" : String.valueOf(account);
    String nf = notFound.isEmpty() ? "the object was not found while " + action : notFound;
    DnsimpleApiException e = DnsimpleErrors.map(r, action, nf, acct, json);
    String safe = transport.redact(e.getMessage());
    return safe.equals(e.getMessage()) ? e : new DnsimpleApiException(e.status(), safe);
  }

  private String write(Object o) {
    try {
      return json.writeValueAsString(o);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialize " + o.getClass().getSimpleName(), e);
    }
  }
}
