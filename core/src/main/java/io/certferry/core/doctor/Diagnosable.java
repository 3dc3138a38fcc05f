package io.certferry.core.doctor;

import java.util.List;

/**
 * A deploy target that can check, before go-live, that a deploy would work: its credentials are accepted, the
 * object it changes exists, the paths are writable, the server it reloads takes the configuration. An optional
 * capability found at run time, as {@code certferry doctor} uses it: reads only, never a change.
 *
 * @since 0.1
 */
public interface Diagnosable {
  /**
   * The findings, each named {@code target <id>}; the failures carry the fix.
   *
   * @param names the names of the certificate that would be deployed here (a site's domain must be among them)
   * @throws Exception when the target cannot be asked at all; reported as a failure of the check
   * @since 0.1
   */
  List<CheckResult> diagnose(List<String> names) throws Exception;
}
