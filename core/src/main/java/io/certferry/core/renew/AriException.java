package io.certferry.core.renew;

import io.certferry.core.CertferryException;

/**
 * Renewal information could not be fetched or read. The renewal decision then falls back to the
 * lifetime rule and says so in its reason.
 *
 * @since 0.1
 */
public class AriException extends CertferryException {
  private static final long serialVersionUID = 1L;

  public AriException(String message) { super(message); }

  public AriException(String message, Throwable cause) { super(message, cause); }
}
