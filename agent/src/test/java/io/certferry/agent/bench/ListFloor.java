package io.certferry.agent.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The floor {@code bench/list/run.sh} sets beside {@code certferry list --json}: a bare loop that
 * reads the same metadata files (each lineage's {@code current}, its version's {@code meta.json},
 * whether {@code deployments.json} exists), in parallel as {@code list} does, parses each with
 * Jackson's tree and prints them as one JSON array. No store, no CLI, no state rules, no sort.
 *
 * <p>Usage: {@code ListFloor STORE_DIR}
 */
public final class ListFloor {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private ListFloor() {}

  public static void main(String[] args) throws IOException {
    Path certs = Path.of(args[0]).resolve("certs");
    List<Path> lineages;
    try (Stream<Path> s = Files.list(certs)) {
      lineages = s.sorted().toList();
    }
    ArrayNode out = MAPPER.createArrayNode();
    lineages.parallelStream().map(ListFloor::read).flatMap(Optional::stream).toList().forEach(out::add);
    System.out.println(MAPPER.writeValueAsString(out));
  }

  private static Optional<JsonNode> read(Path lineage) {
    try {
      Path current = lineage.resolve("current");
      if (!Files.exists(current)) {
        return Optional.empty();
      }
      String n = Files.readString(current, StandardCharsets.US_ASCII).trim();
      ObjectNode meta = (ObjectNode) MAPPER.readTree(lineage.resolve("versions").resolve(n).resolve("meta.json").toFile());
      meta.put("name", lineage.getFileName().toString());
      meta.put("deployed", Files.exists(lineage.resolve("deployments.json")));
      return Optional.of(meta);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
