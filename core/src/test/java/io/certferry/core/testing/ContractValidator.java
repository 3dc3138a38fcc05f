package io.certferry.core.testing;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.model.SimpleRequest;
import com.atlassian.oai.validator.report.LevelResolver;
import com.atlassian.oai.validator.report.ValidationReport;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import mockwebserver3.Dispatcher;
import mockwebserver3.RecordedRequest;
import okhttp3.HttpUrl;

/**
 * Checks requests a fake API received against the provider's official OpenAPI/Swagger file in the
 * shared contracts folder (system property {@code certferry.contracts}), with Atlassian's
 * swagger-request-validator.
 *
 * <pre>
 * ContractValidator contract = ContractValidator.forSpec("digitalocean/digitalocean-certificates-lb-cdn.yaml");
 * ContractValidatingDispatcher fake = contract.validating(new MyStatefulFake());
 * server.setDispatcher(fake);
 * ... run the code ...
 * fake.assertNoViolations();
 * </pre>
 *
 * <p>When the folder is absent the calling test is skipped with a message (a JUnit assumption),
 * except with {@code CERTFERRY_REQUIRE_E2E=1}, where absence fails the test.
 *
 * <p>{@code validation.schema.additionalProperties} is ignored: with it on, the validator rejects valid
 * requests against oneOf/allOf schemas (DigitalOcean's certificate create body), as the contracts README
 * notes. OpenAPI 3.1 files (DNSimple's) are read by swagger-parser's 3.1 support; see
 * {@code ContractValidatorTest} for what is checked there.
 */
public final class ContractValidator {
  /** The system property the parent pom sets to the shared contracts folder. */
  public static final String PROPERTY = "certferry.contracts";
  private static final Map<String, OpenApiInteractionValidator> CACHE = new ConcurrentHashMap<>();

  private final String spec;
  private final OpenApiInteractionValidator validator;

  private ContractValidator(String spec, OpenApiInteractionValidator validator) {
    this.spec = spec;
    this.validator = validator;
  }

  /**
   * A validator for a spec inside the contracts folder (e.g. {@code netlify/swagger.yml}), with the base
   * path the spec declares (DigitalOcean: none, its paths start with {@code /v2}; Netlify: {@code /api/v1}).
   */
  public static ContractValidator forSpec(String relativePath) { return forSpec(relativePath, null); }

  /**
   * A validator whose base path is replaced, for fakes mounted elsewhere than the spec's server URL:
   * {@code "/"} for a DNSimple fake serving {@code /whoami} rather than {@code /v2/whoami}.
   */
  public static ContractValidator forSpec(String relativePath, String basePathOverride) {
    Path file = contractsFolder().resolve(relativePath);
    if (!Files.isRegularFile(file)) {
      throw new IllegalStateException("contract " + file + " does not exist; check the path under " + contractsFolder());
    }
    String key = file + "|" + basePathOverride;
    OpenApiInteractionValidator v = CACHE.computeIfAbsent(key, k -> build(file, basePathOverride));
    return new ContractValidator(relativePath, v);
  }

  /**
   * The contracts folder; skips the calling test when it is absent (fails instead in CI, where
   * {@code CERTFERRY_REQUIRE_E2E=1}).
   */
  public static Path contractsFolder() {
    String prop = System.getProperty(PROPERTY);
    Path dir = prop == null || prop.isBlank() ? null : Path.of(prop);
    if (dir == null || !Files.isDirectory(dir)) {
      RequiredTools.requireCapability(false, "provider API contracts not found (system property " + PROPERTY
          + " = " + prop + "); contract tests need ../shared/contracts next to the project");
    }
    return dir;
  }

