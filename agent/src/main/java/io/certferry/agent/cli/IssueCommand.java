package io.certferry.agent.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.certferry.agent.run.AgentAssembly;
import io.certferry.core.CertManager;
import io.certferry.core.CertificateStatus;
import io.certferry.core.InputRejectedException;
import io.certferry.core.SettingProblem;
import io.certferry.core.issue.IssueException;
import io.certferry.core.issue.IssuerSettings;
import io.certferry.core.notify.Notifier;
import io.certferry.core.store.CertificateStore;
import io.certferry.core.store.LineageSpec;
import io.certferry.core.store.StoredVersion;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code certferry issue}: obtains a certificate over ACME now and stores it as a new version of the lineage.
 * The flags are the YAML config's {@code issuer:} settings by the same names ({@code --server} is
 * {@code server:}, {@code --eab-key-id} is {@code eab.keyId}, ...): they become the same block, checked by
 * the same rules, kept in {@code spec.json} so {@code renew} and the agent can do it again.
 */
@Command(name = "issue", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Obtain a certificate from an ACME CA (Let's Encrypt, ZeroSSL, Sectigo, any RFC 8555 CA) and store it.")
public final class IssueCommand extends StoreCommand {
  /** Each setting of the issuer block and the flag that sets it, for messages. */
  static final Map<String, String> FLAGS = Map.ofEntries(Map.entry("/server", "--server"),
      Map.entry("/serverCa", "--server-ca"), Map.entry("/account", "--account"), Map.entry("/email", "--email"),
      Map.entry("/agreeTos", "--agree-tos"), Map.entry("/eab", "--eab-key-id/--eab-hmac-key"),
      Map.entry("/eab/keyId", "--eab-key-id"), Map.entry("/eab/hmacKey", "--eab-hmac-key"),
      Map.entry("/challenge", "--challenge"), Map.entry("/challenges", "--challenge"),
      Map.entry("/tlsAlpn", "--tls-alpn-port"), Map.entry("/tlsAlpn/port", "--tls-alpn-port"),
      Map.entry("/tlsAlpn/address", "--tls-alpn-address"), Map.entry("/dnsPersist", "--persist-until"),
      Map.entry("/dnsPersist/persistUntil", "--persist-until"), Map.entry("/http", "--http-port/--webroot"),
      Map.entry("/http/port", "--http-port"), Map.entry("/http/address", "--http-address"),
      Map.entry("/http/webroot", "--webroot"), Map.entry("/dnsProvider", "--dns-provider"),
      Map.entry("/dnsProvider/type", "--dns-provider"), Map.entry("/propagationServers", "--propagation-server"),
      Map.entry("/propagationTimeout", "--propagation-timeout"), Map.entry("/profile", "--profile"),
      Map.entry("/keyType", "--key-type"), Map.entry("/renewBefore", "--renew-before"), Map.entry("/reuseKey", "--reuse-key"));

  @Option(names = "--name", required = true, paramLabel = "NAME", description = "The lineage name, e.g. example-org.")
  String name;

  @Option(names = "--domain", required = true, paramLabel = "DOMAIN",
      description = "A name or IP address to cover (wildcards need a DNS challenge); repeat for more. The first is the CN.")
  List<String> domains;

  @Option(names = "--server", required = true, paramLabel = "NAME|URL",
      description = "letsencrypt, letsencrypt-staging, zerossl, sectigo-dv, or an ACME directory URL.")
  String server;

  @Option(names = "--server-ca", paramLabel = "FILE",
      description = "PEM file with extra trust anchors for the CA's own HTTPS (e.g. Pebble's).")
  Path serverCa;

  @Option(names = "--account", paramLabel = "NAME", description = "Local account name (default: default).")
  String account;

  @Option(names = "--email", paramLabel = "E", description = "Contact e-mail for a new account.")
  String email;

  @Option(names = "--agree-tos", description = "Accept the CA's terms of service.")
  boolean agreeTos;

  @Option(names = {"--eab-key-id", "--eab-kid"}, paramLabel = "KID",
      description = "External account binding key id (ZeroSSL, Sectigo, Google).")
  String eabKeyId;

  @Option(names = {"--eab-hmac-key", "--eab-hmac-ref"}, paramLabel = "REF",
      description = "The EAB HMAC key by reference: $${env:VAR} or $${file:/path}.")
  String eabHmacKey;

  @Option(names = "--challenge", paramLabel = "TYPE", description = {"http-01 (default), tls-alpn-01, dns-01, "
      + "dns-account-01 or dns-persist-01;", "repeat for a preference list, most preferred first (challenges: in the config)."})
  List<String> challenges = List.of();

  @Option(names = "--http-port", paramLabel = "P", description = "Port of the built-in http-01 server (default 80).")
  Integer httpPort;

  @Option(names = "--http-address", paramLabel = "ADDR", description = "Address the built-in http-01 server binds (default: all).")
  String httpAddress;

  @Option(names = "--webroot", paramLabel = "DIR", description = "Answer http-01 through files in the folder your web server serves.")
  Path webroot;

  @Option(names = "--tls-alpn-port", paramLabel = "P", description = "Port of the built-in tls-alpn-01 server (default 443).")
  Integer tlsAlpnPort;

  @Option(names = "--tls-alpn-address", paramLabel = "ADDR", description = "Address the built-in tls-alpn-01 server binds (default: all).")
  String tlsAlpnAddress;

  @Option(names = "--persist-until", paramLabel = "DATE", description = "dns-persist-01: when a record Certferry creates stops being accepted (2027-06-30).")
  String persistUntil;

  @Option(names = "--dns-provider", paramLabel = "TYPE", description = "DNS provider for dns-01, dns-account-01 and dns-persist-01: dnsimple, exec, pebble-challtestsrv...")
  String dnsProvider;

  @Option(names = "--dns-set", paramLabel = "KEY=VALUE",
      description = "A DNS provider setting, e.g. url=http://127.0.0.1:8055 or token=$${env:DNSIMPLE_TOKEN}; repeat.")
  Map<String, String> dnsSettings = new LinkedHashMap<>();

  @Option(names = {"--propagation-server", "--dns-resolver"}, paramLabel = "HOST:PORT",
      description = "Check DNS propagation at these servers instead of the zone's authoritative ones; repeat.")
  List<String> propagationServers = List.of();

  @Option(names = "--propagation-timeout", paramLabel = "DURATION",
      description = "How long to wait for DNS propagation (default 2m).")
  String propagationTimeout;

  @Option(names = "--profile", paramLabel = "P", description = "ACME profile, e.g. classic, tlsserver, shortlived.")
  String profile;

  @Option(names = "--key-type", paramLabel = "TYPE", description = "ec-p256 (default), ec-p384, rsa-2048, rsa-3072 or rsa-4096.")
  String keyType;

  @Option(names = "--renew-before", paramLabel = "DURATION", description = "Renew this long before expiry instead of the lifetime rule.")
  String renewBefore;

  @Option(names = "--reuse-key", description = "Keep the current version's key on renewal instead of a fresh one.")
  boolean reuseKey;

  @Override
  protected int run() throws Exception {
    CsrCommand.checkLineageName(name);
    List<String> names = CsrCommand.checkDomains(domains);
    CertificateStore store = openStore();
    if (keyType == null) {
      // A re-issue keeps the lineage's key type (and with --reuse-key its key) unless told otherwise.
      keyType = store.spec(name).map(LineageSpec::keyType).orElse(null);
    }
    ObjectNode block = block();
    IssuerSettings.Read read = IssuerSettings.read(block, names, env().providers());
    if (!read.problems().isEmpty()) {
      throw new InputRejectedException(String.join("; ", read.problems().stream().map(IssueCommand::flagged).toList()));
    }
    try (CertManager manager = CertManager.builder().store(store).clock(env().clock())
        .listener(Notifier.LOG)
        .certificate(AgentAssembly.fromBlock(name, names, block, store, env(), this::progress)).build()) {
      CertificateStatus s = manager.issue(name);
      if (!s.renewedNow()) {
        throw new IssueException(IssueException.Kind.LOCAL,
            name + ": " + s.error().orElse("no certificate was issued"));
      }
      StoredVersion v = s.current().orElseThrow();
      out().println(name + ": version " + v.number() + " issued for " + String.join(", ", v.domains())
          + ", valid until " + v.notAfter() + ", serial " + v.serial() + ", sha256 " + v.sha256());
      out().flush();
    }
    return ExitCodes.DONE;
  }

  /** The flags as the issuer block the YAML config would hold. */
  private ObjectNode block() {
    ObjectNode b = JsonNodeFactory.instance.objectNode().put("type", "acme").put("server", server);
    putIf(b, "serverCa", serverCa == null ? null : serverCa.toAbsolutePath().toString());
    putIf(b, "account", account);
    putIf(b, "email", email);
    if (agreeTos) {
      b.put("agreeTos", true);
    }
    if (eabKeyId != null || eabHmacKey != null) {
      ObjectNode eab = b.putObject("eab");
      putIf(eab, "keyId", eabKeyId);
      putIf(eab, "hmacKey", eabHmacKey);
    }
    if (challenges.size() == 1) {
      b.put("challenge", challenges.get(0));
    } else if (!challenges.isEmpty()) {
      challenges.forEach(b.putArray("challenges")::add);
    }
    if (tlsAlpnPort != null || tlsAlpnAddress != null) {
      ObjectNode tls = b.putObject("tlsAlpn");
      if (tlsAlpnPort != null) {
        tls.put("port", tlsAlpnPort);
      }
      putIf(tls, "address", tlsAlpnAddress);
    }
    if (persistUntil != null) {
      b.putObject("dnsPersist").put("persistUntil", persistUntil);
    }
    if (httpPort != null || httpAddress != null || webroot != null) {
      ObjectNode http = b.putObject("http");
      if (httpPort != null) {
        http.put("port", httpPort);
      }
      putIf(http, "address", httpAddress);
      putIf(http, "webroot", webroot == null ? null : webroot.toAbsolutePath().toString());
    }
    if (dnsProvider != null) {
      ObjectNode dns = b.putObject("dnsProvider").put("type", dnsProvider);
      dnsSettings.forEach(dns::put);
    }
    if (!propagationServers.isEmpty()) {
      propagationServers.forEach(b.putArray("propagationServers")::add);
    }
    putIf(b, "propagationTimeout", propagationTimeout);
    putIf(b, "profile", profile);
    putIf(b, "keyType", keyType);
    putIf(b, "renewBefore", renewBefore);
    if (reuseKey) {
      b.put("reuseKey", true);
    }
    return b;
  }

  private static void putIf(ObjectNode n, String key, String value) {
    if (value != null) {
      n.put(key, value);
    }
  }

  /** A problem named by its flag rather than its place in the block. */
  static String flagged(SettingProblem p) {
    String flag = FLAGS.get(p.pointer().replaceFirst("/\\d+$", ""));
    if (flag == null && p.pointer().startsWith("/dnsProvider")) {
      flag = "--dns-set";
    }
    return (flag == null ? "" : flag + ": ") + p.message();
  }
}
