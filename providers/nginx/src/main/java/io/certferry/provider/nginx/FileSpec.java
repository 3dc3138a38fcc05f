package io.certferry.provider.nginx;

import java.util.Optional;

/**
 * How a written file is owned and who may read it.
 *
 * @param mode POSIX permission bits, e.g. {@code 0600}
 * @param owner user name or numeric id; empty keeps the writing user
 * @param group group name or numeric id; empty keeps the writing user's group
 */
public record FileSpec(int mode, Optional<String> owner, Optional<String> group) {
  public FileSpec {
    if ((mode & ~0777) != 0) {
      throw new IllegalArgumentException("mode " + Integer.toOctalString(mode) + " has bits beyond 0777");
    }
  }

  public static FileSpec ofMode(int mode) { return new FileSpec(mode, Optional.empty(), Optional.empty()); }

  /** {@code owner:group}, {@code owner} or {@code :group} for chown; empty when neither is set. */
  Optional<String> chownSpec() {
    if (owner.isEmpty() && group.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(owner.orElse("") + group.map(g -> ":" + g).orElse(""));
  }

  /** The mode as {@code 0640}. */
  public String modeText() { return String.format("%04o", mode); }
}
