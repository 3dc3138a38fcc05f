package io.certferry.core.x509;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;

/**
 * What a PKCS#12 file holds: its one private key and every certificate in it (the key's chain
 * first, in the file's order; not yet checked or ordered: {@link BundleAssembler} does that).
 * {@link #toString()} never prints the key.
 *
 * @since 0.1
 */
public record Pkcs12Contents(PrivateKey key, List<X509Certificate> certificates) {
  public Pkcs12Contents {
    Objects.requireNonNull(key, "key");
    certificates = List.copyOf(certificates);
  }

  @Override
  public String toString() {
    return "Pkcs12Contents{key=" + key.getAlgorithm() + ", certificates=" + certificates.size() + "}";
  }
}
