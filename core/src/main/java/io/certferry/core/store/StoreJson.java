package io.certferry.core.store;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

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
   * A {@code meta.json}, read field by field from Jackson's token stream: {@code list} reads one per
   * lineage, and this is about 20 times cheaper than data binding to the record (which dominated a
   * 10,000-lineage list) and allocates no tree. Unknown fields are skipped (newer writers).
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
    try (JsonParser p = MAPPER.getFactory().createParser(json)) {
      Integer number = null;
      String source = null;
      String serial = null;
      String sha256 = null;
      String issuer = null;
      String keyType = null;
      Instant notBefore = null;
      Instant notAfter = null;
      Instant storedAt = null;
      List<String> domains = List.of();
      Map<String, String> details = Map.of();
      for (String field = firstField(p); field != null; field = nextField(p)) {
        switch (field) {
          case "number" -> number = p.currentToken() == JsonToken.VALUE_NULL ? null : p.getValueAsInt();
          case "source" -> source = text(p);
          case "domains" -> domains = texts(p);
          case "notBefore" -> notBefore = instant(p);
          case "notAfter" -> notAfter = instant(p);
          case "serial" -> serial = text(p);
          case "sha256" -> sha256 = text(p);
          case "issuer" -> issuer = text(p);
          case "keyType" -> keyType = text(p);
          case "storedAt" -> storedAt = instant(p);
          case "details" -> details = textMap(p, false);
          default -> p.skipChildren();
        }
      }
      if (number == null) {
        throw new IllegalArgumentException("field number is missing");
      }
      return new StoredVersion(number, source, domains, notBefore, notAfter, serial, sha256, issuer, keyType,
          storedAt, details);
    } catch (IOException | RuntimeException e) {
      throw new StoreException(where + ": unreadable StoredVersion (" + e.getMessage()
          + "); restore it from a backup or remove the version", e);
    }
  }

  /** A {@code spec.json}, read from the token stream as {@code meta.json} is: {@code list} reads one per lineage. */
  static LineageSpec readSpec(byte[] json, String where) {
    try (JsonParser p = MAPPER.getFactory().createParser(json)) {
      String name = null;
      String source = null;
      String keyType = null;
      List<String> domains = null;
      List<String> targets = List.of();
      Map<String, String> options = Map.of();
      ObjectNode issuer = null;
      for (String field = firstField(p); field != null; field = nextField(p)) {
        switch (field) {
          case "name" -> name = text(p);
          case "domains" -> domains = p.currentToken() == JsonToken.VALUE_NULL ? null : texts(p);
          case "source" -> source = text(p);
          case "keyType" -> keyType = text(p);
          case "options" -> options = textMap(p, true);
          case "targets" -> targets = texts(p);
          case "issuer" -> issuer = object(p, "issuer");
          default -> p.skipChildren();
        }
      }
      if (name == null) {
        throw new IllegalArgumentException("field name is missing");
      }
      if (domains == null) {
        throw new IllegalArgumentException("field domains is missing");
      }
      return new LineageSpec(name, domains, source, keyType, options, targets, issuer);
    } catch (IOException | RuntimeException e) {
      throw new StoreException(where + ": unreadable LineageSpec (" + e.getMessage()
          + "); restore it from a backup or remove the lineage", e);
    }
  }

  /** The root object's first field name, the parser on its value; null for an empty object. */
  private static String firstField(JsonParser p) throws IOException {
    if (p.nextToken() != JsonToken.START_OBJECT) {
      throw new IllegalArgumentException("not a JSON object");
    }
    return nextField(p);
  }

  /** The next field name of the object the parser is in, the parser on its value; null at the object's end. */
  private static String nextField(JsonParser p) throws IOException {
    if (p.nextToken() != JsonToken.FIELD_NAME) {
      return null;
    }
    String name = p.currentName();
    p.nextToken();
    return name;
  }

  /** A scalar as text (a number as its digits), null for null; a container is skipped and reads as "". */
  private static String text(JsonParser p) throws IOException {
    JsonToken t = p.currentToken();
    if (t == JsonToken.VALUE_NULL) {
      return null;
    }
    if (t.isStructStart()) {
      p.skipChildren();
      return "";
    }
    return p.getValueAsString();
  }

  private static Instant instant(JsonParser p) throws IOException {
    String t = text(p);
    return t == null ? null : instant(t);
  }

  /** An array's scalars as texts; anything that is not an array reads as none. */
  private static List<String> texts(JsonParser p) throws IOException {
    if (p.currentToken() != JsonToken.START_ARRAY) {
      p.skipChildren();
      return List.of();
    }
    List<String> out = new ArrayList<>();
    while (p.nextToken() != JsonToken.END_ARRAY) {
      String v = text(p);
      out.add(v == null ? "null" : v);
    }
    return out;
  }

  /** An object of scalars as texts; {@code strict}: a null or a container is an error, not "null" or "". */
  private static Map<String, String> textMap(JsonParser p, boolean strict) throws IOException {
    if (p.currentToken() != JsonToken.START_OBJECT) {
      p.skipChildren();
      return Map.of();
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (String key = nextField(p); key != null; key = nextField(p)) {
      JsonToken t = p.currentToken();
      if (strict && (t == JsonToken.VALUE_NULL || t.isStructStart())) {
        throw new IllegalArgumentException("option " + key + " is not a text");
      }
      String v = text(p);
      out.put(key, v == null ? "null" : v);
    }
    return out;
  }

  private static ObjectNode object(JsonParser p, String field) throws IOException {
    JsonToken t = p.currentToken();
    if (t == JsonToken.VALUE_NULL) {
      return null;
    }
    if (t != JsonToken.START_OBJECT) {
      throw new IllegalArgumentException("field " + field + " is not an object");
    }
    return MAPPER.readTree(p);
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
