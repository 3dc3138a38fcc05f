package io.certferry.core.deploy.local;

import com.fasterxml.jackson.databind.JsonNode;
import io.certferry.core.Durations;
import io.certferry.core.ProviderContext;
import io.certferry.core.ProviderFactory;
import io.certferry.core.deploy.DeployTarget;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * {@code type: exec}: settings {@code id}, {@code command} (string run by {@code /bin/sh -c}, or a list
 * of arguments), {@code timeout} (default {@code 5m}), {@code workDir} (where the private temporary
 * folder is made; default the system's temp folder). The agent adds {@code certificate}.
 *
 * @since 0.1
 */
public final class ExecTargetFactory implements ProviderFactory {
  private static final Set<String> KEYS = Set.of("id", "type", "certificate", "command", "timeout", "workDir");

  @Override
  public String type() { return "exec"; }

  @Override
  public Class<?> kind() { return DeployTarget.class; }

  @Override
  public List<String> validate(JsonNode s) {
    List<String> errors = new ArrayList<>();
    s.fieldNames().forEachRemaining(k -> {
      if (!KEYS.contains(k)) {
        errors.add("unknown setting '" + k + "' for an exec target; known: command, timeout, workDir");
      }
    });
    if (!s.hasNonNull("command")) {
      errors.add("command: an exec target needs the hook to run, e.g. command: [/usr/local/bin/push-cert]");
    }
    errors.addAll(HookCommand.validate(s, "command"));
    errors.addAll(validateDuration(s, "timeout"));
    return errors;
  }

  static List<String> validateDuration(JsonNode s, String field) {
    if (!s.hasNonNull(field)) {
      return List.of();
    }
    try {
      Durations.parse(s.get(field).asText());
      return List.of();
    } catch (IllegalArgumentException e) {
      return List.of(field + ": " + e.getMessage());
    }
  }

  @Override
  public Object create(JsonNode s, ProviderContext context) {
    List<String> errors = validate(s);
    if (!errors.isEmpty()) {
      throw new IllegalArgumentException("exec target " + s.path("id").asText("?") + ": " + String.join("; ", errors));
    }
    Duration timeout = s.hasNonNull("timeout") ? Durations.parse(s.get("timeout").asText()) : Duration.ofMinutes(5);
    Path work = s.hasNonNull("workDir") ? Path.of(s.get("workDir").asText()).toAbsolutePath() : null;
    return new ExecTarget(s.path("id").asText("exec"), s.path("certificate").asText(""),
        HookCommand.from(s, "command", timeout), work, context.clock());
  }
}
