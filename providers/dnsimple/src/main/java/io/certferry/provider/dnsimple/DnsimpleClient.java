package io.certferry.provider.dnsimple;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import io.certferry.core.http.ApiRequest;
import io.certferry.core.http.HttpApi;
import io.certferry.core.http.HttpApiException;
import io.certferry.provider.dnsimple.DnsimpleApi.CertificateDownload;
import io.certferry.provider.dnsimple.DnsimpleApi.CertificatePrivateKey;
import io.certferry.provider.dnsimple.DnsimpleApi.Data;
import io.certferry.provider.dnsimple.DnsimpleApi.Page;
import io.certferry.provider.dnsimple.DnsimpleApi.Whoami;
import io.certferry.provider.dnsimple.DnsimpleApi.Zone;
import io.certferry.provider.dnsimple.DnsimpleApi.ZoneDistribution;
import io.certferry.provider.dnsimple.DnsimpleApi.ZoneRecord;
import io.certferry.provider.dnsimple.DnsimpleApi.ZoneRecordCreate;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A small typed client for the parts of the DNSimple API v2 Certferry calls: identity, zones, zone
 * records and certificate downloads, on the shared {@link HttpApi} (retries, rate-limit waits and token
 * redaction happen there). The account id and the zone list are looked up once and kept (the list is
 * read again only when a name matches none of its zones). Thread-safe.
 */
public final class DnsimpleClient {
  /** Largest page DNSimple serves. */
  static final int PER_PAGE = 100;
  /** Guards against a server whose pagination never ends. */
  private static final int MAX_PAGES = 1000;
  private static final String RECORDS = "/{account}/zones/{zone}/records";
  private static final String RECORD = RECORDS + "/{record}";
  private static final String CERTIFICATE = "/{account}/domains/{domain}/certificates/{certificate}";

  private final HttpApi api;
  private final OptionalLong configuredAccount;
  private Long account;
  private List<Zone> zones;

  DnsimpleClient(HttpApi api, OptionalLong account) {
    this.api = api;
    this.configuredAccount = account;
  }

  /** The account id: the configured one, else the one {@code GET /whoami} names for an account token. */
  public synchronized long accountId() throws DnsimpleApiException {
    if (account == null) {
      account = configuredAccount.isPresent() ? configuredAccount.getAsLong() : discoverAccount();
    }
    return account;
  }

  private long discoverAccount() throws DnsimpleApiException {
    Whoami who = call(ApiRequest.get("/whoami").build(), "reading the token's identity (GET /whoami)",
        "DNSimple has no /whoami at this base URL; check `baseUrl`", new TypeReference<Data<Whoami>>() {}).data();
    if (who == null || who.account() == null) {
      throw new DnsimpleApiException(200, "the DNSimple token belongs to a user, not to one account, so the account"
          + " cannot be discovered; set `account` to the numeric account id (shown in the DNSimple dashboard URL)");
    }
    return who.account().id();
  }

