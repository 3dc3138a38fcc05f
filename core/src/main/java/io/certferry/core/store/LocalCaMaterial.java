package io.certferry.core.store;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;

/**
 * The local CA's root certificate and key. {@link #toString()} never prints the key.
 *
 * @since 0.1
 */
public record LocalCaMaterial(X509Certificate certificate, PrivateKey privateKey) {
  @Override
  public String toString() {
    return "LocalCaMaterial{" + certificate.getSubjectX500Principal().getName() + "}";
  }
}
