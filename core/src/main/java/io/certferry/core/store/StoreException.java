package io.certferry.core.store;

/**
 * The store could not be read or written. The message names the file; it never contains key material.
 *
 * @since 0.1
 */
public class StoreException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public StoreException(String message) { super(message); }

  public StoreException(String message, Throwable cause) { super(message, cause); }
}
