package io.certferry.provider.postgresql;

import com.fasterxml.jackson.databind.JsonNode;
import io.certferry.core.Durations;
import io.certferry.core.ProviderContext;
import io.certferry.core.Secrets;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The {@code store:} block of a PostgreSQL store.
 *
 * <pre>
 * store:
 *   type: postgresql
 *   url: jdbc:postgresql://db.internal:5432/certferry
 *   user: certferry
 *   password: ${env:PG_PASSWORD}                  # a reference, never the password
 *   keyEncryptionKey: ${file:/etc/certferry/kek}  # 32 random bytes, base64 or hex; kept outside the backups
 *   poolSize: 4                                   # optional, 2-64
 *   leaseTime: 30s                                # optional: a dead agent's lineages are taken over after it
 *   lockTimeout: 30s                              # optional: how long to wait for another agent's lease
 *   connectTimeout: 10s                           # optional
 * </pre>
 */
record PostgresSettings(String url, String user, String passwordReference, String kekReference, int poolSize,
                        Duration leaseTime, Duration lockTimeout, Duration connectTimeout) {
  private static final String WHERE = "store (postgresql)";
  private static final Set<String> KNOWN = Set.of("type", "url", "user", "password", "keyEncryptionKey", "poolSize",
      "leaseTime", "lockTimeout", "connectTimeout");

  static List<String> problems(JsonNode s) {
    List<String> out = new ArrayList<>();
    Optional<String> url = text(s, "url");
    if (url.isEmpty()) {
      out.add(WHERE + ": setting 'url' is missing; e.g. url: jdbc:postgresql://db.internal:5432/certferry");
    } else if (!url.get().startsWith("jdbc:postgresql://")) {
      out.add(WHERE + ": setting 'url' must start with jdbc:postgresql://, e.g. jdbc:postgresql://db.internal:5432/certferry");
    } else if (url.get().toLowerCase(Locale.ROOT).contains("password=")) {
      out.add(WHERE + ": setting 'url' must not hold the password; remove password= from it and set password: ${env:PG_PASSWORD}");
    }
    if (text(s, "user").isEmpty()) {
      out.add(WHERE + ": setting 'user' is missing; the PostgreSQL role the agents log in as, e.g. user: certferry");
    }
    Secrets.referenceProblem(WHERE, "password", text(s, "password").orElse(null), "PG_PASSWORD", "pg.password")
        .ifPresent(out::add);
    Secrets.referenceProblem(WHERE, "keyEncryptionKey", text(s, "keyEncryptionKey").orElse(null), "CERTFERRY_KEK", "kek")
        .ifPresent(out::add);
    JsonNode pool = s == null ? null : s.get("poolSize");
    if (pool != null && (!pool.canConvertToInt() || pool.asInt() < 2 || pool.asInt() > 64)) {
      out.add(WHERE + ": setting 'poolSize' must be a whole number from 2 to 64, got '" + pool.asText() + "'");
    }
    duration(s, "leaseTime", out).filter(d -> d.compareTo(Duration.ofSeconds(3)) < 0).ifPresent(d ->
        out.add(WHERE + ": setting 'leaseTime' must be at least 3s (renewals run every third of it), got " + Durations.format(d)));
    duration(s, "lockTimeout", out);
    duration(s, "connectTimeout", out).filter(d -> d.compareTo(Duration.ofSeconds(1)) < 0).ifPresent(d ->
        out.add(WHERE + ": setting 'connectTimeout' must be at least 1s, got " + Durations.format(d)));
    if (s != null) {
      s.fieldNames().forEachRemaining(f -> {
        if (!KNOWN.contains(f)) {
          out.add(WHERE + ": unknown setting '" + f + "'; the settings are " + String.join(", ", new TreeSet<>(KNOWN)));
        }
      });
    }
    return out;
  }

  static PostgresSettings parse(JsonNode s) {
    List<String> problems = problems(s);
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", problems));
    }
    return new PostgresSettings(text(s, "url").orElseThrow(), text(s, "user").orElseThrow(),
        text(s, "password").orElseThrow(), text(s, "keyEncryptionKey").orElseThrow(),
        s.has("poolSize") ? s.get("poolSize").asInt() : 4,
        duration(s, "leaseTime", new ArrayList<>()).orElse(Duration.ofSeconds(30)),
        duration(s, "lockTimeout", new ArrayList<>()).orElse(Duration.ofSeconds(30)),
        duration(s, "connectTimeout", new ArrayList<>()).orElse(Duration.ofSeconds(10)));
  }

  /** Resolves the secrets and opens the store, on the context's clock and sleeper (leases, lock waits). */
  PostgresStore open(ProviderContext context) {
    Secrets secrets = context.secrets();
    KeyEncryptionKey kek = KeyEncryptionKey.parse(secrets.resolve(kekReference),
        WHERE + ": keyEncryptionKey (" + kekReference + ")");
    return PostgresStore.builder().url(url).user(user).password(secrets.resolve(passwordReference))
        .keyEncryptionKey(kek).poolSize(poolSize).leaseTime(leaseTime).lockTimeout(lockTimeout)
        .connectTimeout(connectTimeout).clock(context.clock()).sleeper(context.sleeper()).build();
  }

  private static Optional<Duration> duration(JsonNode s, String key, List<String> problems) {
    Optional<String> t = text(s, key);
    if (t.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(Durations.parsePositive(t.get()));
    } catch (IllegalArgumentException e) {
      problems.add(WHERE + ": setting '" + key + "': " + e.getMessage());
      return Optional.empty();
    }
  }

  private static Optional<String> text(JsonNode s, String key) {
    JsonNode n = s == null ? null : s.get(key);
    return n == null || n.isNull() || n.asText().isBlank() ? Optional.empty() : Optional.of(n.asText().trim());
  }

  @Override
  public String toString() {
    return "PostgresSettings{url=" + url + ", user=" + user + ", password=" + passwordReference + ", keyEncryptionKey="
        + kekReference + "}";
  }
}
