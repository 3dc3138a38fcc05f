package io.certferry.core.issue.acme;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.certferry.core.InputRejectedException;
import io.certferry.core.ProviderContext;
import io.certferry.core.ProviderFactory;
import io.certferry.core.Secrets;
import io.certferry.core.dns.DnsProvider;
import io.certferry.core.dns.PropagationCheck;
import io.certferry.core.store.CertificateStore;
import io.certferry.core.x509.CertificateReader;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.function.Consumer;

/**
 * The ACME options of a lineage as kept in {@code spec.json}'s {@code options} (flat string map),
 * and the {@link AcmeIssuer} they describe. Secrets are kept only as references
 * ({@code eabHmacRef: ${env:EAB_HMAC}}). Used by {@code certferry issue}, {@code renew} and the agent.
 *
 * <p>Keys: {@code server}, {@code serverCa}, {@code account}, {@code email}, {@code agreeTos},
 * {@code eabKid}, {@code eabHmacRef}, {@code challenge} ({@code http-01}|{@code dns-01}),
 * {@code httpAddress}, {@code httpPort}, {@code webroot}, {@code dnsProvider}, {@code dns.<setting>},
 * {@code dnsResolvers} (comma-separated host:port), {@code dnsTimeoutSeconds}, {@code profile}, {@code reuseKey}.
 */
public final class AcmeSettings {
  public static final String SERVER = "server";
  public static final String SERVER_CA = "serverCa";
  public static final String ACCOUNT = "account";
  public static final String EMAIL = "email";
  public static final String AGREE_TOS = "agreeTos";
  public static final String EAB_KID = "eabKid";
  public static final String EAB_HMAC_REF = "eabHmacRef";
  public static final String CHALLENGE = "challenge";
  public static final String HTTP_ADDRESS = "httpAddress";
  public static final String HTTP_PORT = "httpPort";
  public static final String WEBROOT = "webroot";
  public static final String DNS_PROVIDER = "dnsProvider";
  public static final String DNS_PREFIX = "dns.";
  public static final String DNS_RESOLVERS = "dnsResolvers";
  public static final String DNS_TIMEOUT = "dnsTimeoutSeconds";
  public static final String PROFILE = "profile";
  public static final String REUSE_KEY = "reuseKey";

  private AcmeSettings() {}

  /**
   * Checks the options without touching the network or creating anything; every problem is in the
   * exception's message, each naming the option and the fix.
   */
  public static void validate(Map<String, String> o) throws InputRejectedException {
    List<String> problems = new ArrayList<>();
    String server = o.get(SERVER);
    if (server == null || server.isBlank()) {
      problems.add("server is missing; give --server letsencrypt (or letsencrypt-staging, zerossl, sectigo-dv, a directory URL)");
    } else {
      try {
        AcmeDirectories.resolve(server);
      } catch (IllegalArgumentException e) {
        problems.add(e.getMessage());
      }
    }
    String challenge = o.getOrDefault(CHALLENGE, "http-01");
    if (!challenge.equals("http-01") && !challenge.equals("dns-01")) {
      problems.add("challenge " + challenge + " is not supported; use http-01 or dns-01");
    }
    if (challenge.equals("http-01") && o.containsKey(WEBROOT) && o.containsKey(HTTP_PORT)) {
      problems.add("--webroot and --http-port exclude each other: the webroot is served by your web server");
    }
    if (o.containsKey(HTTP_PORT) && !isPort(o.get(HTTP_PORT))) {
      problems.add("http port " + o.get(HTTP_PORT) + " is not a port number (1-65535)");
    }
    if (challenge.equals("dns-01") && !o.containsKey(DNS_PROVIDER)) {
      problems.add("dns-01 needs --dns-provider TYPE (e.g. dnsimple, exec, pebble-challtestsrv)");
    }
    if (challenge.equals("dns-01") && o.containsKey(DNS_PROVIDER)) {
      ProviderFactory f = dnsFactory(o.get(DNS_PROVIDER));
      if (f == null) {
        problems.add("dns provider " + o.get(DNS_PROVIDER) + " is not installed; known: " + knownDnsProviders());
      } else {
        problems.addAll(f.validate(dnsSettings(o)));
      }
    }
    if (o.containsKey(DNS_TIMEOUT) && !o.get(DNS_TIMEOUT).matches("[1-9][0-9]{0,5}")) {
      problems.add("dns propagation timeout " + o.get(DNS_TIMEOUT) + " is not a positive number of seconds");
    }
    if (o.containsKey(DNS_RESOLVERS)) {
      for (String r : o.get(DNS_RESOLVERS).split(",")) {
        if (!r.trim().matches("[A-Za-z0-9.:\\[\\]-]+(:[0-9]{1,5})?")) {
          problems.add("dns resolver " + r + " is not host[:port]");
        }
      }
    }
    if (o.containsKey(EAB_KID) != o.containsKey(EAB_HMAC_REF)) {
      problems.add("external account binding needs both --eab-kid and --eab-hmac-ref");
    }
    if (o.containsKey(EAB_HMAC_REF) && !Secrets.isReference(o.get(EAB_HMAC_REF))) {
      problems.add("--eab-hmac-ref must be a reference such as ${env:EAB_HMAC} or ${file:/path}, never the key itself");
    }
    if (!problems.isEmpty()) {
      throw new InputRejectedException(String.join("; ", problems));
    }
  }

