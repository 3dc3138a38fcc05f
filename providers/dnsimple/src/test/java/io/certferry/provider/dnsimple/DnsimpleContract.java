package io.certferry.provider.dnsimple;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.model.SimpleRequest;
import com.atlassian.oai.validator.report.LevelResolver;
import com.atlassian.oai.validator.report.ValidationReport;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import mockwebserver3.RecordedRequest;
import io.certferry.core.testing.ContractValidator;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Validates requests against DNSimple's own OpenAPI description ({@code ../shared/contracts/dnsimple/openapi.yml}).
 *
 * <p>The file is OpenAPI 3.1.1. swagger-request-validator 2.44 parses 3.1 but then treats every
 * {@code type: string} path parameter as JSON (swagger-parser keeps 3.1 types in {@code types}, which
 * the validator does not read), so every request with a zone or domain name in its path fails. We
 * therefore load the file into a tree and rewrite it, in memory, to the equivalent OpenAPI 3.0.3:
 * {@code type: [X, "null"]} becomes {@code type: X, nullable: true}, and a schema's {@code examples}
 * array becomes {@code example}. Nothing that constrains a request changes. The spec also declares the
 * documented pagination parameters ({@code PaginationPage}, {@code PaginationPerPage}) but references them
 * from only one operation; the rewrite adds them to each GET whose answer carries {@code pagination}, as
 * DNSimple's documentation says every list endpoint accepts them. The file itself is never modified.
 *
 * <p>The shared {@link ContractValidator} performs the same 3.1 rewrite but not the pagination step, so
 * it would reject {@code GET /{account}/zones?page=2&per_page=100}; hence this DNSimple-specific loader.
 */
final class DnsimpleContract {
  private static final String FILE = "dnsimple/openapi.yml";
  private static OpenApiInteractionValidator validator;

  private DnsimpleContract() {}

  /**
   * The validator. Where the contracts folder is absent the calling test is skipped (failed under
   * CERTFERRY_REQUIRE_E2E=1), by the shared {@link ContractValidator#contractsFolder()}.
   */
  static synchronized OpenApiInteractionValidator validator() {
    if (validator == null) {
      Path spec = ContractValidator.contractsFolder().resolve(FILE);
      if (!Files.isReadable(spec)) {
        throw new AssertionError("DNSimple contract " + spec + " is missing from the contracts folder");
      }
      validator = OpenApiInteractionValidator.createForInlineApiSpecification(openApi30(spec))
          .withLevelResolver(LevelResolver.create()
              .withLevel("validation.schema.additionalProperties", ValidationReport.Level.IGNORE)
              .build())
          .build();
    }
    return validator;
  }

  /** Every way the request breaks the contract; empty when it conforms. */
  static List<String> violations(RecordedRequest r) {
    List<String> out = new ArrayList<>();
    String auth = r.getHeaders().get("Authorization");
    if (auth == null || !auth.matches("Bearer \\S+")) {
      out.add("no Bearer token in Authorization");
    }
    String perPage = r.getUrl().queryParameter("per_page");
    if (perPage != null && Integer.parseInt(perPage) > DnsimpleClient.PER_PAGE) {
      out.add("per_page " + perPage + " above DNSimple's maximum of 100");
    }
    ValidationReport report = validator().validateRequest(toRequest(r));
    report.getMessages().stream()
        .filter(m -> m.getLevel() == ValidationReport.Level.ERROR)
        .forEach(m -> out.add(m.getKey() + ": " + m.getMessage()));
    return out;
  }

  private static Request toRequest(RecordedRequest r) {
    SimpleRequest.Builder b = new SimpleRequest.Builder(r.getMethod(), r.getUrl().encodedPath());
    for (String name : r.getUrl().queryParameterNames()) {
      b.withQueryParam(name, r.getUrl().queryParameterValues(name));
    }
    r.getHeaders().forEach(h -> b.withHeader(h.getFirst(), h.getSecond()));
    if (r.getBody() != null && r.getBody().size() > 0) {
      b.withBody(r.getBody().utf8());
    }
    return b.build();
  }

  /** The 3.1 file rewritten to 3.0.3 as described in the class comment, as JSON text. */
  static String openApi30(Path spec) {
    try {
      ObjectNode root = (ObjectNode) new ObjectMapper(new YAMLFactory()).readTree(spec.toFile());
      root.put("openapi", "3.0.3");
      downgrade(root);
      addPagination(root);
      return new ObjectMapper().writeValueAsString(root);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + spec, e);
    }
  }

  private static void downgrade(JsonNode node) {
    if (node instanceof ObjectNode o) {
      JsonNode type = o.get("type");
      if (type != null && type.isArray()) {
        boolean nullable = false;
        String single = null;
        for (JsonNode t : type) {
          if ("null".equals(t.asText())) {
            nullable = true;
          } else {
            single = t.asText();
          }
        }
        o.put("type", single);
        if (nullable) {
          o.put("nullable", true);
        }
      }
      JsonNode examples = o.get("examples");
      if (examples != null && examples.isArray()) {
        o.remove("examples");
        if (!examples.isEmpty()) {
          o.set("example", examples.get(0));
        }
      }
      o.properties().forEach(e -> downgrade(e.getValue()));
    } else if (node instanceof ArrayNode a) {
      a.forEach(DnsimpleContract::downgrade);
    }
  }

  private static void addPagination(ObjectNode root) {
    Iterator<Map.Entry<String, JsonNode>> paths = root.path("paths").fields();
    while (paths.hasNext()) {
      JsonNode get = paths.next().getValue().get("get");
      if (get == null || !get.path("responses").path("200").path("content").path("application/json")
          .path("schema").path("properties").has("pagination")) {
        continue;
      }
      ArrayNode params = get.has("parameters") ? (ArrayNode) get.get("parameters")
          : ((ObjectNode) get).putArray("parameters");
      for (String p : List.of("PaginationPage", "PaginationPerPage")) {
        String ref = "#/components/parameters/" + p;
        boolean present = false;
        for (JsonNode existing : params) {
          present |= ref.equals(existing.path("$ref").asText());
        }
        if (!present) {
          params.addObject().put("$ref", ref);
        }
      }
    }
  }
}
