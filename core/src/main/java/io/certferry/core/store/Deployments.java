package io.certferry.core.store;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * {@code deployments.json}: the last known state of every target of a lineage, by target id.
 *
 * @since 0.1
 */
public record Deployments(Map<String, TargetDeployment> targets) {
  public Deployments {
    targets = Map.copyOf(targets);
  }

  /**
   * No target has a record yet.
   *
   * @since 0.1
   */
  public static Deployments empty() { return new Deployments(Map.of()); }

  /**
   * The record of one target, if it has one.
   *
   * @since 0.1
   */
  public Optional<TargetDeployment> target(String id) { return Optional.ofNullable(targets.get(id)); }

  /**
   * A copy with one target's record replaced.
   *
   * @since 0.1
   */
  public Deployments with(TargetDeployment d) {
    Map<String, TargetDeployment> copy = new LinkedHashMap<>(targets);
    copy.put(d.targetId(), d);
    return new Deployments(copy);
  }
}
