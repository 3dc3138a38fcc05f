package io.certferry.agent.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.certferry.core.deploy.DeployTarget;
import io.certferry.core.x509.CertificateChecks;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * A certificate's {@code targets:}: each an installed target type with a unique id, and every name
 * it serves ({@code serverNames}, {@code customDomain}, ...) covered by the certificate.
 */
final class TargetsSection {
  /** Settings of a target that name what it serves: each must be covered by the certificate. */
  private static final Set<String> NAME_KEYS = Set.of("serverNames", "serverName", "domain", "domains", "customDomain",
      "hostname", "names", "sniName");

  private final Problems problems;
  private final ProviderBlocks blocks;

  TargetsSection(Problems problems, ProviderBlocks blocks) {
    this.problems = problems;
    this.blocks = blocks;
  }

  /**
   * Checks {@code n}, the {@code targets:} of the certificate at {@code cert} that covers {@code domains};
   * each target's {@code windows:} goes to {@code windowCheck} with its path.
   */
  List<AgentConfig.TargetConfig> check(String cert, JsonNode n, List<String> domains,
                                       BiConsumer<String, List<String>> windowCheck) {
    List<AgentConfig.TargetConfig> out = new ArrayList<>();
    if (n == null || n.isNull()) {
      return out;
    }
    if (!n.isArray()) {
      problems.error(cert + "/targets", "expected a list of targets, e.g. - {id: www-files, type: directory, path: ./certs}");
      return out;
    }
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < n.size(); i++) {
      String tp = cert + "/targets/" + i;
      JsonNode t = n.get(i);
      // windows: is the engine's, not the provider's: taken off before the provider sees its settings.
      List<String> windows = new ArrayList<>();
      if (t != null && t.isObject() && t.has("windows")) {
        JsonNode w = t.get("windows");
        if (w.isArray()) {
          w.forEach(x -> windows.add(x.asText()));
          windowCheck.accept(tp + "/windows", windows);
        } else {
          problems.error(tp + "/windows", "expected a list of windows, e.g. windows: [\"Sat 02:00-05:00 UTC\"]");
        }
        t = ((ObjectNode) t).deepCopy();
        ((ObjectNode) t).remove("windows");
      }
      Optional<AgentConfig.Block> block = blocks.check(tp, t, DeployTarget.class, "target");
      String id = t != null && t.isObject() ? t.path("id").asText("") : "";
      if (t != null && t.isObject()) {
        if (id.isEmpty()) {
          problems.error(tp, "id is missing; give the target an id unique within its certificate, e.g. id: lb-main");
        } else if (!ids.add(id)) {
          problems.error(tp + "/id", "the id '" + id + "' is used by another target of this certificate");
        }
        names(tp, t, domains);
      }
      block.ifPresent(b -> out.add(new AgentConfig.TargetConfig(id, b.type(), b.settings(), windows)));
    }
    return out;
  }

  /** Every name a target serves must be one its certificate covers. */
  private void names(String p, JsonNode n, List<String> domains) {
    for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String k = e.getKey();
      JsonNode v = e.getValue();
      if (NAME_KEYS.contains(k)) {
        List<JsonNode> values = new ArrayList<>();
        if (v.isArray()) {
          v.forEach(values::add);
        } else {
          values.add(v);
        }
        for (int i = 0; i < values.size(); i++) {
          String name = values.get(i).asText().toLowerCase(Locale.ROOT);
          if (!domains.isEmpty() && !name.isEmpty() && !CertificateChecks.covers(domains, name)) {
            problems.error(p + "/" + k + (v.isArray() ? "/" + i : ""), "the target serves " + name
                + " but the certificate's domains do not cover it; add it to domains or fix the target");
          }
        }
      } else if (v.isObject()) {
        names(p + "/" + k, v, domains);
      } else if (v.isArray()) {
        for (int i = 0; i < v.size(); i++) {
          if (v.get(i).isObject()) {
            names(p + "/" + k + "/" + i, v.get(i), domains);
          }
        }
      }
    }
  }
}
