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
 * {@code type: directory}: settings {@code id}, {@code path} (relative paths resolve against the
 * working directory), {@code certMode} (default {@code "0644"}), {@code keyMode} ({@code "0600"}),
 * {@code dirMode} ({@code "0700"}), {@code command} (string or list, run after the files are written),
 * {@code commandTimeout} ({@code 60s}). The agent adds {@code certificate}, the lineage name.
 *
 * @since 0.1
 */
public final class DirectoryTargetFactory implements ProviderFactory {
  static final Set<String> KEYS = Set.of("id", "type", "certificate", "path", "certMode", "keyMode", "dirMode",
      "command", "commandTimeout");

  @Override
  public String type() { return "directory"; }

  @Override
  public Class<?> kind() { return DeployTarget.class; }

  @Override
  public List<String> validate(JsonNode s) {
    List<String> errors = new ArrayList<>();
    s.fieldNames().forEachRemaining(k -> {
      if (!KEYS.contains(k)) {
        errors.add("unknown setting '" + k + "' for a directory target; known: path, certMode, keyMode, dirMode, command, commandTimeout");
      }
    });
    if (!s.hasNonNull("path") || s.get("path").asText().isBlank()) {
      errors.add("path: a directory target needs the folder to write to, e.g. path: ./certs/www");
    }
    for (String m : List.of("certMode", "keyMode", "dirMode")) {
      if (s.hasNonNull(m) && !s.get(m).asText().matches("0?[0-7]{3}")) {
        errors.add(m + ": '" + s.get(m).asText() + "' is not an octal file mode; quote it, e.g. \"0640\"");
      }
    }
    if (s.hasNonNull("keyMode") && s.get("keyMode").asText().matches("0?[0-7]{3}")
        && (Integer.parseInt(s.get("keyMode").asText(), 8) & 0007) != 0) {
      errors.add("keyMode: '" + s.get("keyMode").asText() + "' lets every user read the private key; use 0600 or 0640");
    }
    errors.addAll(HookCommand.validate(s, "command"));
    errors.addAll(ExecTargetFactory.validateDuration(s, "commandTimeout"));
    return errors;
  }

  @Override
  public Object create(JsonNode s, ProviderContext context) {
    List<String> errors = validate(s);
    if (!errors.isEmpty()) {
      throw new IllegalArgumentException("directory target " + s.path("id").asText("?") + ": " + String.join("; ", errors));
    }
    Duration timeout = s.hasNonNull("commandTimeout") ? Durations.parse(s.get("commandTimeout").asText()) : Duration.ofSeconds(60);
    return new DirectoryTarget(s.path("id").asText("directory"), s.path("certificate").asText(""),
        Path.of(s.get("path").asText()).toAbsolutePath().normalize(),
        s.path("certMode").asText("644"), s.path("keyMode").asText("600"), s.path("dirMode").asText("700"),
        HookCommand.from(s, "command", timeout), context.clock());
  }
}
