package io.certferry.agent.cli;

/** The exit codes every {@code certferry} command returns (DESIGN.md). */
public final class ExitCodes {
  /** The command did what was asked (including "nothing to do"). */
  public static final int DONE = 0;
  /** Something failed that is not the input's fault (disk, network, a lock held too long). */
  public static final int FAILED = 1;
  /** The command line itself is wrong (picocli's own usage errors). */
  public static final int USAGE = 2;
  /** An input was rejected: a bad file, a key mismatch, names not covered, an expired certificate. */
  public static final int INPUT_REJECTED = 3;

  private ExitCodes() {}
}
