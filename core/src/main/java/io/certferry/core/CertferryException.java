package io.certferry.core;

/**
 * The root of every checked exception Certferry throws: a rejected input, a failed issuance, deploy,
 * DNS change or HTTP call. An embedding tool that only wants to know "did it work" catches this one.
 * Messages name the thing, say what was wrong and how to fix it, and never hold a secret or a key.
 *
 * @since 0.1
 */
public class CertferryException extends Exception {
  private static final long serialVersionUID = 1L;

  public CertferryException(String message) { super(message); }

  public CertferryException(String message, Throwable cause) { super(message, cause); }
}
