package io.certferry.agent.config;

import com.fasterxml.jackson.databind.JsonNode;

import java.nio.file.Path;
import java.util.Optional;

/** {@code store:} the FileStore folder; absent, {@code --store} or {@code CERTFERRY_STORE} decide. */
final class StoreSection {
  private final Values values;

  StoreSection(Values values) { this.values = values; }

  Optional<Path> check(JsonNode n) {
    return values.text("/store", n).map(Path::of);
  }
}
