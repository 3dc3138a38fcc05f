package io.certferry.core.store;

import com.fasterxml.jackson.databind.JsonNode;
import io.certferry.core.ProviderContext;
import io.certferry.core.ProviderFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * {@code store: {type: file, path: /var/lib/certferry}}, the embedded default, so that every store is opened the
 * same way, through the {@link io.certferry.core.ProviderRegistry}; an agent config's {@code store: /path} means this.
 * The folder is created (0700) by the first write.
 *
 * @since 0.1
 */
public final class FileStoreFactory implements ProviderFactory {
  private static final Set<String> KEYS = Set.of("type", "path");

  @Override
  public String type() { return "file"; }

  @Override
  public Class<?> kind() { return CertificateStore.class; }

  @Override
  public List<String> validate(JsonNode s) {
    List<String> out = new ArrayList<>();
    if (s == null || !s.hasNonNull("path") || s.get("path").asText().isBlank()) {
      out.add("path: a file store needs its folder, e.g. path: /var/lib/certferry");
    }
    if (s != null) {
      s.fieldNames().forEachRemaining(k -> {
        if (!KEYS.contains(k)) {
          out.add("unknown setting '" + k + "' for a file store; its only setting is path");
        }
      });
    }
    return out;
  }

  @Override
  public FileStore create(JsonNode s, ProviderContext context) {
    List<String> problems = validate(s);
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException("store (file): " + String.join("; ", problems));
    }
    return FileStore.builder().root(Path.of(s.get("path").asText().trim())).clock(context.clock()).build();
  }
}
