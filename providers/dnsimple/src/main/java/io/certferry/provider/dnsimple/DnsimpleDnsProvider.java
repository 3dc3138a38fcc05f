package io.certferry.provider.dnsimple;

import io.certferry.core.Sleeper;
import io.certferry.core.dns.DnsException;
import io.certferry.core.dns.DnsProvider;
import io.certferry.core.dns.DnsRecordHandle;
import io.certferry.core.doctor.CheckResult;
import io.certferry.core.doctor.ZoneDiagnosable;
import io.certferry.provider.dnsimple.DnsimpleApi.Zone;
import io.certferry.provider.dnsimple.DnsimpleApi.ZoneRecord;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * DNS-01 challenge records at DNSimple. A TXT record is created in the zone that holds the name (the
 * longest matching zone of the account) with a TTL of 60 s; its id is kept, and only records this
 * instance created are ever deleted, by id, after checking they still hold the challenge value.
 * Optionally waits until DNSimple reports the record distributed to all its name servers.
 */
public final class DnsimpleDnsProvider implements DnsProvider, ZoneDiagnosable {
  /** The shortest TTL DNSimple documents; resolvers forget a stale challenge quickly. */
  static final int TTL_SECONDS = 60;
  static final Duration DISTRIBUTION_TIMEOUT = Duration.ofMinutes(2);
  static final Duration DISTRIBUTION_POLL = Duration.ofSeconds(5);

  private final DnsimpleClient client;
  private final boolean confirmDistribution;
  private final Clock clock;
  private final Sleeper sleeper;
  /** Records this instance created and has not deleted yet, and those it has deleted. */
  private final Set<Long> created = ConcurrentHashMap.newKeySet();
  private final Set<Long> deleted = ConcurrentHashMap.newKeySet();

  DnsimpleDnsProvider(DnsimpleClient client, boolean confirmDistribution, Clock clock, Sleeper sleeper) {
    this.client = client;
    this.confirmDistribution = confirmDistribution;
    this.clock = clock;
    this.sleeper = sleeper;
  }

  /** The zone of {@code fqdn} is a primary, active zone of the account, and the token lists its TXT records. */
  @Override
  public List<CheckResult> diagnoseZone(String check, String fqdn) {
    Zone zone;
    try {
      zone = zoneFor(fqdn);
    } catch (IOException | DnsException e) {
      return List.of(CheckResult.fail(check, "zone at dnsimple", e.getMessage(), "fix what the message names"));
    }
    try {
      int n = client.txtRecords(zone.name(), ZoneMatch.relativeName(fqdn, zone.name())).size();
      return List.of(CheckResult.ok(check, "zone at dnsimple", zone.name() + " (account " + client.accountId() + ")"),
          CheckResult.ok(check, "records at dnsimple", "the token lists the zone's records (" + n + " TXT at "
              + ZoneMatch.relativeName(fqdn, zone.name()) + ")"));
    } catch (IOException e) {
      return List.of(CheckResult.fail(check, "records at dnsimple", "the token cannot list the records of " + zone.name()
          + ": " + e.getMessage(), "give the token access to the zone's records (an account token, not a user token "
          + "without the account)"));
    }
  }

  @Override
  public DnsRecordHandle createTxt(String fqdn, String value) throws DnsException {
    try {
      Zone zone = zoneFor(fqdn);
      String name = ZoneMatch.relativeName(fqdn, zone.name());
      ZoneRecord rec = create(zone.name(), name, value);
      created.add(rec.id());
      DnsRecordHandle handle = new DnsRecordHandle(ZoneMatch.normalize(fqdn), value, zone.name(),
          String.valueOf(rec.id()), Map.of("provider", "dnsimple", "account", String.valueOf(client.accountId()),
          "name", name));
      if (!value.equals(rec.unquotedContent())) {
        deleteQuietly(handle);
        throw new DnsException("dnsimple: record " + rec.id() + " for " + fqdn + " was stored with other content"
            + " than sent (DNSimple may have rewritten it); it was removed again; report this with the value length "
            + value.length());
      }
      if (confirmDistribution) {
        awaitDistribution(handle, zone.name(), rec.id());
      }
      return handle;
    } catch (IOException e) {
      throw new DnsException(describe(e, "creating the TXT record for " + fqdn), e);
    }
  }

