package io.certferry.provider.nginx;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.certferry.core.Durations;
import io.certferry.core.ProviderRegistry;
import io.certferry.core.Secrets;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.apache.sshd.client.config.hosts.KnownHostEntry;

/**
 * Reads an {@code nginx} target's config block. Every frontend setting may be given once at the top
 * (shared by all frontends) and overridden inside a {@code frontends} entry; without {@code frontends}
 * the block itself is the one frontend; with {@code frontends: {digitaloceanTag: ...}} the frontends are the
 * droplets carrying the tag, found on every pass. All problems are collected, each naming its setting.
 */
final class NginxSettings {
  static final Set<String> TOP_ONLY = Set.of("id", "type", "frontends");
  static final Set<String> FRONTEND_KEYS = Set.of("name", "ssh", "certificatePath", "keyPath", "owner", "group",
      "certificateMode", "keyMode", "testCommand", "reloadCommand", "commandTimeout", "address", "serverNames",
      "proveTimeout", "proveInterval", "errorLog");
  static final Set<String> SSH_KEYS = Set.of("host", "port", "user", "keyFile", "keyPassphrase", "knownHosts",
      "connectTimeout");
  private static final Pattern ACCOUNT = Pattern.compile("[A-Za-z_][A-Za-z0-9_.-]{0,31}\\$?|\\d+");
  private static final Pattern DNS_NAME = Pattern.compile(
      "(\\*\\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)*[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");

  /**
   * The parsed block: the target id and its frontends, or where they are found (only complete when
   * {@code errors} is empty).
   */
  record Parsed(String id, List<Frontend> frontends, Optional<TaggedFrontends> tagged, List<String> errors) {}

  private final List<String> errors = new ArrayList<>();
  private final Secrets secrets;
  private final ProviderRegistry providers;
  private String where = "nginx target";

  /** Records a problem, prefixed with the target it is about. */
  void error(String message) { errors.add(where + ": " + message); }

  /** Every problem recorded so far. */
  List<String> errors() { return List.copyOf(errors); }

  /** Names the target in messages from now on. */
  void target(String id) { where = id.isBlank() ? "nginx target" : "nginx target '" + id + "'"; }

  NginxSettings(Secrets secrets, ProviderRegistry providers) {
    this.secrets = secrets;
    this.providers = providers;
  }

  /**
   * @param secrets resolves {@code ssh.keyPassphrase}; null to only check that it is a reference
   * @param providers where the inventory of {@code frontends: {digitaloceanTag: ...}} is looked up
   */
  static Parsed parse(JsonNode settings, Secrets secrets, ProviderRegistry providers) {
    return new NginxSettings(secrets, providers).parse(settings);
  }

  private Parsed parse(JsonNode settings) {
    if (settings == null || !settings.isObject()) {
      errors.add("nginx target: the settings must be a mapping with at least id and certificatePath/keyPath");
      return new Parsed("", List.of(), Optional.empty(), errors);
    }
    String id = text(settings, "id").orElse("");
    if (id.isBlank()) {
      errors.add("nginx target: id is missing; give the target an id such as nginx-frontends");
    }
    target(id);
    unknownKeys(settings, union(TOP_ONLY, FRONTEND_KEYS), "");
    List<Frontend> frontends = new ArrayList<>();
    Optional<TaggedFrontends> tagged = Optional.empty();
    JsonNode list = settings.get("frontends");
    if (list == null) {
      frontend(settings, "").ifPresent(frontends::add);
    } else if (list.isObject()) {
      tagged = TaggedFrontends.parse(this, id, settings, list, providers);
    } else if (!list.isArray() || list.isEmpty()) {
      errors.add(where + ": frontends must be a non-empty list of frontends (each with its ssh block or none for local)");
    } else {
      for (int i = 0; i < list.size(); i++) {
        JsonNode entry = list.get(i);
        String prefix = "frontends[" + i + "].";
        if (!entry.isObject()) {
          errors.add(where + ": " + prefix.substring(0, prefix.length() - 1) + " must be a mapping");
          continue;
        }
        unknownKeys(entry, FRONTEND_KEYS, prefix);
        int before = errors.size();
        frontend(merge(settings, entry), prefix).ifPresent(frontends::add);
        attributeSharedErrors(before, settings, entry, prefix);
      }
    }
    checkUniqueNames(frontends);
    return new Parsed(id, frontends, tagged, List.copyOf(new LinkedHashSet<>(errors)));
  }

