package io.certferry.core.store;

import java.util.Objects;
import java.util.Optional;

/**
 * What {@code list} and the agent's status show of one lineage, read without certificates or keys:
 * its spec, the metadata of its current version and its deployment records.
 *
 * @since 0.1
 */
public record LineageSummary(String name, Optional<LineageSpec> spec, Optional<StoredVersion> current,
                             Deployments deployments) {
  public LineageSummary {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(spec, "spec");
    Objects.requireNonNull(current, "current");
    Objects.requireNonNull(deployments, "deployments");
  }
}
