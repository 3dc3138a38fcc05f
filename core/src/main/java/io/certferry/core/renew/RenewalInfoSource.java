package io.certferry.core.renew;

/**
 * Where the renewal planner gets a certificate's renewal information; {@link AriClient} over HTTP.
 *
 * @since 0.1
 */
@FunctionalInterface
public interface RenewalInfoSource {
  /**
   * The renewal information of the certificate with this ARI id.
   *
   * @since 0.1
   */
  RenewalInfo fetch(String certificateId) throws AriException, InterruptedException;
}