  /** A frontend from its (merged) settings; empty after recording its problems. */
  Optional<Frontend> frontend(JsonNode s, String prefix) {
    int before = errors.size();
    Optional<SshSettings> ssh = ssh(s.get("ssh"), prefix + "ssh.");
    String name = text(s, "name").orElse(ssh.map(x -> x.port() == 22 ? x.host() : x.host() + ":" + x.port()).orElse("local"));
    String cert = absolutePath(s, "certificatePath", prefix, true);
    String key = absolutePath(s, "keyPath", prefix, true);
    if (cert != null && cert.equals(key)) {
      errors.add(where + ": " + prefix + "keyPath must differ from certificatePath (both are " + cert + ")");
    }
    Optional<String> owner = account(s, "owner", prefix);
    Optional<String> group = account(s, "group", prefix);
    int certMode = mode(s, "certificateMode", 0644, prefix);
    int keyMode = mode(s, "keyMode", 0600, prefix);
    if ((keyMode & 07) != 0) {
      errors.add(where + ": " + prefix + "keyMode " + String.format("%04o", keyMode)
          + " lets every user on the server use the private key; use 0600 (or 0640 with group)");
    }
    String test = command(s, "testCommand", "nginx -t", prefix);
    String reload = command(s, "reloadCommand", "nginx -s reload", prefix);
    Duration commandTimeout = duration(s, "commandTimeout", Duration.ofSeconds(60), prefix);
    Optional<Address> address = address(s, prefix);
    List<String> names = serverNames(s, prefix);
    Duration proveTimeout = duration(s, "proveTimeout", Duration.ofSeconds(30), prefix);
    Duration proveInterval = duration(s, "proveInterval", Duration.ofMillis(500), prefix);
    Optional<String> errorLog = Optional.ofNullable(absolutePath(s, "errorLog", prefix, false));
    if (errors.size() > before) {
      return Optional.empty();
    }
    return Optional.of(new Frontend(name, ssh, cert, key, new FileSpec(certMode, owner, group),
        new FileSpec(keyMode, owner, group), test, reload, commandTimeout, address, names, proveTimeout,
        proveInterval, errorLog));
  }

  private Optional<SshSettings> ssh(JsonNode ssh, String prefix) {
    if (ssh == null || ssh.isNull()) {
      return Optional.empty();
    }
    if (!ssh.isObject()) {
      errors.add(where + ": " + prefix + " must be a mapping with host, user, keyFile and knownHosts");
      return Optional.empty();
    }
    unknownKeys(ssh, SSH_KEYS, prefix);
    int before = errors.size();
    String host = text(ssh, "host").orElse("");
    if (host.isBlank() || host.contains(" ") || host.contains("@")) {
      errors.add(where + ": " + prefix + "host " + (host.isBlank() ? "is missing" : "'" + host + "' is not a host name")
          + "; give the frontend's host name or address (the user goes in ssh.user)");
    }
    int port = 22;
    JsonNode p = ssh.get("port");
    if (p != null && (!p.canConvertToInt() || p.asInt() < 1 || p.asInt() > 65535 || !p.isIntegralNumber())) {
      errors.add(where + ": " + prefix + "port " + p + " is not a port number (1-65535)");
    } else if (p != null) {
      port = p.asInt();
    }
    String user = text(ssh, "user").orElse("");
    if (!ACCOUNT.matcher(user).matches()) {
      errors.add(where + ": " + prefix + "user " + (user.isEmpty() ? "is missing" : "'" + user + "' is not a user name")
          + "; name the account to log in as, e.g. certferry");
    }
    String keyFile = absolutePath(ssh, "keyFile", prefix, true);
    String known = absolutePath(ssh, "knownHosts", prefix, false);
    Optional<String> passphrase = passphrase(ssh, prefix);
    Duration connectTimeout = duration(ssh, "connectTimeout", Duration.ofSeconds(15), prefix);
    if (errors.size() > before) {
      return Optional.empty();
    }
    Path knownHosts = known != null ? Path.of(known) : KnownHostEntry.getDefaultKnownHostsFile();
    return Optional.of(new SshSettings(host, port, user, Path.of(keyFile), passphrase, knownHosts, connectTimeout));
  }

