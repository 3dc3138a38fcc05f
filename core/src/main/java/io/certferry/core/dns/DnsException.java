package io.certferry.core.dns;

import io.certferry.core.CertferryException;

/**
 * A DNS provider could not create or delete a record; the message says what to fix and holds no secret.
 *
 * @since 0.1
 */
public class DnsException extends CertferryException {
  private static final long serialVersionUID = 1L;

  public DnsException(String message) { super(message); }

  public DnsException(String message, Throwable cause) { super(message, cause); }
}
