package io.certferry.core;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The default {@link Secrets}: {@code ${env:NAME}} reads an environment variable, {@code ${file:/path}}
 * reads a file (trailing newline removed). Errors name the reference, never a value.
 *
 * @since 0.1
 */
public final class ReferenceSecrets implements Secrets {
  private static final Pattern REF = Pattern.compile("\\$\\{(env|file):([^}]+)}");
  private final Function<String, String> env;

  private ReferenceSecrets(Function<String, String> env) { this.env = env; }

  /**
   * Resolves against the process environment and the file system.
   *
   * @since 0.1
   */
  public static ReferenceSecrets system() { return new ReferenceSecrets(System::getenv); }

  /**
   * Resolves {@code env:} references against the given map (tests, embedding tools).
   *
   * @since 0.1
   */
  public static ReferenceSecrets withEnvironment(Map<String, String> environment) {
    return new ReferenceSecrets(environment::get);
  }

  @Override
  public String resolve(String reference) {
    Matcher m = REF.matcher(reference == null ? "" : reference.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "a secret must be given by reference, as ${env:NAME} or ${file:/path}; a literal value is not accepted");
    }
    String where = m.group(2).trim();
    if (m.group(1).equals("env")) {
      String v = env.apply(where);
      if (v == null || v.isEmpty()) {
        throw new IllegalArgumentException("secret ${env:" + where + "}: environment variable " + where + " is not set");
      }
      return v;
    }
    Path p = Path.of(where);
    try {
      String v = Files.readString(p, StandardCharsets.UTF_8).strip();
      if (v.isEmpty()) {
        throw new IllegalArgumentException("secret ${file:" + where + "}: the file is empty");
      }
      return v;
    } catch (IOException e) {
      throw new IllegalArgumentException("secret ${file:" + where + "}: cannot read the file ("
          + e.getClass().getSimpleName() + "); check the path and that the agent's user may read it");
    }
  }
}