  private Optional<String> passphrase(JsonNode ssh, String prefix) {
    Optional<String> ref = text(ssh, "keyPassphrase");
    if (ref.isEmpty()) {
      return Optional.empty();
    }
    if (!Secrets.isReference(ref.get())) {
      errors.add(where + ": " + prefix + "keyPassphrase must be a secret reference such as ${file:/etc/certferry/ssh.pass}"
          + " or ${env:NGINX_SSH_PASS}, never the passphrase itself");
      return Optional.empty();
    }
    if (secrets == null) {
      return Optional.of("");
    }
    try {
      return Optional.of(secrets.resolve(ref.get()));
    } catch (IllegalArgumentException e) {
      errors.add(where + ": " + prefix + "keyPassphrase: " + e.getMessage());
      return Optional.empty();
    }
  }

  private Optional<Address> address(JsonNode s, String prefix) {
    Optional<String> text = text(s, "address");
    if (text.isEmpty()) {
      return Optional.empty();
    }
    Optional<Address> a = Address.parse(text.get());
    if (a.isEmpty()) {
      errors.add(where + ": " + prefix + "address '" + text.get() + "' is not host:port; write it like web1.example.org:443"
          + " or [2001:db8::1]:443");
    }
    return a;
  }

  private List<String> serverNames(JsonNode s, String prefix) {
    JsonNode n = s.get("serverNames");
    if (n == null) {
      return List.of();
    }
    if (!n.isArray() || n.isEmpty()) {
      errors.add(where + ": " + prefix + "serverNames must be a non-empty list of host names, e.g. [example.org, www.example.org]");
      return List.of();
    }
    List<String> out = new ArrayList<>();
    for (JsonNode e : n) {
      String name = e.isTextual() ? e.asText().trim().toLowerCase(Locale.ROOT) : "";
      if (!DNS_NAME.matcher(name).matches() || name.startsWith("*")) {
        errors.add(where + ": " + prefix + "serverNames entry " + e + " is not a host name nginx could be asked for by SNI");
      } else {
        out.add(name);
      }
    }
    return out;
  }

  private String absolutePath(JsonNode s, String key, String prefix, boolean required) {
    Optional<String> text = text(s, key);
    if (text.isEmpty()) {
      if (required) {
        errors.add(where + ": " + prefix + key + " is missing; give the absolute path"
            + (key.equals("keyFile") ? " of the SSH private key" : " nginx reads it from"));
      }
      return null;
    }
    String path = text.get();
    if (!path.startsWith("/") || path.endsWith("/") || path.contains("\n") || path.contains("/../")) {
      errors.add(where + ": " + prefix + key + " '" + path + "' must be an absolute file path such as /etc/nginx/tls/"
          + (key.equals("keyPath") ? "key.pem" : "fullchain.pem"));
      return null;
    }
    return path;
  }

  private Optional<String> account(JsonNode s, String key, String prefix) {
    Optional<String> text = text(s, key);
    if (text.isPresent() && !ACCOUNT.matcher(text.get()).matches()) {
      errors.add(where + ": " + prefix + key + " '" + text.get() + "' is not a user/group name or numeric id");
      return Optional.empty();
    }
    return text;
  }

