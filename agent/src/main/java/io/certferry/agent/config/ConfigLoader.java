package io.certferry.agent.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.certferry.core.Durations;
import io.certferry.core.ProviderFactory;
import io.certferry.core.Secrets;
import io.certferry.core.deploy.DeployTarget;
import io.certferry.core.dns.DnsProvider;
import io.certferry.core.notify.Notifier;
import io.certferry.core.x509.IpAddresses;
import io.certferry.core.x509.KeyType;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads and validates the agent's YAML config as a whole: every problem is collected with its line
 * and column (unknown keys, bad values and durations, target and provider types nobody registers,
 * names a target needs that its certificate lacks, literal secrets, secrets that cannot be resolved)
 * and reported at once. Nothing is created or contacted.
 */
public final class ConfigLoader {
  private static final Set<String> TOP = Set.of("store", "schedule", "http", "alerts", "notifications", "certificates");
  private static final Set<String> SCHEDULE = Set.of("maxInterval", "parallelism", "targetTimeout");
  private static final Set<String> HTTP = Set.of("enabled", "listen");
  private static final Set<String> ALERTS = Set.of("levels", "failureThreshold");
  private static final Set<String> CERT = Set.of("name", "domains", "issuer", "targets");
  private static final Set<String> COMMON_ISSUER = Set.of("type", "keyType", "reuseKey", "renewBefore");
  private static final Set<String> ACME = Set.of("server", "serverCa", "account", "email", "agreeTos", "eab", "challenge",
      "http", "dnsProvider", "profile", "propagationServers", "challenges", "tlsAlpn", "dnsPersist", "propagationTimeout");
  private static final Set<String> EAB = Set.of("keyId", "hmacKey");
  private static final Set<String> ACME_HTTP = Set.of("port", "address", "webroot");
  /** Settings of a target that name what it serves: each must be covered by the certificate. */
  private static final Set<String> NAME_KEYS = Set.of("serverNames", "serverName", "domain", "domains", "customDomain",
      "hostname", "names", "sniName");
  private static final Pattern SECRET_KEY = Pattern.compile("(?i).*(token|secret|password|passphrase|apikey|api_key|hmackey|credential).*");
  private static final Pattern REFERENCE_INSIDE = Pattern.compile("\\$\\{(env|file):([^}]*)}");
  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,62}");
  private static final Pattern DNS = Pattern.compile("(\\*\\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?|localhost");

  private final Map<String, ProviderFactory> factories;
  private final Secrets secrets;

  private ConfigLoader(Map<String, ProviderFactory> factories, Secrets secrets) {
    this.factories = factories;
    this.secrets = secrets;
  }

  /** A loader using every {@link ProviderFactory} on the class path and {@code secrets} to check references. */
  public static ConfigLoader withInstalledProviders(Secrets secrets) {
    Map<String, ProviderFactory> all = new LinkedHashMap<>();
    ServiceLoader.load(ProviderFactory.class).stream().map(ServiceLoader.Provider::get)
        .forEach(f -> all.putIfAbsent(f.kind().getSimpleName() + ":" + f.type(), f));
    return new ConfigLoader(all, secrets);
  }

  public Optional<ProviderFactory> factory(Class<?> kind, String type) {
    return Optional.ofNullable(factories.get(kind.getSimpleName() + ":" + type));
  }

  private Set<String> types(Class<?> kind) {
    TreeSet<String> out = new TreeSet<>();
    factories.values().stream().filter(f -> f.kind() == kind).forEach(f -> out.add(f.type()));
    return out;
  }

  /**
   * Reads and validates {@code file}.
   *
   * @throws ConfigException with every problem found, sorted by place
   */
  public AgentConfig load(Path file) throws ConfigException {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new ConfigException(List.of(new ConfigProblem(1, 1, "", "cannot read " + file + " ("
          + e.getClass().getSimpleName() + "); check the path given to --config")));
    }
    return new Run(LocatedYaml.parse(text), file).check();
  }

  /**
   * A problem found after loading (by the typed settings, or against a CA's directory), placed at the
   * setting {@code pointer} names in {@code file}, or at the file's start when the file is unreadable now.
   */
  public static ConfigProblem locate(Path file, String pointer, String message) {
    LocatedYaml.Position at;
    try {
      at = LocatedYaml.parse(Files.readString(file, StandardCharsets.UTF_8)).valueAt(pointer);
    } catch (IOException | ConfigException e) {
      at = new LocatedYaml.Position(1, 1);
    }
    return new ConfigProblem(at.line(), at.column(), ConfigProblem.display(pointer), message);
  }

  /** One validation: collects problems while building the config. */
  private final class Run {
    final LocatedYaml doc;
    final Path file;
    final List<ConfigProblem> errors = new ArrayList<>();
    final List<ConfigProblem> warnings = new ArrayList<>();

    Run(LocatedYaml doc, Path file) {
      this.doc = doc;
      this.file = file;
      errors.addAll(doc.duplicates());
    }

    AgentConfig check() throws ConfigException {
      JsonNode root = doc.root();
      if (!root.isObject()) {
        errorAt("", "the config must be a mapping with certificates: and optional store:, schedule:, http:, alerts:, notifications:");
        throw done();
      }
      unknown("", root, TOP);
      Path store = text("/store", root.get("store")).map(Path::of).orElse(null);
      AgentConfig.Schedule schedule = schedule(root.path("schedule"));
      AgentConfig.Http http = http(root.path("http"));
      AgentConfig.Alerts alerts = alerts(root.path("alerts"));
      List<AgentConfig.Block> notifications = notifications(root.get("notifications"));
      List<AgentConfig.CertificateConfig> certs = certificates(root.get("certificates"));
      secrets("", root, null);
      if (!errors.isEmpty()) {
        throw done();
      }
      warnings.sort(Comparator.comparingInt(ConfigProblem::line).thenComparingInt(ConfigProblem::column));
      return new AgentConfig(file, store, schedule, http, alerts, notifications, certs, warnings);
    }

    ConfigException done() {
      List<ConfigProblem> all = new ArrayList<>(errors);
      all.sort(Comparator.comparingInt(ConfigProblem::line).thenComparingInt(ConfigProblem::column));
      return new ConfigException(all);
    }

    void errorAt(String pointer, String message) {
      LocatedYaml.Position p = doc.valueAt(pointer);
      errors.add(new ConfigProblem(p.line(), p.column(), ConfigProblem.display(pointer), message));
    }

    void errorAtKey(String pointer, String message) {
      LocatedYaml.Position p = doc.keyAt(pointer);
      errors.add(new ConfigProblem(p.line(), p.column(), ConfigProblem.display(pointer), message));
    }

    void warnAt(String pointer, String message) {
      LocatedYaml.Position p = doc.valueAt(pointer);
      warnings.add(new ConfigProblem(p.line(), p.column(), ConfigProblem.display(pointer), message));
    }

    void unknown(String pointer, JsonNode node, Set<String> known) {
      if (!node.isObject()) {
        return;
      }
      for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
        String k = it.next();
        if (!known.contains(k)) {
          errorAtKey(pointer + "/" + k, "unknown key '" + k + "'" + suggestion(k, known) + "; known here: "
              + String.join(", ", new TreeSet<>(known)));
        }
      }
    }

    String suggestion(String k, Set<String> known) {
      return known.stream().filter(c -> c.equalsIgnoreCase(k) || distance(c.toLowerCase(Locale.ROOT), k.toLowerCase(Locale.ROOT)) <= 2)
          .findFirst().map(c -> " (did you mean '" + c + "'?)").orElse("");
    }

    Optional<String> text(String pointer, JsonNode n) {
      if (n == null || n.isNull()) {
        return Optional.empty();
      }
      if (!n.isValueNode() || n.isBoolean()) {
        errorAt(pointer, "expected text here");
        return Optional.empty();
      }
      return Optional.of(n.asText());
    }

    Optional<Duration> duration(String pointer, JsonNode n) {
      return text(pointer, n).flatMap(t -> {
        try {
          Duration d = Durations.parse(t);
          if (d.isNegative() || d.isZero()) {
            errorAt(pointer, "'" + t + "' must be longer than zero");
            return Optional.empty();
          }
          return Optional.of(d);
        } catch (IllegalArgumentException e) {
          errorAt(pointer, e.getMessage());
          return Optional.empty();
        }
      });
    }

    Optional<Boolean> bool(String pointer, JsonNode n) {
      if (n == null || n.isNull()) {
        return Optional.empty();
      }
      if (!n.isBoolean()) {
        errorAt(pointer, "expected true or false, got '" + n.asText() + "'");
        return Optional.empty();
      }
      return Optional.of(n.booleanValue());
    }

    Optional<Integer> integer(String pointer, JsonNode n, int min, int max) {
      if (n == null || n.isNull()) {
        return Optional.empty();
      }
      if (!n.isIntegralNumber() || n.asLong() < min || n.asLong() > max) {
        errorAt(pointer, "expected a whole number from " + min + " to " + max + ", got '" + n.asText() + "'");
        return Optional.empty();
      }
      return Optional.of(n.asInt());
    }

    AgentConfig.Schedule schedule(JsonNode n) {
      unknown("/schedule", n, SCHEDULE);
      return new AgentConfig.Schedule(
          duration("/schedule/maxInterval", n.get("maxInterval")).orElse(Duration.ofHours(12)),
          integer("/schedule/parallelism", n.get("parallelism"), 1, 256).orElse(4),
          duration("/schedule/targetTimeout", n.get("targetTimeout")).orElse(Duration.ofMinutes(10)));
    }

    AgentConfig.Http http(JsonNode n) {
      unknown("/http", n, HTTP);
      boolean enabled = bool("/http/enabled", n.get("enabled")).orElse(true);
      String listen = text("/http/listen", n.get("listen")).orElse("127.0.0.1:9595");
      int colon = listen.lastIndexOf(':');
      String host = colon > 0 ? listen.substring(0, colon) : "";
      int port = -1;
      try {
        port = Integer.parseInt(listen.substring(colon + 1));
      } catch (NumberFormatException | IndexOutOfBoundsException e) {
        // reported below
      }
      if (host.isEmpty() || port < 0 || port > 65535) {
        errorAt("/http/listen", "'" + listen + "' is not host:port; write e.g. listen: 127.0.0.1:9595");
      } else if (!host.equals("127.0.0.1") && !host.equals("localhost") && !host.equals("::1") && !host.equals("[::1]")) {
        warnAt("/http/listen", "listening on " + host + " exposes /status and /metrics beyond this machine; prefer 127.0.0.1 behind a proxy");
      }
      return new AgentConfig.Http(enabled, host.replace("[", "").replace("]", ""), Math.max(port, 0));
    }

    AgentConfig.Alerts alerts(JsonNode n) {
      unknown("/alerts", n, ALERTS);
      List<Integer> levels = new ArrayList<>(List.of(30, 14, 7, 3, 1));
      JsonNode l = n.get("levels");
      if (l != null) {
        if (!l.isArray() || l.isEmpty()) {
          errorAt("/alerts/levels", "expected a list of days left, e.g. levels: [30, 14, 7, 3, 1]");
        } else {
          levels.clear();
          for (int i = 0; i < l.size(); i++) {
            integer("/alerts/levels/" + i, l.get(i), 1, 3650).ifPresent(levels::add);
          }
        }
      }
      return new AgentConfig.Alerts(levels,
          duration("/alerts/failureThreshold", n.get("failureThreshold")).orElse(Duration.ofHours(1)));
    }

    List<AgentConfig.Block> notifications(JsonNode n) {
      List<AgentConfig.Block> out = new ArrayList<>();
      if (n == null || n.isNull()) {
        return out;
      }
      if (!n.isArray()) {
        errorAt("/notifications", "expected a list of notifiers, e.g. - type: webhook");
        return out;
      }
      for (int i = 0; i < n.size(); i++) {
        String p = "/notifications/" + i;
        providerBlock(p, n.get(i), Notifier.class, "notifier").ifPresent(b -> out.add(b));
      }
      return out;
    }

    /** Checks a {@code type:}-selected block against its factory; returns it when the type is known. */
    Optional<AgentConfig.Block> providerBlock(String p, JsonNode n, Class<?> kind, String what) {
      if (n == null || !n.isObject()) {
        errorAt(p, "expected a mapping with type: and its settings");
        return Optional.empty();
      }
      Optional<String> type = text(p + "/type", n.get("type"));
      if (type.isEmpty()) {
        errorAt(p, "type is missing; choose one of: " + String.join(", ", types(kind)));
        return Optional.empty();
      }
      Optional<ProviderFactory> f = factory(kind, type.get());
      if (f.isEmpty()) {
        errorAt(p + "/type", "no installed provider registers " + what + " type '" + type.get() + "'; installed: "
            + String.join(", ", types(kind)));
        return Optional.empty();
      }
      List<String> problems;
      try {
        problems = f.get().validate(n);
      } catch (RuntimeException e) {
        problems = List.of("the " + type.get() + " provider could not check these settings: " + e.getMessage());
      }
      for (String msg : problems) {
        errorAtKey(locate(p, n, msg), msg);
      }
      checkLiteralSecrets(p, n, problems);
      return Optional.of(new AgentConfig.Block(type.get(), (ObjectNode) n));
    }

    /** The setting a provider's message is about, found by its name in the message; else the block. */
    String locate(String p, JsonNode n, String msg) {
      String best = p;
      int bestAt = Integer.MAX_VALUE;
      for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
        String k = it.next();
        Matcher m = Pattern.compile("(^|[^A-Za-z0-9])" + Pattern.quote(k) + "([^A-Za-z0-9]|$)").matcher(msg);
        if (m.find() && m.start() < bestAt && !k.equals("type") && !k.equals("id")) {
          bestAt = m.start();
          best = p + "/" + k;
        }
      }
      return best;
    }

    /** Settings named like secrets must be references; a provider that said so already is not repeated. */
    void checkLiteralSecrets(String p, JsonNode n, List<String> alreadySaid) {
      for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        String k = e.getKey();
        JsonNode v = e.getValue();
        if (v.isObject()) {
          checkLiteralSecrets(p + "/" + k, v, alreadySaid);
        } else if (v.isTextual() && SECRET_KEY.matcher(k).matches() && !Secrets.isReference(v.asText().trim())
            && alreadySaid.stream().noneMatch(m -> m.contains(k))) {
          errorAt(p + "/" + k, "a secret must not be written in the config file; reference it: " + k
              + ": ${env:" + k.toUpperCase(Locale.ROOT) + "} or ${file:/etc/certferry/" + k + "}");
        }
      }
    }

    List<AgentConfig.CertificateConfig> certificates(JsonNode n) {
      List<AgentConfig.CertificateConfig> out = new ArrayList<>();
      if (n == null || !n.isArray() || n.isEmpty()) {
        errorAt(n == null ? "" : "/certificates", "certificates: give at least one certificate (name, domains, issuer, targets)");
        return out;
      }
      Set<String> names = new HashSet<>();
      for (int i = 0; i < n.size(); i++) {
        certificate("/certificates/" + i, n.get(i), names).ifPresent(out::add);
      }
      return out;
    }

    Optional<AgentConfig.CertificateConfig> certificate(String p, JsonNode n, Set<String> names) {
      if (!n.isObject()) {
        errorAt(p, "expected a mapping with name, domains, issuer and targets");
        return Optional.empty();
      }
      unknown(p, n, CERT);
      String name = text(p + "/name", n.get("name")).orElse("");
      if (name.isEmpty()) {
        errorAt(p, "name is missing; give the certificate a name such as www (it names its folder in the store)");
      } else if (!NAME.matcher(name).matches()) {
        errorAt(p + "/name", "'" + name + "' is not a usable name; use lower-case letters, digits, '.', '_' and '-'");
      } else if (!names.add(name)) {
        errorAt(p + "/name", "the name '" + name + "' is used by another certificate; names must be unique");
      }
      List<String> domains = domains(p + "/domains", n.get("domains"));
      JsonNode issuer = n.get("issuer");
      String source = "local";
      KeyType keyType = KeyType.EC_P256;
      Map<String, String> options = new LinkedHashMap<>();
      if (issuer == null || !issuer.isObject()) {
        errorAt(issuer == null ? p : p + "/issuer", "issuer is missing; give issuer: {type: acme | local | imported}");
      } else {
        source = text(p + "/issuer/type", issuer.get("type")).orElse("");
        keyType = issuer(p + "/issuer", issuer, source, domains, options);
      }
      List<AgentConfig.TargetConfig> targets = targets(p, n.get("targets"), name, domains);
      return Optional.of(new AgentConfig.CertificateConfig(name, domains, source, keyType, options,
          issuer != null && issuer.isObject() ? (ObjectNode) issuer : null, targets));
    }

    List<String> domains(String p, JsonNode n) {
      List<String> out = new ArrayList<>();
      if (n == null || !n.isArray() || n.isEmpty()) {
        errorAt(n == null ? p.substring(0, p.lastIndexOf('/')) : p, "domains: give the list of names the certificate covers, e.g. domains: [example.org, www.example.org]");
        return out;
      }
      for (int i = 0; i < n.size(); i++) {
        String d = IpAddresses.canonical(n.get(i).asText().trim().toLowerCase(Locale.ROOT));
        if (!DNS.matcher(d).matches() && !IpAddresses.isLiteral(d)) {
          errorAt(p + "/" + i, "'" + n.get(i).asText() + "' is not a DNS name or IP address");
        } else if (out.contains(d)) {
          errorAt(p + "/" + i, "'" + d + "' is listed twice");
        } else {
          out.add(d);
        }
      }
      return out;
    }

    KeyType issuer(String p, JsonNode n, String type, List<String> domains, Map<String, String> options) {
      Set<String> known = new HashSet<>(COMMON_ISSUER);
      switch (type) {
        case "acme" -> known.addAll(ACME);
        case "local" -> known.add("lifetime");
        case "imported" -> { }
        case "" -> {
          errorAt(p, "issuer type is missing; choose acme, local or imported");
          return KeyType.EC_P256;
        }
        default -> {
          errorAt(p + "/type", "unknown issuer type '" + type + "'; choose acme, local or imported");
          return KeyType.EC_P256;
        }
      }
      unknown(p, n, known);
      KeyType keyType = KeyType.EC_P256;
      Optional<String> kt = text(p + "/keyType", n.get("keyType"));
      if (kt.isPresent()) {
        Optional<KeyType> parsed = KeyType.parse(kt.get());
        if (parsed.isEmpty()) {
          errorAt(p + "/keyType", "'" + kt.get() + "' is not a key type; choose ec-p256, ec-p384, rsa-2048, rsa-3072 or rsa-4096");
        } else {
          keyType = parsed.get();
        }
      }
      duration(p + "/renewBefore", n.get("renewBefore")).ifPresent(d -> options.put("renewBefore", n.get("renewBefore").asText()));
      bool(p + "/reuseKey", n.get("reuseKey")).ifPresent(b -> options.put("reuseKey", b.toString()));
      duration(p + "/lifetime", n.get("lifetime")).ifPresent(d -> {
        if (d.compareTo(Duration.ofMinutes(5)) < 0) {
          errorAt(p + "/lifetime", "the local CA issues for at least 5m");
        } else {
          options.put("lifetime", n.get("lifetime").asText());
        }
      });
      if (type.equals("acme")) {
        acme(p, n, domains, options);
      }
      return keyType;
    }

    void acme(String p, JsonNode n, List<String> domains, Map<String, String> options) {
      Optional<String> server = text(p + "/server", n.get("server"));
      if (server.isEmpty()) {
        errorAt(p, "server is missing; give a CA name (letsencrypt, letsencrypt-staging, zerossl, sectigo-dv) or its directory URL");
      } else {
        try {
          io.certferry.core.issue.acme.AcmeDirectories.resolve(server.get());
          options.put("server", server.get());
        } catch (IllegalArgumentException e) {
          errorAt(p + "/server", e.getMessage());
        }
      }
      text(p + "/serverCa", n.get("serverCa")).ifPresent(f -> {
        if (!Files.isReadable(Path.of(f))) {
          errorAt(p + "/serverCa", "cannot read " + f + "; give the PEM file of the CA that signs the ACME server's TLS certificate");
        }
      });
      text(p + "/account", n.get("account")).ifPresent(a -> options.put("account", a));
      text(p + "/email", n.get("email")).ifPresent(e -> {
        if (!e.contains("@")) {
          errorAt(p + "/email", "'" + e + "' is not an e-mail address");
        }
      });
      bool(p + "/agreeTos", n.get("agreeTos"));
      text(p + "/profile", n.get("profile")).ifPresent(pr -> options.put("profile", pr));
      JsonNode eab = n.get("eab");
      if (eab != null) {
        unknown(p + "/eab", eab, EAB);
        if (!eab.hasNonNull("keyId") || !eab.hasNonNull("hmacKey")) {
          errorAt(p + "/eab", "eab needs keyId and hmacKey (hmacKey by reference: ${env:EAB_HMAC_KEY})");
        }
        if (eab.hasNonNull("hmacKey") && !Secrets.isReference(eab.get("hmacKey").asText().trim())) {
          errorAt(p + "/eab/hmacKey", "a secret must not be written in the config file; reference it: hmacKey: ${env:EAB_HMAC_KEY} or ${file:/etc/certferry/eab.key}");
        }
      }
      String challenge = text(p + "/challenge", n.get("challenge")).orElse("http-01");
      options.put("challenge", challenge);
      if (n.has("challenges") || !challenge.equals("http-01") && !challenge.equals("dns-01")) {
        // A preference list and the newer types are the typed ACME settings' to check (check-config runs them).
        if (n.has("dnsProvider")) {
          providerBlock(p + "/dnsProvider", n.get("dnsProvider"), DnsProvider.class, "DNS provider");
        }
        return;
      }
      JsonNode http = n.get("http");
      if (http != null) {
        unknown(p + "/http", http, ACME_HTTP);
        integer(p + "/http/port", http.get("port"), 1, 65535);
        if (http.has("port") && http.has("webroot")) {
          errorAt(p + "/http", "give either port (a built-in server answers) or webroot (files for your web server), not both");
        }
      }
      switch (challenge) {
        case "http-01" -> {
          if (domains.stream().anyMatch(d -> d.startsWith("*."))) {
            errorAt(p + "/challenge", "wildcard names need dns-01; http-01 cannot prove " + domains.stream().filter(d -> d.startsWith("*.")).toList());
          }
          if (n.has("dnsProvider")) {
            errorAt(p + "/dnsProvider", "dnsProvider is only used with challenge: dns-01");
          }
        }
        case "dns-01" -> {
          if (!n.has("dnsProvider")) {
            errorAt(p + "/challenge", "dns-01 needs dnsProvider: {type: ..., settings}; installed: " + String.join(", ", types(DnsProvider.class)));
          } else {
            providerBlock(p + "/dnsProvider", n.get("dnsProvider"), DnsProvider.class, "DNS provider");
          }
        }
      }
    }

    List<AgentConfig.TargetConfig> targets(String p, JsonNode n, String cert, List<String> domains) {
      List<AgentConfig.TargetConfig> out = new ArrayList<>();
      if (n == null || n.isNull()) {
        return out;
      }
      if (!n.isArray()) {
        errorAt(p + "/targets", "expected a list of targets, e.g. - {id: www-files, type: directory, path: ./certs}");
        return out;
      }
      Set<String> ids = new HashSet<>();
      for (int i = 0; i < n.size(); i++) {
        String tp = p + "/targets/" + i;
        JsonNode t = n.get(i);
        Optional<AgentConfig.Block> block = providerBlock(tp, t, DeployTarget.class, "target");
        String id = t != null && t.isObject() ? t.path("id").asText("") : "";
        if (t != null && t.isObject()) {
          if (id.isEmpty()) {
            errorAt(tp, "id is missing; give the target an id unique within its certificate, e.g. id: lb-main");
          } else if (!ids.add(id)) {
            errorAt(tp + "/id", "the id '" + id + "' is used by another target of this certificate");
          }
          names(tp, t, domains);
        }
        block.ifPresent(b -> out.add(new AgentConfig.TargetConfig(id, b.type(), b.settings())));
      }
      return out;
    }

    /** Every name a target serves must be one its certificate covers. */
    void names(String p, JsonNode n, List<String> domains) {
      for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        String k = e.getKey();
        JsonNode v = e.getValue();
        if (NAME_KEYS.contains(k)) {
          List<JsonNode> values = new ArrayList<>();
          if (v.isArray()) {
            v.forEach(values::add);
          } else {
            values.add(v);
          }
          for (int i = 0; i < values.size(); i++) {
            String name = values.get(i).asText().toLowerCase(Locale.ROOT);
            if (!domains.isEmpty() && !name.isEmpty() && !io.certferry.core.x509.CertificateChecks.covers(domains, name)) {
              errorAt(p + "/" + k + (v.isArray() ? "/" + i : ""), "the target serves " + name
                  + " but the certificate's domains do not cover it; add it to domains or fix the target");
            }
          }
        } else if (v.isObject()) {
          names(p + "/" + k, v, domains);
        } else if (v.isArray()) {
          for (int i = 0; i < v.size(); i++) {
            if (v.get(i).isObject()) {
              names(p + "/" + k + "/" + i, v.get(i), domains);
            }
          }
        }
      }
    }

    /** Resolves every reference in the file now, so a missing secret is found at start, not at 3 a.m. */
    void secrets(String p, JsonNode n, String key) {
      if (n.isObject()) {
        n.fields().forEachRemaining(e -> secrets(p + "/" + e.getKey(), e.getValue(), e.getKey()));
      } else if (n.isArray()) {
        for (int i = 0; i < n.size(); i++) {
          secrets(p + "/" + i, n.get(i), key);
        }
      } else if (n.isTextual()) {
        Matcher m = REFERENCE_INSIDE.matcher(n.asText());
        while (m.find()) {
          String ref = m.group();
          try {
            secrets.resolve(ref);
            if (m.group(1).equals("file")) {
              filePermissions(p, Path.of(m.group(2).trim()));
            }
          } catch (IllegalArgumentException e) {
            errorAt(p, e.getMessage());
          }
        }
      }
    }

    void filePermissions(String p, Path file) {
      try {
        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
        if (perms.contains(PosixFilePermission.OTHERS_READ)) {
          warnAt(p, "secret file " + file + " is readable by every user; chmod 0600 (or 0640 with a group) it");
        }
      } catch (IOException | UnsupportedOperationException e) {
        // readability was checked by resolving it
      }
    }
  }

  /** Levenshtein distance, for "did you mean" hints. */
  static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }
}
