package io.certferry.core.renew;

/** Where the renewal planner gets a certificate's renewal information; {@link AriClient} over HTTP. */
@FunctionalInterface
public interface RenewalInfoSource {
  /** The renewal information of the certificate with this ARI id. */
  RenewalInfo fetch(String certificateId) throws AriException, InterruptedException;
}