  private static OpenApiInteractionValidator build(Path file, String basePathOverride) {
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      throw new IllegalStateException("contract " + file + " cannot be read: " + e.getMessage(), e);
    }
    OpenApiInteractionValidator.Builder b = (OPENAPI_31.matcher(text).find()
        ? OpenApiInteractionValidator.createForInlineApiSpecification(downgrade31(text))
        : OpenApiInteractionValidator.createForSpecificationUrl(file.toUri().toString()))
        .withLevelResolver(LevelResolver.create()
            .withLevel("validation.schema.additionalProperties", ValidationReport.Level.IGNORE)
            .build());
    if (basePathOverride != null) {
      b.withBasePathOverride(basePathOverride);
    }
    return b.build();
  }

  private static final Pattern OPENAPI_31 =
      Pattern.compile("(?m)^openapi:\\s*['\"]?3\\.1");
  /**
   * swagger-request-validator 2.44.1 reads OpenAPI 3.1 files but then mis-validates them: every path
   * parameter is parsed as JSON ("Unable to parse JSON - Unrecognized token 'example'") because 3.1
   * schemas carry {@code types} instead of {@code type}. DNSimple's file uses two 3.1 constructs the
   * 3.0 reader refuses, {@code type: [X, "null"]} and schema-level {@code examples: [...]}; both are
   * rewritten in memory ({@code type: X} + {@code nullable: true}; examples dropped) and the result is
   * validated as 3.0.3. The file itself is never changed.
   */
  static String downgrade31(String spec) {
    try {
      ObjectMapper yaml =
          new ObjectMapper(new YAMLFactory());
      JsonNode root = yaml.readTree(spec);
      ((ObjectNode) root).put("openapi", "3.0.3");
      downgradeNode(root);
      addDeclaredPagination((ObjectNode) root);
      return new ObjectMapper().writeValueAsString(root);
    } catch (IOException e) {
      throw new IllegalStateException("OpenAPI 3.1 file cannot be read as YAML: " + e.getMessage(), e);
    }
  }

  private static void downgradeNode(JsonNode node) {
    if (node instanceof ObjectNode obj) {
      JsonNode type = obj.get("type");
      if (type != null && type.isArray()) {
        List<String> types = new ArrayList<>();
        type.forEach(t -> types.add(t.asText()));
        boolean nullable = types.remove("null");
        obj.put("type", types.isEmpty() ? "string" : types.get(0));
        if (nullable) {
          obj.put("nullable", true);
        }
      }
      if (obj.has("examples") && obj.get("examples").isArray()) {
        obj.remove("examples");
      }
      obj.forEach(ContractValidator::downgradeNode);
    } else if (node != null && node.isArray()) {
      node.forEach(ContractValidator::downgradeNode);
    }
  }

  /**
   * DNSimple's file declares its documented pagination parameters ({@code PaginationPage},
   * {@code PaginationPerPage}) but references them from only one operation, although every list
   * endpoint accepts them; add them to each GET whose answer carries {@code pagination}.
   */
  private static void addDeclaredPagination(ObjectNode root) {
    if (!root.path("components").path("parameters").has("PaginationPage")) {
      return;
    }
    for (var path : root.path("paths").properties()) {
      JsonNode get = path.getValue().get("get");
      if (get == null || !get.path("responses").path("200").path("content").path("application/json")
          .path("schema").path("properties").has("pagination")) {
        continue;
      }
      var params = get.has("parameters") ? (ArrayNode) get.get("parameters")
          : ((ObjectNode) get).putArray("parameters");
      for (String p : List.of("PaginationPage", "PaginationPerPage")) {
        String ref = "#/components/parameters/" + p;
        boolean present = false;
        for (var existing : params) {
          present |= ref.equals(existing.path("$ref").asText());
        }
        if (!present) {
          params.addObject().put("$ref", ref);
        }
      }
    }
  }

  /** The spec's messages about this request; empty when the spec accepts it. */
  public List<String> violations(RecordedRequest request) {
    ValidationReport report = validator.validateRequest(toValidatorRequest(request));
    List<String> out = new ArrayList<>();
    for (ValidationReport.Message m : report.getMessages()) {
      if (m.getLevel() == ValidationReport.Level.ERROR) {
        out.add(m.getKey() + ": " + m.getMessage());
      }
    }
    return out;
  }

  /** Fails with the validator's messages when the spec rejects the request. */
  public void assertValid(RecordedRequest request) {
    List<String> v = violations(request);
    if (!v.isEmpty()) {
      throw new AssertionError(describe(request) + " violates " + spec + ":\n  " + String.join("\n  ", v));
    }
  }

  /** Wraps a fake so every request it receives is validated first; see {@link ContractValidatingDispatcher}. */
  public ContractValidatingDispatcher validating(Dispatcher fake) {
    return new ContractValidatingDispatcher(this, fake, List.of());
  }

  /**
   * As {@link #validating(Dispatcher)}, except that requests to paths the spec file does not hold and that start
   * with one of {@code uncovered} (DigitalOcean's file is cut down to certificates, load balancers and CDN, so
   * {@code /v2/account} and {@code /v2/droplets} are not in it) pass to the fake, which checks them itself; they
   * are listed by {@link ContractValidatingDispatcher#uncovered()}. A request to such a path that the spec does
   * hold is validated as usual.
   */
  public ContractValidatingDispatcher validating(Dispatcher fake, List<String> uncovered) {
    return new ContractValidatingDispatcher(this, fake, uncovered);
  }

  /** Whether the only complaint about the request is that the spec has no such path. */
  static boolean onlyPathMissing(List<String> violations) {
    return !violations.isEmpty() && violations.stream().allMatch(v -> v.startsWith("validation.request.path.missing"));
  }

  String spec() { return spec; }

  static String describe(RecordedRequest r) {
    HttpUrl url = Objects.requireNonNull(r.getUrl());
    return r.getMethod() + " " + url.encodedPath();
  }

  private static SimpleRequest toValidatorRequest(RecordedRequest r) {
    HttpUrl url = Objects.requireNonNull(r.getUrl(), "request has no URL");
    SimpleRequest.Builder b = new SimpleRequest.Builder(r.getMethod(), url.encodedPath());
    for (String name : url.queryParameterNames()) {
      b.withQueryParam(name, url.queryParameterValues(name));
    }
    for (String name : r.getHeaders().names()) {
      b.withHeader(name, r.getHeaders().values(name));
    }
    if (r.getBody() != null && r.getBodySize() > 0) {
      b.withBody(r.getBody().toByteArray());
    }
    return b.build();
  }
}
