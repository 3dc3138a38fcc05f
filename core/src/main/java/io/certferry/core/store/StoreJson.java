package io.certferry.core.store;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
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
      List<String> domains = texts(n.path("domains"));
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

  /** A {@code spec.json}, mapped by hand from the tree as {@code meta.json} is: {@code list} reads one per lineage. */
  static LineageSpec readSpec(byte[] json, String where) {
    try {
      JsonNode n = MAPPER.readTree(json);
      Map<String, String> options = new LinkedHashMap<>();
      n.path("options").fields().forEachRemaining(e -> {
        if (!e.getValue().isValueNode() || e.getValue().isNull()) {
          throw new IllegalArgumentException("option " + e.getKey() + " is not a text");
        }
        options.put(e.getKey(), e.getValue().asText());
      });
      JsonNode issuer = n.get("issuer");
      if (issuer != null && !issuer.isNull() && !issuer.isObject()) {
        throw new IllegalArgumentException("field issuer is not an object");
      }
      return new LineageSpec(required(n, "name").asText(), texts(required(n, "domains")), text(n, "source"),
          text(n, "keyType"), options, texts(n.path("targets")), issuer == null || issuer.isNull() ? null : (ObjectNode) issuer);
    } catch (IOException | RuntimeException e) {
      throw new StoreException(where + ": unreadable LineageSpec (" + e.getMessage()
          + "); restore it from a backup or remove the lineage", e);
    }
  }

  private static List<String> texts(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(d -> out.add(d.asText()));
    return out;
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
    return t == null ? null : instant(t);
  }

  /**
   * An instant as {@link Instant#toString()} writes it for the years 1000 to 9999 ({@code
   * 2026-12-01T09:30:00Z}, with up to nine digits of fraction), read directly; any other text goes to
   * {@link Instant#parse}, which also gives the error. {@code Instant.parse} was a seventh of a
   * 10,000-lineage {@code list}'s CPU: three per {@code meta.json}.
   */
  static Instant instant(String t) {
    int len = t.length();
    if (len < 20 || len > 30 || len == 21 || t.charAt(len - 1) != 'Z' || t.charAt(4) != '-' || t.charAt(7) != '-'
        || t.charAt(10) != 'T' || t.charAt(13) != ':' || t.charAt(16) != ':' || (len > 20 && t.charAt(19) != '.')
        || t.charAt(0) == '0') {
      return Instant.parse(t);
    }
    int year = digits(t, 0, 4);
    int month = digits(t, 5, 7);
    int day = digits(t, 8, 10);
    int hour = digits(t, 11, 13);
    int minute = digits(t, 14, 16);
    int second = digits(t, 17, 19);
    int nano = len > 20 ? digits(t, 20, len - 1) * NANO_SCALE[len - 22] : 0;
    if (year < 0 || month < 1 || month > 12 || day < 1 || day > 31 || hour < 0 || hour > 23 || minute < 0
        || minute > 59 || second < 0 || second > 59 || nano < 0) {
      return Instant.parse(t); // not digits, out of range or a leap second: the JDK's rule and message
    }
    long days;
    try {
      days = LocalDate.of(year, month, day).toEpochDay();
    } catch (DateTimeException noSuchDay) { // 2026-02-30
      return Instant.parse(t);
    }
    return Instant.ofEpochSecond(days * 86_400 + hour * 3_600L + minute * 60L + second, nano);
  }

  /** 10^(9 - digits) for 1 to 9 digits of fraction. */
  private static final int[] NANO_SCALE = {100_000_000, 10_000_000, 1_000_000, 100_000, 10_000, 1_000, 100, 10, 1};

  /** The number written by the ASCII digits {@code t[from, to)}, or -1 when one is not a digit. */
  private static int digits(String t, int from, int to) {
    int v = 0;
    for (int i = from; i < to; i++) {
      int d = t.charAt(i) - '0';
      if (d < 0 || d > 9) {
        return -1;
      }
      v = v * 10 + d;
    }
    return v;
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
