package io.certferry.core.deploy;

import java.util.List;

/**
 * A target that can say what it serves now, place by place (each load balancer rule's certificate, each nginx
 * frontend), with what it knows of each certificate. An optional capability found at run time, as
 * {@code certferry discover} and the dry run use it: reads only, never a change.
 *
 * @since 0.1
 */
public interface Discoverable {
  /**
   * What is served now; empty when nothing is (a site without a certificate).
   *
   * @throws DeployException when the target cannot be asked (a token refused, a host key rejected)
   * @since 0.1
   */
  List<ServedCertificate> discover() throws DeployException;
}
