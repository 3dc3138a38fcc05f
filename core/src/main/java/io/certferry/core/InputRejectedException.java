package io.certferry.core;

/**
 * Input a user supplied (a certificate, key, chain, config or API answer) was rejected. The message
 * names the input, says what was wrong and how to fix it, in one or two lines; the CLI maps this to
 * exit code 3 and nothing was written.
 *
 * @since 0.1
 */
public class InputRejectedException extends CertferryException {
  private static final long serialVersionUID = 1L;

  public InputRejectedException(String message) { super(message); }

  public InputRejectedException(String message, Throwable cause) { super(message, cause); }
}
