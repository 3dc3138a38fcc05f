package io.certferry.core.doctor;

import java.util.List;

/**
 * A DNS provider that can check, before go-live, that dns-01 would work for a name: the zone holding it is in the
 * account and the token may list (and so change) its records. An optional capability of a
 * {@link io.certferry.core.dns.DnsProvider}, found at run time: reads only, never a change.
 *
 * @since 0.1
 */
public interface ZoneDiagnosable {
  /**
   * The findings for the zone of {@code fqdn} ({@code _acme-challenge.www.example.org}), each named {@code check}.
   *
   * @throws Exception when the provider cannot be asked at all; reported as a failure
   * @since 0.1
   */
  List<CheckResult> diagnoseZone(String check, String fqdn) throws Exception;
}
