package io.certferry.provider.nginx;

/** What a command did: its exit status and everything it printed. */
public record CommandResult(String command, int exitStatus, String stdout, String stderr) {
  public boolean succeeded() { return exitStatus == 0; }

  /** stderr and stdout together, trimmed, as nginx prints its diagnostics on stderr. */
  public String output() {
    String both = (stderr.strip() + "\n" + stdout.strip()).strip();
    return both.isEmpty() ? "(no output)" : both;
  }
}
