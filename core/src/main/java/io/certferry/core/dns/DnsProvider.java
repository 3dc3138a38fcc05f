package io.certferry.core.dns;

/**
 * Creates and removes the TXT records of DNS-01 challenges. Implementations delete only records
 * they created, identified by the handle {@link #createTxt} returned.
 *
 * @since 0.1
 */
public interface DnsProvider {
  /**
   * Creates a TXT record {@code fqdn} (no trailing dot, e.g. {@code _acme-challenge.www.example.com}) with {@code value}.
   *
   * @since 0.1
   */
  DnsRecordHandle createTxt(String fqdn, String value) throws DnsException;

  /**
   * Deletes exactly the record behind the handle; deleting one already gone is not an error.
   *
   * @since 0.1
   */
  void delete(DnsRecordHandle handle) throws DnsException;
}
