package io.certferry.agent.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.certferry.core.store.CertificateStore;

import java.util.Optional;

/**
 * {@code store:} where everything is kept. A path is the FileStore folder ({@code type: file}); a mapping selects
 * a store by its {@code type:} ({@code postgresql} for a fleet), checked by the store factory's own validation with
 * every problem placed at its setting. Absent, {@code --store} or {@code CERTFERRY_STORE} decide.
 */
final class StoreSection {
  private final Problems problems;
  private final Values values;
  private final ProviderBlocks blocks;

  StoreSection(Problems problems, Values values, ProviderBlocks blocks) {
    this.problems = problems;
    this.values = values;
    this.blocks = blocks;
  }

  Optional<AgentConfig.Block> check(JsonNode n) {
    if (n == null || n.isNull()) {
      return Optional.empty();
    }
    if (n.isObject()) {
      return blocks.check("/store", n, CertificateStore.class, "store");
    }
    if (n.isArray() || n.isBoolean()) {
      problems.error("/store", "expected the store's folder (store: /var/lib/certferry) or a mapping with type: and its "
          + "settings (store: {type: postgresql, url: ..., ...}); installed store types: " + blocks.installed(CertificateStore.class));
      return Optional.empty();
    }
    return values.text("/store", n).filter(t -> {
      if (t.isBlank()) {
        problems.error("/store", "the store's folder is empty; e.g. store: /var/lib/certferry");
      }
      return !t.isBlank();
    }).map(StoreSection::folder);
  }

  /** The block a folder stands for: {@code {type: file, path: DIR}}. */
  static AgentConfig.Block folder(String path) {
    ObjectNode s = JsonNodeFactory.instance.objectNode().put("type", "file").put("path", path.trim());
    return new AgentConfig.Block("file", s);
  }
}