  @Override
  public void delete(DnsRecordHandle handle) throws DnsException {
    long id = recordId(handle);
    if (deleted.contains(id)) {
      return;
    }
    if (!created.contains(id)) {
      throw new DnsException("dnsimple: refusing to delete record " + handle.recordId() + " of zone " + handle.zone()
          + ": this run did not create it (Certferry deletes only its own challenge records)");
    }
    try {
      var current = client.record(handle.zone(), id);
      if (current.isEmpty()) {
        forget(id);
        return;
      }
      ZoneRecord rec = current.get();
      if (!"TXT".equals(rec.type()) || !handle.value().equals(rec.unquotedContent())) {
        throw new DnsException("dnsimple: record " + id + " of zone " + handle.zone() + " no longer holds the"
            + " challenge value Certferry wrote (it is a " + rec.type() + " record named \"" + rec.name()
            + "\" now); left it untouched");
      }
      client.deleteRecord(handle.zone(), id);
      forget(id);
    } catch (IOException e) {
      throw new DnsException(describe(e, "deleting record " + id + " of zone " + handle.zone()), e);
    }
  }

  /**
   * Creates the record. When the answer is lost (network failure or 5xx after the request was sent),
   * the create may have taken effect: the challenge value is unique, so a TXT record at the name holding
   * exactly it is ours and is adopted; otherwise the create is sent once more.
   */
  private ZoneRecord create(String zone, String name, String value) throws DnsimpleApiException {
    try {
      return client.createTxt(zone, name, value, TTL_SECONDS);
    } catch (DnsimpleApiException e) {
      if (!e.outcomeUnknown()) {
        throw e;
      }
      for (ZoneRecord r : client.txtRecords(zone, name)) {
        if (value.equals(r.unquotedContent())) {
          return r;
        }
      }
      return client.createTxt(zone, name, value, TTL_SECONDS);
    }
  }

  private Zone zoneFor(String fqdn) throws IOException, DnsException {
    var match = client.zoneFor(fqdn);
    if (match.isEmpty()) {
      List<Zone> zones = client.zones();
      String known = zones.isEmpty() ? "it has no zones" : "its zones are " + zones.stream().limit(10)
          .map(Zone::name).collect(Collectors.joining(", ")) + (zones.size() > 10 ? ", ..." : "");
      throw new DnsException("dnsimple: no zone of DNSimple account " + client.accountId() + " holds " + fqdn
          + " (" + known + "); add the zone at DNSimple or use the token of the account that hosts it");
    }
    Zone zone = match.get();
    if (zone.secondary()) {
      throw new DnsException("dnsimple: zone " + zone.name() + " is a secondary zone at DNSimple, so its records"
          + " cannot be changed there; create the challenge at the primary DNS provider instead");
    }
    if (!zone.active()) {
      throw new DnsException("dnsimple: zone " + zone.name() + " is not active at DNSimple (DNS services are"
          + " disabled, records would not resolve); activate DNS for it in the DNSimple dashboard");
    }
    return zone;
  }

  private void awaitDistribution(DnsRecordHandle handle, String zone, long id) throws IOException, DnsException {
    Instant deadline = clock.instant().plus(DISTRIBUTION_TIMEOUT);
    try {
      while (!client.distributed(zone, id)) {
        if (!clock.instant().isBefore(deadline)) {
          deleteQuietly(handle);
          throw new DnsException("dnsimple: record " + id + " (" + handle.fqdn() + ") did not reach all DNSimple"
              + " name servers within " + DISTRIBUTION_TIMEOUT.toSeconds() + " s; it was removed again; retry"
              + " later, or set confirmDistribution: false to rely on the authoritative-server check alone");
        }
        sleeper.sleep(DISTRIBUTION_POLL);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      deleteQuietly(handle);
      throw new DnsException("dnsimple: interrupted while waiting for record " + id + " to be distributed", e);
    }
  }

  /** Best-effort removal of a record this instance just created, when creation as a whole fails. */
  private void deleteQuietly(DnsRecordHandle handle) {
    try {
      long id = recordId(handle);
      client.deleteRecord(handle.zone(), id);
      forget(id);
    } catch (IOException | DnsException ignored) {
      // The caller gets the original failure; a leftover TXT record with a 60 s TTL does no harm.
    }
  }

  private void forget(long id) {
    deleted.add(id);
    created.remove(id);
  }

  private static long recordId(DnsRecordHandle handle) throws DnsException {
    try {
      return Long.parseLong(handle.recordId());
    } catch (NumberFormatException e) {
      throw new DnsException("dnsimple: record id \"" + handle.recordId() + "\" is not a DNSimple record id;"
          + " the handle came from another provider");
    }
  }

  private static String describe(IOException e, String action) {
    return e instanceof DnsimpleApiException ? "dnsimple: " + e.getMessage()
        : "dnsimple: failure while " + action + " (" + e.getMessage() + ")";
  }
}
