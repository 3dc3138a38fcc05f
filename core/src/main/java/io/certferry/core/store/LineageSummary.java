package io.certferry.core.store;

import java.util.Objects;
import java.util.Optional;

/**
 * What {@code list} and the agent's status show of one lineage, read without certificates or keys:
 * its spec, the metadata of its current version, its deployment records and its renewal state.
 *
 * @since 0.1
 */
public record LineageSummary(String name, Optional<LineageSpec> spec, Optional<StoredVersion> current,
                             Deployments deployments, LineageState state) {
  public LineageSummary {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(spec, "spec");
    Objects.requireNonNull(current, "current");
    Objects.requireNonNull(deployments, "deployments");
    Objects.requireNonNull(state, "state");
  }

  /**
   * A lineage's summary as {@code store} reads it, one lineage at a time.
   *
   * @since 0.1
   */
  public static LineageSummary read(CertificateStore store, String name) {
    return new LineageSummary(name, store.spec(name), store.current(name), store.deployments(name), store.state(name));
  }
}
