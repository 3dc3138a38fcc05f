package io.certferry.core.dns;

import com.fasterxml.jackson.databind.JsonNode;
import io.certferry.core.ProviderContext;
import io.certferry.core.ProviderFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code type: exec}, settings {@code command: /path/to/script} (a string, or a list of program and
 * arguments) and optional {@code timeoutSeconds} (default 120).
 *
 * @since 0.1
 */
public final class ExecDnsProviderFactory implements ProviderFactory {
  @Override
  public String type() { return "exec"; }

  @Override
  public Class<?> kind() { return DnsProvider.class; }

  @Override
  public List<String> validate(JsonNode settings) {
    List<String> problems = new ArrayList<>();
    if (command(settings).isEmpty()) {
      problems.add("exec: command is missing; set it to the program to run (called with present|cleanup <fqdn> <value>)");
    }
    JsonNode t = settings.path("timeoutSeconds");
    if (!t.isMissingNode() && (!t.canConvertToInt() || t.asInt() <= 0) && !(t.isTextual() && t.asText().matches("[1-9][0-9]*"))) {
      problems.add("exec: timeoutSeconds must be a positive number of seconds, got " + t);
    }
    return problems;
  }

  @Override
  public Object create(JsonNode settings, ProviderContext context) {
    List<String> problems = validate(settings);
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", problems));
    }
    int seconds = settings.path("timeoutSeconds").asInt(120);
    return new ExecDnsProvider(command(settings), Duration.ofSeconds(seconds));
  }

  private static List<String> command(JsonNode settings) {
    JsonNode c = settings.path("command");
    List<String> out = new ArrayList<>();
    if (c.isTextual() && !c.asText().isBlank()) {
      out.add(c.asText());
    } else if (c.isArray()) {
      c.forEach(n -> out.add(n.asText()));
    }
    return out;
  }
}
