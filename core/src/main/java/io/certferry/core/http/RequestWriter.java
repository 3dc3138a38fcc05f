package io.certferry.core.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.Request;
import okhttp3.RequestBody;

/**
 * Turns an {@link ApiRequest} into the OkHttp request {@link HttpApi} sends, and gathers every secret
 * it carries into the redactor for its answers: the token and the secret parts of the base URL, what
 * the request marked, the values of its secret body fields, and any value holding a PEM private key.
 */
final class RequestWriter {
  private static final MediaType JSON = MediaType.get("application/json");

  private final HttpUrl baseUrl;
  private final String userAgent;
  private final String authorization;
  private final ObjectMapper mapper;
  /** Knows the token and the secret parts of the base URL; each request adds its own secrets. */
  private final Redactor redactor;

  RequestWriter(HttpUrl baseUrl, boolean secretBaseUrl, String userAgent, String authorization, String token,
                ObjectMapper mapper) {
    this.baseUrl = baseUrl;
    this.userAgent = userAgent;
    this.authorization = authorization;
    this.mapper = mapper;
    List<String> secrets = new ArrayList<>();
    secrets.add(token);
    if (secretBaseUrl) {
      secrets.addAll(secretParts(baseUrl));
    }
    this.redactor = Redactor.none().with(secrets);
  }

  /** The OkHttp request, and the redactor that knows every secret it carries. */
  record Prepared(Request request, Redactor redactor) {}

  Prepared write(ApiRequest request) throws HttpApiException {
    List<String> secrets = new ArrayList<>(request.secrets());
    HttpUrl.Builder url = baseUrl.newBuilder();
    List<String> args = request.pathArgs();
    int arg = 0;
    for (String segment : request.pathTemplate().substring(1).split("/", -1)) {
      if (segment.startsWith("{") && segment.endsWith("}")) {
        url.addPathSegment(args.get(arg++));
      } else if (!segment.isEmpty()) {
        url.addPathSegment(segment);
      }
    }
    request.query().forEach((k, vs) -> vs.forEach(v -> {
      url.addQueryParameter(k, v);
      markIfPrivateKey(v, secrets);
    }));
    RequestBody body = null;
    if (request.body().isPresent()) {
      body = RequestBody.create(bodyBytes(request, secrets), JSON);
    } else if (request.method().equals("POST") || request.method().equals("PUT") || request.method().equals("PATCH")) {
      body = RequestBody.create(new byte[0], null);
    }
    Request.Builder b = new Request.Builder().url(url.build()).method(request.method(), body)
        .header("Accept", "application/json")
        .header("User-Agent", userAgent);
    if (authorization != null) {
      b.header("Authorization", authorization);
    }
    request.headers().forEach((k, v) -> {
      b.header(k, v);
      markIfPrivateKey(v, secrets);
    });
    return new Prepared(b.build(), redactor.with(secrets));
  }

  /** The JSON body; the values of its secret fields, and any value holding a private key, join {@code secrets}. */
  private byte[] bodyBytes(ApiRequest request, List<String> secrets) throws HttpApiException {
    try {
      JsonNode tree = mapper.valueToTree(request.body().get());
      collectSecrets(tree, request.secretFields(), false, secrets);
      return mapper.writeValueAsBytes(tree);
    } catch (IOException | IllegalArgumentException e) {
      throw HttpApiException.unreadable(request.describe(), 0, "the request body cannot be written as JSON");
    }
  }

  private static void collectSecrets(JsonNode n, Set<String> fields, boolean secret, List<String> out) {
    if (n.isObject()) {
      n.fields().forEachRemaining(e -> collectSecrets(e.getValue(), fields, secret || fields.contains(e.getKey()), out));
    } else if (n.isArray()) {
      n.forEach(e -> collectSecrets(e, fields, secret, out));
    } else if (!n.isNull()) {
      if (secret) {
        out.add(n.asText());
      }
      markIfPrivateKey(n.asText(), out);
    }
  }

  /** A value holding a PEM private key is a secret whether the request marked it or not. */
  private static void markIfPrivateKey(String value, List<String> secrets) {
    if (value != null && value.contains("PRIVATE KEY-----")) {
      secrets.add(value);
    }
  }

  /** What a webhook-style URL hides: user, password, the path (whole and per segment) and query values. */
  private static List<String> secretParts(HttpUrl url) {
    List<String> parts = new ArrayList<>(List.of(url.username(), url.password()));
    parts.add(url.encodedPath().substring(1));
    parts.add(String.join("/", url.pathSegments()));
    parts.addAll(url.pathSegments());
    for (int i = 0; i < url.querySize(); i++) {
      parts.add(url.queryParameterValue(i));
    }
    return parts;
  }
}