  private int mode(JsonNode s, String key, int fallback, String prefix) {
    JsonNode n = s.get(key);
    if (n == null) {
      return fallback;
    }
    if (!n.isTextual() || !n.asText().matches("0?[0-7]{3}")) {
      errors.add(where + ": " + prefix + key + " " + n + " must be an octal mode in quotes, e.g. \""
          + String.format("%04o", fallback) + "\"");
      return fallback;
    }
    return Integer.parseInt(n.asText(), 8);
  }

  private String command(JsonNode s, String key, String fallback, String prefix) {
    JsonNode n = s.get(key);
    if (n == null) {
      return fallback;
    }
    if (!n.isTextual() || n.asText().isBlank() || n.asText().contains("\n")) {
      errors.add(where + ": " + prefix + key + " must be one command line, e.g. \"" + fallback + "\"");
      return fallback;
    }
    return n.asText().trim();
  }

  private Duration duration(JsonNode s, String key, Duration fallback, String prefix) {
    Optional<String> text = text(s, key);
    if (text.isEmpty()) {
      return fallback;
    }
    try {
      return Durations.parsePositive(text.get());
    } catch (IllegalArgumentException e) {
      errors.add(where + ": " + prefix + key + " " + e.getMessage());
      return fallback;
    }
  }

  Optional<String> text(JsonNode s, String key) {
    JsonNode n = s.get(key);
    if (n == null || n.isNull()) {
      return Optional.empty();
    }
    if (!n.isValueNode()) {
      errors.add(where + ": " + key + " must be a single value, not " + n.getNodeType().toString().toLowerCase(Locale.ROOT));
      return Optional.empty();
    }
    return Optional.of(n.asText());
  }

  void unknownKeys(JsonNode node, Set<String> known, String prefix) {
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!known.contains(key)) {
        errors.add(where + ": unknown setting " + prefix + key + "; known settings here are " + new TreeSet<>(known));
      }
    }
  }

  /**
   * A problem in a setting the entry inherits from the top is reported once, under the top-level
   * name, not once per frontend under a name the user never wrote.
   */
  private void attributeSharedErrors(int from, JsonNode top, JsonNode entry, String prefix) {
    JsonNode ownSsh = entry.path("ssh");
    JsonNode topSsh = top.path("ssh");
    for (int i = from; i < errors.size(); i++) {
      String e = errors.get(i);
      int at = e.indexOf(prefix);
      if (at < 0) {
        continue;
      }
      String rest = e.substring(at + prefix.length());
      boolean inSsh = rest.startsWith("ssh.");
      String key = (inSsh ? rest.substring(4) : rest).split("[^A-Za-z]", 2)[0];
      boolean inherited = inSsh ? !ownSsh.has(key) && topSsh.isObject() : !entry.has(key);
      if (inherited) {
        errors.set(i, e.substring(0, at) + rest);
      }
    }
  }

  private void checkUniqueNames(List<Frontend> frontends) {
    Set<String> seen = new HashSet<>();
    for (Frontend f : frontends) {
      if (!seen.add(f.name())) {
        errors.add(where + ": two frontends are named '" + f.name() + "'; give each a distinct name");
      }
    }
  }

  private static JsonNode merge(JsonNode top, JsonNode entry) {
    ObjectNode merged = ((ObjectNode) top).deepCopy();
    TOP_ONLY.forEach(merged::remove);
    merged.remove("name");
    entry.properties().forEach(e -> {
      JsonNode shared = merged.get(e.getKey());
      if (e.getKey().equals("ssh") && shared != null && shared.isObject() && e.getValue().isObject()) {
        // shared user/keyFile/knownHosts at the top, each frontend's host below
        ObjectNode ssh = ((ObjectNode) shared).deepCopy();
        ssh.setAll((ObjectNode) e.getValue());
        merged.set("ssh", ssh);
      } else {
        merged.set(e.getKey(), e.getValue());
      }
    });
    return merged;
  }

  private static Set<String> union(Set<String> a, Set<String> b) {
    Set<String> all = new HashSet<>(a);
    all.addAll(b);
    return all;
  }
}
