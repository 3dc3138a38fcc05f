package io.certferry.core.internal;

import io.certferry.core.ManagedCertificate;
import io.certferry.core.deploy.DeployTarget;
import io.certferry.core.deploy.PassAware;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Tells the targets that share reads within a pass ({@link PassAware}) that one begins, so that what
 * they read in the last pass is read again. One counter for every manager of the process. Not API.
 */
public final class Passes {
  private static final AtomicLong NUMBERS = new AtomicLong();

  private Passes() {}

  /** A new pass over these certificates. */
  public static void start(List<ManagedCertificate> certificates) {
    long number = NUMBERS.incrementAndGet();
    for (ManagedCertificate mc : certificates) {
      for (DeployTarget t : mc.targets()) {
        if (t instanceof PassAware p) {
          p.passStarted(number);
        }
      }
    }
  }
}