  /**
   * Builds the issuer the options describe.
   *
   * @param progress receives progress lines
   * @throws InputRejectedException when the options are invalid or a file they name is unreadable
   */
  public static AcmeIssuer.Builder issuer(Map<String, String> o, CertificateStore store, Secrets secrets,
                                          Consumer<String> progress) throws InputRejectedException {
    validate(o);
    AcmeIssuer.Builder b = AcmeIssuer.builder()
        .directory(AcmeDirectories.resolve(o.get(SERVER)))
        .accountName(o.getOrDefault(ACCOUNT, "default"))
        .email(o.get(EMAIL))
        .agreeToTermsOfService(Boolean.parseBoolean(o.getOrDefault(AGREE_TOS, "false")))
        .store(store)
        .progress(progress);
    if (o.containsKey(SERVER_CA)) {
      List<X509Certificate> anchors = CertificateReader.read(Path.of(o.get(SERVER_CA)));
      b.serverCa(anchors);
    }
    if (o.containsKey(EAB_KID)) {
      String hmac;
      try {
        hmac = secrets.resolve(o.get(EAB_HMAC_REF));
      } catch (IllegalArgumentException e) {
        throw new InputRejectedException("--eab-hmac-ref: " + e.getMessage());
      }
      b.externalAccountBinding(o.get(EAB_KID), hmac.trim());
    }
    b.solver(solver(o, secrets));
    return b;
  }

  private static ChallengeSolver solver(Map<String, String> o, Secrets secrets) throws InputRejectedException {
    if (o.getOrDefault(CHALLENGE, "http-01").equals("dns-01")) {
      Object provider;
      try {
        provider = dnsFactory(o.get(DNS_PROVIDER)).create(dnsSettings(o), ProviderContext.defaults(secrets));
      } catch (IllegalArgumentException e) {
        throw new InputRejectedException("dns provider " + o.get(DNS_PROVIDER) + ": " + e.getMessage());
      }
      PropagationCheck.Builder check = PropagationCheck.builder()
          .timeout(Duration.ofSeconds(Long.parseLong(o.getOrDefault(DNS_TIMEOUT, "120"))));
      if (o.containsKey(DNS_RESOLVERS)) {
        check.servers(o.get(DNS_RESOLVERS).lines().flatMap(l -> List.of(l.split(",")).stream())
            .map(String::trim).filter(s -> !s.isEmpty()).map(PropagationCheck::parseServer).toList());
      }
      return new Dns01Solver((DnsProvider) provider, check.build());
    }
    if (o.containsKey(WEBROOT)) {
      return new Http01WebrootSolver(Path.of(o.get(WEBROOT)));
    }
    int port = Integer.parseInt(o.getOrDefault(HTTP_PORT, "80"));
    String address = o.get(HTTP_ADDRESS);
    return new Http01StandaloneSolver(address == null ? new InetSocketAddress(port) : new InetSocketAddress(address, port));
  }

  private static boolean isPort(String text) {
    return text.matches("[0-9]{1,5}") && Integer.parseInt(text) >= 1 && Integer.parseInt(text) <= 65535;
  }

  /** The {@code dns.*} options as the provider's settings object. */
  static ObjectNode dnsSettings(Map<String, String> o) {
    ObjectNode n = JsonNodeFactory.instance.objectNode();
    o.forEach((k, v) -> {
      if (k.startsWith(DNS_PREFIX)) {
        n.put(k.substring(DNS_PREFIX.length()), v);
      }
    });
    return n;
  }

  private static ProviderFactory dnsFactory(String type) {
    for (ProviderFactory f : ServiceLoader.load(ProviderFactory.class)) {
      if (f.kind() == DnsProvider.class && f.type().equals(type)) {
        return f;
      }
    }
    return null;
  }

  private static String knownDnsProviders() {
    List<String> types = new ArrayList<>();
    for (ProviderFactory f : ServiceLoader.load(ProviderFactory.class)) {
      if (f.kind() == DnsProvider.class) {
        types.add(f.type());
      }
    }
    return types.isEmpty() ? "(none)" : String.join(", ", types);
  }

  /** A copy of {@code options} without null values, in a stable order. */
  public static Map<String, String> clean(Map<String, String> options) {
    Map<String, String> out = new LinkedHashMap<>();
    options.forEach((k, v) -> {
      if (v != null && !v.isBlank()) {
        out.put(k, v);
      }
    });
    return out;
  }

  /** The directory URL of the options' server. */
  public static URI directory(Map<String, String> o) {
    return AcmeDirectories.resolve(o.get(SERVER));
  }
}
