package io.certferry.core.deploy;

/**
 * A target that shares what it reads with the other targets of its account for the length of one pass:
 * DigitalOcean's certificate list, load balancers and CDN endpoints, a Netlify site's certificate. An
 * in-sync pass then costs a few requests per account, not one or more per certificate. The engine calls
 * {@link #passStarted} on the targets of its certificates when a pass begins (the agent's loop, a
 * certificate's {@code renew}, a {@code deploy}), each pass with a number of its own; what a target read
 * under another number it reads again. Discovered at run time, like {@link DeployTarget#reportsWhatItServes}.
 *
 * @since 0.1
 */
public interface PassAware {
  /**
   * A pass begins; {@code pass} differs from the last pass's number.
   *
   * @since 0.1
   */
  void passStarted(long pass);
}
