package io.certferry.core.doctor;

import java.util.List;

/**
 * One look at one part of the set-up (the CA, a name's DNS, a target) that changes nothing. A {@link Doctor} runs
 * checks in parallel, each under a timeout; an exception a check throws is reported as its failure.
 *
 * @since 0.1
 */
public interface Check {
  /**
   * What is checked, as its results name it: {@code ca https://...}, {@code name www.example.org}, {@code target do-lb}.
   *
   * @since 0.1
   */
  String name();

  /**
   * Looks, and says what it found; at least one result.
   *
   * @throws Exception when the look itself fails; the doctor reports it as a failure of this check
   * @since 0.1
   */
  List<CheckResult> run() throws Exception;

  /**
   * A check from a name and a function.
   *
   * @since 0.1
   */
  static Check of(String name, Body body) {
    return new Check() {
      @Override
      public String name() { return name; }

      @Override
      public List<CheckResult> run() throws Exception { return body.run(); }
    };
  }

  /**
   * The body of {@link #of}.
   *
   * @since 0.1
   */
  @FunctionalInterface
  interface Body {
    /**
     * Looks, as {@link Check#run()}.
     *
     * @throws Exception when the look itself fails
     * @since 0.1
     */
    List<CheckResult> run() throws Exception;
  }
}
