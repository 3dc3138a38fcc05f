package io.certferry.core.store;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The JSON files of the store: Jackson, instants as ISO-8601 text, unknown fields tolerated (newer writers). */
final class StoreJson {
  static final ObjectMapper MAPPER = new ObjectMapper()
      .registerModule(new JavaTimeModule())
      .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(SerializationFeature.INDENT_OUTPUT);

  private StoreJson() {}

  static byte[] write(Object value) {
    try {
      return MAPPER.writeValueAsBytes(value);
    } catch (IOException e) {
      throw new StoreException("cannot serialize " + value.getClass().getSimpleName() + ": " + e.getMessage(), e);
    }
  }

  /**
   * A {@code meta.json}, mapped by hand from the tree: {@code list} reads one per lineage, and this
   * is about 20 times cheaper than data binding to the record (which dominated a 10,000-lineage list).
   */
  static StoredVersion readVersion(Path file) {
    try {
      return readVersion(Files.readAllBytes(file), file.toString());
    } catch (IOException e) {
      throw new StoreException(file + ": unreadable StoredVersion (" + e.getMessage()
          + "); restore it from a backup or remove the version folder", e);
    }
  }

  static StoredVersion readVersion(byte[] json, String where) {
    try {
      JsonNode n = MAPPER.readTree(json);
      List<String> domains = new ArrayList<>();
      n.path("domains").forEach(d -> domains.add(d.asText()));
      Map<String, String> details = new LinkedHashMap<>();
      n.path("details").fields().forEachRemaining(e -> details.put(e.getKey(), e.getValue().asText()));
      return new StoredVersion(required(n, "number").asInt(), text(n, "source"), domains, instant(n, "notBefore"),
          instant(n, "notAfter"), text(n, "serial"), text(n, "sha256"), text(n, "issuer"), text(n, "keyType"),
          instant(n, "storedAt"), details);
    } catch (IOException | RuntimeException e) {
      throw new StoreException(where + ": unreadable StoredVersion (" + e.getMessage()
          + "); restore it from a backup or remove the version", e);
    }
  }

  private static JsonNode required(JsonNode n, String field) {
    JsonNode v = n.get(field);
    if (v == null || v.isNull()) {
      throw new IllegalArgumentException("field " + field + " is missing");
    }
    return v;
  }

  private static String text(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }

  private static Instant instant(JsonNode n, String field) {
    String t = text(n, field);
    return t == null ? null : Instant.parse(t);
  }

  static <T> T read(Path file, Class<T> type) {
    try {
      return MAPPER.readValue(file.toFile(), type);
    } catch (IOException e) {
      throw unreadable(file.toString(), type, e);
    }
  }

  static <T> T read(byte[] json, Class<T> type, String where) {
    try {
      return MAPPER.readValue(json, type);
    } catch (IOException e) {
      throw unreadable(where, type, e);
    }
  }

  private static StoreException unreadable(String where, Class<?> type, IOException e) {
    return new StoreException(where + ": unreadable " + type.getSimpleName() + " (" + e.getMessage()
        + "); restore it from a backup or remove the lineage", e);
  }
}
