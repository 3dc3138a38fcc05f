package io.certferry.agent.cli;

import io.certferry.core.InputRejectedException;
import io.certferry.core.ReferenceSecrets;
import io.certferry.core.issue.IssueRequest;
import io.certferry.core.issue.IssuedCertificate;
import io.certferry.core.issue.acme.AcmeIssuer;
import io.certferry.core.issue.acme.AcmeSettings;
import io.certferry.core.store.CertificateStore;
import io.certferry.core.store.FileStore;
import io.certferry.core.store.LineageSpec;
import io.certferry.core.store.StoredVersion;
import io.certferry.core.x509.KeyType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code certferry issue}: obtains a certificate over ACME, records how (spec.json, so {@code renew}
 * and the agent can do it again) and stores it as a new version of the lineage.
 */
@Command(name = "issue", mixinStandardHelpOptions = true,
    description = "Obtain a certificate from an ACME CA (Let's Encrypt, ZeroSSL, Sectigo, any RFC 8555 CA) and store it.")
public final class IssueCommand extends StoreCommand {
  @Option(names = "--name", required = true, paramLabel = "NAME", description = "The lineage name, e.g. example-org.")
  String name;

  @Option(names = "--domain", required = true, paramLabel = "DOMAIN",
      description = "A name to cover (wildcards need dns-01); repeat for more. The first is the CN.")
  List<String> domains;

  @Option(names = "--server", required = true, paramLabel = "NAME|URL",
      description = "letsencrypt, letsencrypt-staging, zerossl, sectigo-dv, or an ACME directory URL.")
  String server;

  @Option(names = "--server-ca", paramLabel = "FILE",
      description = "PEM file with extra trust anchors for the CA's own HTTPS (e.g. Pebble's).")
  Path serverCa;

  @Option(names = "--account", paramLabel = "NAME", defaultValue = "default", description = "Local account name (default: default).")
  String account;

  @Option(names = "--email", paramLabel = "E", description = "Contact e-mail for a new account.")
  String email;

  @Option(names = "--agree-tos", description = "Accept the CA's terms of service.")
  boolean agreeTos;

  @Option(names = "--eab-kid", paramLabel = "KID", description = "External account binding key id (ZeroSSL, Sectigo, Google).")
  String eabKid;

  @Option(names = "--eab-hmac-ref", paramLabel = "REF",
      description = "The EAB HMAC key by reference: $${env:VAR} or $${file:/path}.")
  String eabHmacRef;

  @Option(names = "--challenge", paramLabel = "TYPE", defaultValue = "http-01", description = "http-01 (default) or dns-01.")
  String challenge;

  @Option(names = "--http-port", paramLabel = "P", description = "Port of the built-in http-01 server (default 80).")
  Integer httpPort;

  @Option(names = "--http-address", paramLabel = "ADDR", description = "Address the built-in http-01 server binds (default: all).")
  String httpAddress;

  @Option(names = "--webroot", paramLabel = "DIR", description = "Answer http-01 through files in the folder your web server serves.")
  Path webroot;

  @Option(names = "--dns-provider", paramLabel = "TYPE", description = "DNS provider for dns-01: dnsimple, exec, pebble-challtestsrv...")
  String dnsProvider;

  @Option(names = "--dns-set", paramLabel = "KEY=VALUE",
      description = "A DNS provider setting, e.g. url=http://127.0.0.1:8055 or token=$${env:DNSIMPLE_TOKEN}; repeat.")
  Map<String, String> dnsSettings = new LinkedHashMap<>();

  @Option(names = "--dns-resolver", paramLabel = "HOST:PORT",
      description = "Check DNS propagation at these servers instead of the zone's authoritative ones; repeat.")
  List<String> dnsResolvers = List.of();

  @Option(names = "--dns-timeout", paramLabel = "SECONDS", description = "How long to wait for DNS propagation (default 120).")
  Integer dnsTimeout;

  @Option(names = "--profile", paramLabel = "P", description = "ACME profile, e.g. classic, tlsserver, shortlived.")
  String profile;

  @Option(names = "--key-type", paramLabel = "TYPE", defaultValue = "ec-p256",
      description = "ec-p256 (default), ec-p384, rsa-2048, rsa-3072 or rsa-4096.")
  String keyType;

