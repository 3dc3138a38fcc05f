package io.certferry.core.issue.imported;

import java.io.IOException;
import io.certferry.core.InputRejectedException;

/**
 * A place a bought certificate can be downloaded from (a registrar reselling certificates, such as
 * DNSimple). Created by a {@link io.certferry.core.ProviderFactory} whose {@code kind()} is this
 * interface; what it returns goes through the same validation as a file import.
 *
 * @since 0.1
 */
public interface PurchasedCertificateSource {
  /**
   * Downloads certificate {@code certificateId} of {@code domain}: PEM texts of leaf, chain and key.
   *
   * @since 0.1
   */
  Download download(String domain, String certificateId) throws IOException, InputRejectedException;

  /**
   * The PEM texts as the source sent them; {@link #toString()} never prints the key.
   *
   * @since 0.1
   */
  record Download(String leafPem, String chainPem, String privateKeyPem) {
    @Override
    public String toString() { return "Download{leaf, chain, key}"; }
  }
}
