package io.certferry.core.issue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.certferry.core.Durations;
import io.certferry.core.InputRejectedException;
import io.certferry.core.ProviderRegistry;
import io.certferry.core.SettingProblem;
import io.certferry.core.internal.BlockReader;
import io.certferry.core.issue.acme.AcmeSettings;
import io.certferry.core.issue.local.LocalCaIssuer;
import io.certferry.core.renew.RenewalPolicy;
import io.certferry.core.x509.KeyType;

import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A certificate's {@code issuer:} block, typed: the same settings by the same names whether they come
 * from the YAML config, the CLI's flags or {@code spec.json}. Common to every type: {@code type}
 * ({@code acme}, {@code local}, {@code imported}), {@code keyType}, {@code reuseKey}, {@code renewBefore};
 * {@code local} adds {@code lifetime}; {@code acme} adds {@link AcmeSettings}.
 *
 * @param block the block as read (kept in {@code spec.json}; secrets only as references)
 * @since 0.1
 */
public record IssuerSettings(String type, KeyType keyType, Optional<Duration> renewBefore, boolean reuseKey,
                             Optional<Duration> lifetime, Optional<AcmeSettings> acme, ObjectNode block) {
  /** Issuer types. */
  public static final List<String> TYPES = List.of("acme", "local", "imported");
  static final Set<String> COMMON = Set.of("type", "keyType", "reuseKey", "renewBefore");
  static final Duration MIN_LOCAL_LIFETIME = Duration.ofMinutes(5);

  /**
   * The settings, or every problem of the block.
   *
   * @since 0.1
   */
  public record Read(Optional<IssuerSettings> settings, List<SettingProblem> problems) {
    /**
     * The settings, or an exception listing every problem as {@code key: message}.
     *
     * @since 0.1
     */
    public IssuerSettings orThrow(String where) throws InputRejectedException {
      if (settings.isPresent()) {
        return settings.get();
      }
      throw new InputRejectedException(where + ": " + String.join("; ", problems.stream().map(SettingProblem::toString).toList()));
    }
  }

  /**
   * Reads and checks a block without touching the network or creating anything.
   *
   * @param domains the names the certificate covers
   * @since 0.1
   */
  public static Read read(JsonNode block, List<String> domains, ProviderRegistry providers) {
    if (block == null || !block.isObject()) {
      return new Read(Optional.empty(), List.of(new SettingProblem("", "issuer is missing; give issuer: {type: acme | local | imported}")));
    }
    BlockReader r = new BlockReader(block);
    String type = r.text("/type").orElse("");
    if (!TYPES.contains(type)) {
      r.problem(type.isEmpty() ? "" : "/type", (type.isEmpty() ? "issuer type is missing" : "unknown issuer type '" + type + "'")
          + "; choose acme, local or imported");
      return new Read(Optional.empty(), r.problems());
    }
    Set<String> known = new HashSet<>(COMMON);
    if (type.equals("acme")) {
      known.addAll(AcmeSettings.KEYS);
    } else if (type.equals("local")) {
      known.add("lifetime");
    }
    r.unknownKeys("", known, "a " + type + " issuer");
    KeyType keyType = r.text("/keyType").flatMap(kt -> {
      Optional<KeyType> k = KeyType.parse(kt);
      if (k.isEmpty()) {
        r.problem("/keyType", "'" + kt + "' is not a key type; choose ec-p256, ec-p384, rsa-2048, rsa-3072 or rsa-4096");
      }
      return k;
    }).orElse(KeyType.EC_P256);
    Optional<Duration> renewBefore = r.duration("/renewBefore");
    boolean reuseKey = r.bool("/reuseKey").orElse(false);
    Optional<Duration> lifetime = r.duration("/lifetime");
    lifetime.filter(l -> l.compareTo(MIN_LOCAL_LIFETIME) < 0)
        .ifPresent(l -> r.problem("/lifetime", "the local CA issues for at least 5m"));
    Optional<AcmeSettings> acme = Optional.empty();
    if (type.equals("acme")) {
      AcmeSettings.Read a = AcmeSettings.read(block, domains, providers);
      r.addAll(a.problems(), "");
      acme = a.settings();
    }
    if (!r.problems().isEmpty()) {
      return new Read(Optional.empty(), r.problems());
    }
    return new Read(Optional.of(new IssuerSettings(type, keyType, renewBefore, reuseKey, lifetime, acme,
        (ObjectNode) block)), List.of());
  }

  /**
   * The source recorded with what this issuer makes: {@code acme}, {@code local} or {@code imported}.
   *
   * @since 0.1
   */
  public String source() { return type; }

  /**
   * The engine's options kept with the lineage: {@code renewBefore}, {@code reuseKey}, {@code profile}, {@code lifetime}.
   *
   * @since 0.1
   */
  public Map<String, String> options() {
    Map<String, String> o = new LinkedHashMap<>();
    renewBefore.ifPresent(d -> o.put(RenewalPolicy.RENEW_BEFORE_OPTION, Durations.format(d)));
    if (reuseKey) {
      o.put("reuseKey", "true");
    }
    lifetime.ifPresent(d -> o.put("lifetime", Durations.format(d)));
    acme.flatMap(AcmeSettings::profile).ifPresent(p -> o.put("profile", p));
    return o;
  }

  /**
   * The issuer the block describes; empty for {@code imported}, which no one issues.
   *
   * @throws InputRejectedException when a file or secret the settings name cannot be read now
   * @since 0.1
   */
  public Optional<Issuer> create(IssuerContext ctx) throws InputRejectedException {
    return switch (type) {
      case "acme" -> Optional.of(acme.orElseThrow().issuer(ctx));
      case "local" -> {
        LocalCaIssuer.Builder b = LocalCaIssuer.builder(ctx.store()).clock(ctx.clock());
        lifetime.ifPresent(b::lifetime);
        yield Optional.of(b.create());
      }
      default -> Optional.empty();
    };
  }
}
