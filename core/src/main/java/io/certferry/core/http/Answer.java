package io.certferry.core.http;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What one attempt got back: status, headers and body, as received or after {@link #scrubbed}. */
record Answer(int status, Map<String, List<String>> headers, byte[] body) {
  boolean isSuccess() { return status >= 200 && status < 300; }

  /** The first value of a header, names case-insensitive. */
  String header(String name) {
    for (var e : headers.entrySet()) {
      if (e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty()) {
        return e.getValue().get(0);
      }
    }
    return null;
  }

  String text() { return new String(body, StandardCharsets.UTF_8); }

  /**
   * This answer with every secret the redactor knows scrubbed from its headers and body, before
   * anything reads it. A 2xx answer to a key download keeps its PEM private key.
   */
  Answer scrubbed(Redactor redactor, boolean keepPrivateKeys) {
    boolean privateKeys = !(keepPrivateKeys && isSuccess());
    Map<String, List<String>> h = new LinkedHashMap<>();
    headers.forEach((k, vs) -> h.put(k, vs.stream().map(v -> redactor.scrub(v, true)).toList()));
    String text = text();
    String clean = redactor.scrub(text, privateKeys);
    return new Answer(status, h, clean.equals(text) ? body : clean.getBytes(StandardCharsets.UTF_8));
  }
}