  @Option(names = "--reuse-key", description = "Keep the current version's key instead of a fresh one.")
  boolean reuseKey;

  @Override
  int run() throws Exception {
    CsrCommand.checkLineageName(name);
    List<String> names = CsrCommand.checkDomains(domains);
    KeyType type = KeyType.parse(keyType).orElseThrow(() -> new InputRejectedException(
        "--key-type " + keyType + " is not known; use ec-p256, ec-p384, rsa-2048, rsa-3072 or rsa-4096"));
    Map<String, String> options = options();
    AcmeSettings.validate(options);
    FileStore store = global.openStore();
    try (CertificateStore.Lock lock = store.lock(name);
         AcmeIssuer issuer = AcmeSettings.issuer(options, store, ReferenceSecrets.system(), this::progress).build()) {
      Optional<LineageSpec> old = store.spec(name);
      store.saveSpec(new LineageSpec(name, names, "acme", type.id(), options,
          old.map(LineageSpec::targets).orElse(List.of())));
      Optional<KeyPair> key = reuseKey ? currentKey(store) : Optional.empty();
      IssueRequest request = new IssueRequest(name, names, type, key, Optional.empty(), Optional.ofNullable(profile));
      IssuedCertificate issued = issuer.issue(request);
      StoredVersion v = store.addVersion(name, issued.bundle(), "acme", issued.details());
      out().println(name + ": version " + v.number() + " issued for " + String.join(", ", v.domains())
          + ", valid until " + v.notAfter() + ", serial " + v.serial() + ", sha256 " + v.sha256());
      out().flush();
    }
    return ExitCodes.DONE;
  }

  private Optional<KeyPair> currentKey(FileStore store) throws InputRejectedException {
    var bundle = store.currentBundle(name).orElseThrow(() -> new InputRejectedException(
        "--reuse-key: lineage '" + name + "' has no certificate yet whose key could be reused; drop --reuse-key"));
    return Optional.of(new KeyPair(bundle.leaf().getPublicKey(), bundle.privateKey()));
  }

  private Map<String, String> options() throws InputRejectedException {
    Map<String, String> o = new LinkedHashMap<>();
    o.put(AcmeSettings.SERVER, server);
    if (serverCa != null) {
      if (!Files.isReadable(serverCa)) {
        throw new InputRejectedException("--server-ca " + serverCa + " is not a readable file; give the PEM file of the CA's HTTPS root");
      }
      o.put(AcmeSettings.SERVER_CA, serverCa.toAbsolutePath().toString());
    }
    o.put(AcmeSettings.ACCOUNT, account);
    o.put(AcmeSettings.EMAIL, email);
    o.put(AcmeSettings.AGREE_TOS, agreeTos ? "true" : null);
    o.put(AcmeSettings.EAB_KID, eabKid);
    o.put(AcmeSettings.EAB_HMAC_REF, eabHmacRef);
    o.put(AcmeSettings.CHALLENGE, challenge);
    o.put(AcmeSettings.HTTP_PORT, httpPort == null ? null : httpPort.toString());
    o.put(AcmeSettings.HTTP_ADDRESS, httpAddress);
    o.put(AcmeSettings.WEBROOT, webroot == null ? null : webroot.toAbsolutePath().toString());
    o.put(AcmeSettings.DNS_PROVIDER, dnsProvider);
    dnsSettings.forEach((k, v) -> o.put(AcmeSettings.DNS_PREFIX + k, v));
    o.put(AcmeSettings.DNS_RESOLVERS, dnsResolvers.isEmpty() ? null : String.join(",", dnsResolvers));
    o.put(AcmeSettings.DNS_TIMEOUT, dnsTimeout == null ? null : dnsTimeout.toString());
    o.put(AcmeSettings.PROFILE, profile);
    o.put(AcmeSettings.REUSE_KEY, reuseKey ? "true" : null);
    if (webroot != null && !Files.isDirectory(webroot)) {
      throw new InputRejectedException("--webroot " + webroot + " is not a folder; give the folder your web server serves");
    }
    return AcmeSettings.clean(o);
  }

  private void progress(String line) {
    err().println("certferry: " + line);
    err().flush();
  }
}
