package io.certferry.core;

import io.certferry.core.deploy.ServedCertificate;
import io.certferry.core.store.StoredVersion;

import java.util.List;
import java.util.Optional;

/**
 * What one target of a managed certificate serves now, place by place, as {@link CertManager#discover()} found it:
 * someone moving off a bought certificate sees every place it sits before the first deploy.
 *
 * @param discoverable whether this kind of target can tell what it serves ({@link
 *     io.certferry.core.deploy.Discoverable}); an exec hook cannot
 * @param error why the target could not be asked, or why it cannot tell, if so
 * @since 0.1
 */
public record TargetDiscovery(String certificate, String target, boolean discoverable, List<Found> found,
                              Optional<String> error) {
  public TargetDiscovery {
    found = List.copyOf(found);
  }

  /**
   * Whether asking the target failed (a target that cannot tell at all has not failed).
   *
   * @since 0.1
   */
  public boolean failed() { return discoverable && error.isPresent(); }

  /**
   * One certificate served.
   *
   * @param version the stored version of the certificate it is ({@link ServedCertificate#is}); empty when it is
   *     not one Certferry keeps (bought and uploaded by hand, the provider's own Let's Encrypt certificate)
   * @param current whether that version is the current one
   * @since 0.1
   */
  public record Found(ServedCertificate served, Optional<StoredVersion> version, boolean current) {}
}
