package io.certferry.agent.config;

import com.fasterxml.jackson.databind.JsonNode;
import io.certferry.core.Secrets;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Resolves every {@code ${env:..}} and {@code ${file:..}} reference in the file now, so a missing
 * secret is found at start, not at 3 a.m.; a secret file every user can read gets a warning.
 */
final class SecretReferences {
  private static final Pattern REFERENCE_INSIDE = Pattern.compile("\\$\\{(env|file):([^}]*)}");

  private final Problems problems;
  private final Secrets secrets;

  SecretReferences(Problems problems, Secrets secrets) {
    this.problems = problems;
    this.secrets = secrets;
  }

  /** Checks every string under {@code n}, the node at pointer {@code p}. */
  void check(String p, JsonNode n) {
    if (n.isObject()) {
      n.fields().forEachRemaining(e -> check(p + "/" + e.getKey(), e.getValue()));
    } else if (n.isArray()) {
      for (int i = 0; i < n.size(); i++) {
        check(p + "/" + i, n.get(i));
      }
    } else if (n.isTextual()) {
      Matcher m = REFERENCE_INSIDE.matcher(n.asText());
      while (m.find()) {
        try {
          secrets.resolve(m.group());
          if (m.group(1).equals("file")) {
            filePermissions(p, Path.of(m.group(2).trim()));
          }
        } catch (IllegalArgumentException e) {
          problems.error(p, e.getMessage());
        }
      }
    }
  }

  private void filePermissions(String p, Path file) {
    try {
      Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
      if (perms.contains(PosixFilePermission.OTHERS_READ)) {
        problems.warn(p, "secret file " + file + " is readable by every user; chmod 0600 (or 0640 with a group) it");
      }
    } catch (IOException | UnsupportedOperationException e) {
      // readability was checked by resolving it
    }
  }
}