  /** Every zone of the account, read page by page once and then kept for the run. */
  public synchronized List<Zone> zones() throws DnsimpleApiException {
    if (zones == null) {
      long acct = accountId();
      List<Zone> all = new ArrayList<>();
      for (int page = 1; page <= MAX_PAGES; page++) {
        Page<Zone> p = call(ApiRequest.get("/{account}/zones", acct).query("page", page).query("per_page", PER_PAGE)
                .build(), "listing the zones of account " + acct,
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

  /**
   * The zone of the account that holds {@code fqdn}: the longest zone name it ends with. When no kept
   * zone matches, the list is read again once, so that a zone added while an agent runs is found.
   */
  public synchronized Optional<Zone> zoneFor(String fqdn) throws DnsimpleApiException {
    Optional<Zone> match = ZoneMatch.longestSuffix(zones(), fqdn);
    if (match.isEmpty()) {
      zones = null;
      match = ZoneMatch.longestSuffix(zones(), fqdn);
    }
    return match;
  }

  /** Creates a TXT record {@code name} (relative to the zone, {@code ""} for the apex). */
  public ZoneRecord createTxt(String zone, String name, String value, int ttl) throws DnsimpleApiException {
    long acct = accountId();
    return call(ApiRequest.post(RECORDS, acct, zone).body(new ZoneRecordCreate(name, "TXT", value, ttl)).build(),
        "creating TXT record \"" + name + "\" in zone " + zone,
        "zone " + zone + " was not found in DNSimple account " + acct
            + "; add the zone at DNSimple or check `account`", new TypeReference<Data<ZoneRecord>>() {}).data();
  }

  /** The TXT records named {@code name} (relative) in the zone, every page. */
  public List<ZoneRecord> txtRecords(String zone, String name) throws DnsimpleApiException {
    long acct = accountId();
    List<ZoneRecord> all = new ArrayList<>();
    for (int page = 1; page <= MAX_PAGES; page++) {
      Page<ZoneRecord> p = call(ApiRequest.get(RECORDS, acct, zone).query("name", name).query("type", "TXT")
              .query("page", page).query("per_page", PER_PAGE).build(),
          "listing TXT records \"" + name + "\" of zone " + zone,
          "zone " + zone + " was not found in DNSimple account " + acct, new TypeReference<Page<ZoneRecord>>() {});
      all.addAll(p.data() == null ? List.of() : p.data());
      if (p.pagination() == null || !p.pagination().hasNext()) {
        break;
      }
    }
    return all;
  }

  /** The record with this id, or empty when it no longer exists. */
  public Optional<ZoneRecord> record(String zone, long id) throws DnsimpleApiException {
    long acct = accountId();
    String action = "reading record " + id + " of zone " + zone;
    try {
      return Optional.of(read(api.send(ApiRequest.get(RECORD, acct, zone, id).build()).json(), action,
          new TypeReference<Data<ZoneRecord>>() {}).data());
    } catch (HttpApiException e) {
      if (e.status() == 404) {
        return Optional.empty();
      }
      throw error(e, action, "");
    }
  }

  /** Deletes the record with this id; returns false when it was already gone. */
  public boolean deleteRecord(String zone, long id) throws DnsimpleApiException {
    long acct = accountId();
    try {
      api.send(ApiRequest.delete(RECORD, acct, zone, id).build());
      return true;
    } catch (HttpApiException e) {
      if (e.status() == 404) {
        return false;
      }
      throw error(e, "deleting record " + id + " of zone " + zone, "");
    }
  }

  /**
   * Whether the record has reached every DNSimple name server. A 504 (DNSimple could not run the check)
   * counts as not yet.
   */
  public boolean distributed(String zone, long id) throws DnsimpleApiException {
    long acct = accountId();
    String action = "checking the distribution of record " + id + " of zone " + zone;
    try {
      return read(api.send(ApiRequest.get(RECORD + "/distribution", acct, zone, id).build()).json(), action,
          new TypeReference<Data<ZoneDistribution>>() {}).data().distributed();
    } catch (HttpApiException e) {
      if (e.status() == 504) {
        return false;
      }
      throw error(e, action, "record " + id + " of zone " + zone + " is gone; it was deleted while being checked");
    }
  }

  /** The PEM texts of a certificate bought at DNSimple: server (leaf), chain, root. */
  public CertificateDownload downloadCertificate(String domain, long certificateId) throws DnsimpleApiException {
    long acct = accountId();
    return call(ApiRequest.get(CERTIFICATE + "/download", acct, domain, certificateId).build(),
        "downloading certificate " + certificateId + " of " + domain,
        notFoundCertificate(acct, domain, certificateId), new TypeReference<Data<CertificateDownload>>() {}).data();
  }

  /** The PEM private key of a certificate bought at DNSimple. */
  public CertificatePrivateKey certificatePrivateKey(String domain, long certificateId) throws DnsimpleApiException {
    long acct = accountId();
    // Sensitive: the answer is a private key, so nothing of this request is echoed into messages; the
    // one answer the HTTP layer leaves a PEM private key in.
    return call(ApiRequest.get(CERTIFICATE + "/private_key", acct, domain, certificateId).sensitive()
            .answerHoldsPrivateKey().build(),
        "downloading the private key of certificate " + certificateId + " of " + domain,
        notFoundCertificate(acct, domain, certificateId), new TypeReference<Data<CertificatePrivateKey>>() {}).data();
  }

  private static String notFoundCertificate(long acct, String domain, long id) {
    return "certificate " + id + " of domain " + domain + " was not found in DNSimple account " + acct
        + "; check --domain and --certificate-id (DNSimple dashboard: Domains > " + domain + " > SSL certificates)";
  }

  private <T> T call(ApiRequest request, String action, String notFound, TypeReference<T> type)
      throws DnsimpleApiException {
    try {
      return read(api.send(request).json(), action, type);
    } catch (HttpApiException e) {
      throw error(e, action, notFound);
    }
  }

  private <T> T read(JsonNode tree, String action, TypeReference<T> type) throws DnsimpleApiException {
    try {
      T value = api.json().convertValue(tree, type);
      if (value == null) {
        throw new IllegalArgumentException("empty answer");
      }
      return value;
    } catch (IllegalArgumentException e) {
      throw new DnsimpleApiException(200, "DNSimple answered " + action + " with JSON that is not the expected"
          + " object; check `baseUrl` points at the DNSimple API v2");
    }
  }

  private DnsimpleApiException error(HttpApiException e, String action, String notFound) {
    String acct = account == null ? "(not yet known)" : String.valueOf(account);
    String nf = notFound.isEmpty() ? "the object was not found while " + action : notFound;
    return DnsimpleErrors.map(e, action, nf, acct);
  }
}
