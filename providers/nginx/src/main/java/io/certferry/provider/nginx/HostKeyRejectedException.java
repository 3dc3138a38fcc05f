package io.certferry.provider.nginx;

import java.io.IOException;

/**
 * The SSH server's host key is not the one known_hosts lists for it (or it is not listed at all), so
 * nothing was sent to it. Retrying cannot help until known_hosts or the server changes.
 */
public final class HostKeyRejectedException extends IOException {
  private static final long serialVersionUID = 1L;

  public HostKeyRejectedException(String message) { super(message); }
}
