package io.certferry.agent.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A YAML document read into a Jackson tree, remembering where every key and value stood (line and
 * column from the parser's {@link JsonLocation}) so that every config error can point at its place.
 * Paths are JSON pointers: {@code /certificates/0/targets/1/type}.
 */
final class LocatedYaml {
  private static final YAMLFactory YAML = YAMLFactory.builder().build();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  /** Where a key or value stood: 1-based line and column. */
  record Position(int line, int column) {
    static Position of(JsonLocation l) { return new Position(l.getLineNr(), l.getColumnNr()); }
  }

  private final JsonNode root;
  private final Map<String, Position> keys;
  private final Map<String, Position> values;
  private final List<ConfigProblem> duplicates;

  private LocatedYaml(JsonNode root, Map<String, Position> keys, Map<String, Position> values, List<ConfigProblem> duplicates) {
    this.root = root;
    this.keys = keys;
    this.values = values;
    this.duplicates = duplicates;
  }

  JsonNode root() { return root; }

  /** Duplicate keys found while reading (YAML allows them silently; a config must not). */
  List<ConfigProblem> duplicates() { return duplicates; }

  /** Where the key of {@code pointer} stood, else its value, else its nearest parent's. */
  Position keyAt(String pointer) {
    for (String p = pointer; ; p = parent(p)) {
      Position k = keys.get(p);
      if (k != null) {
        return k;
      }
      Position v = values.get(p);
      if (v != null || p.isEmpty()) {
        return v == null ? new Position(1, 1) : v;
      }
    }
  }

  /** Where the value of {@code pointer} stood, else its key's or parent's place. */
  Position valueAt(String pointer) {
    Position v = values.get(pointer);
    return v != null ? v : keyAt(pointer);
  }

  private static String parent(String p) {
    int i = p.lastIndexOf('/');
    return i <= 0 ? "" : p.substring(0, i);
  }

  /**
   * Parses YAML text.
   *
   * @throws ConfigException with one located problem when the text is not valid YAML
   */
  static LocatedYaml parse(String text) throws ConfigException {
    Map<String, Position> keys = new HashMap<>();
    Map<String, Position> values = new HashMap<>();
    List<ConfigProblem> dups = new ArrayList<>();
    try (JsonParser p = YAML.createParser(text)) {
      JsonToken t = p.nextToken();
      if (t == null) {
        throw new ConfigException(List.of(new ConfigProblem(1, 1, "", "the file is empty; start from examples/quickstart.yaml")));
      }
      JsonNode root = read(p, "", keys, values, dups);
      return new LocatedYaml(root, keys, values, dups);
    } catch (JsonProcessingException e) {
      throw new ConfigException(List.of(YamlSyntaxProblem.find(e).map(m -> YamlSyntaxProblem.of(m, text))
          .orElseGet(() -> jacksonProblem(e))));
    } catch (IOException e) {
      throw new ConfigException(List.of(new ConfigProblem(1, 1, "", "cannot read: " + e.getMessage())));
    }
  }

  /** A problem Jackson found itself (SnakeYAML read the text): its location, its first line. */
  private static ConfigProblem jacksonProblem(JsonProcessingException e) {
    JsonLocation l = e.getLocation();
    String msg = e.getOriginalMessage().lines().findFirst().orElse("unreadable YAML");
    return new ConfigProblem(l == null ? 1 : l.getLineNr(), l == null ? 1 : l.getColumnNr(), "", "not valid YAML: " + msg);
  }

  private static JsonNode read(JsonParser p, String path, Map<String, Position> keys, Map<String, Position> values,
                               List<ConfigProblem> dups) throws IOException {
    values.put(path, Position.of(p.currentTokenLocation()));
    switch (p.currentToken()) {
      case START_OBJECT: {
        ObjectNode o = NODES.objectNode();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String name = p.currentName();
          String child = path + "/" + escape(name);
          Position at = Position.of(p.currentTokenLocation());
          if (o.has(name)) {
            dups.add(new ConfigProblem(at.line(), at.column(), child.substring(1), "duplicate key '" + name
                + "'; keep one of them"));
          }
          keys.put(child, at);
          p.nextToken();
          o.set(name, read(p, child, keys, values, dups));
        }
        return o;
      }
      case START_ARRAY: {
        ArrayNode a = NODES.arrayNode();
        int i = 0;
        while (p.nextToken() != JsonToken.END_ARRAY) {
          a.add(read(p, path + "/" + i++, keys, values, dups));
        }
        return a;
      }
      case VALUE_STRING: return NODES.textNode(p.getText());
      case VALUE_NUMBER_INT: // a number past a long is a value for its setting to refuse, not bad YAML
        return p.getNumberType() == JsonParser.NumberType.BIG_INTEGER ? NODES.numberNode(p.getBigIntegerValue())
            : NODES.numberNode(p.getLongValue());
      case VALUE_NUMBER_FLOAT: return NODES.numberNode(p.getDecimalValue());
      case VALUE_TRUE: return NODES.booleanNode(true);
      case VALUE_FALSE: return NODES.booleanNode(false);
      case VALUE_NULL: return NODES.nullNode();
      default: return NODES.textNode(p.getText());
    }
  }

  private static String escape(String name) { return name.replace("~", "~0").replace("/", "~1"); }
}
