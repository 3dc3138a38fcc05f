package io.certferry.core.deploy;

import io.certferry.core.CertificateBundle;
import io.certferry.core.store.CertificateStore;

import java.util.function.Supplier;

/** A version's bundle, read from the store the first time a target needs it, then kept for the others. */
final class StoredBundle implements Supplier<CertificateBundle> {
  private final CertificateStore store;
  private final String lineage;
  private final int number;
  private CertificateBundle bundle;

  StoredBundle(CertificateStore store, String lineage, int number) {
    this.store = store;
    this.lineage = lineage;
    this.number = number;
  }

  @Override
  public synchronized CertificateBundle get() {
    if (bundle == null) {
      bundle = store.load(lineage, number);
    }
    return bundle;
  }
}
