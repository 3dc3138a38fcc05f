package io.certferry.core.doctor;

import java.util.List;

/**
 * What a {@link Doctor} run found, check by check in the order the checks were given.
 *
 * @since 0.1
 */
public record DoctorReport(List<CheckResult> results) {
  public DoctorReport {
    results = List.copyOf(results);
  }

  /**
   * Whether any finding is a failure (the CLI then exits 1).
   *
   * @since 0.1
   */
  public boolean failed() { return results.stream().anyMatch(CheckResult::failed); }

  /**
   * How many findings have {@code status}.
   *
   * @since 0.1
   */
  public long count(CheckResult.Status status) { return results.stream().filter(r -> r.status() == status).count(); }
}
