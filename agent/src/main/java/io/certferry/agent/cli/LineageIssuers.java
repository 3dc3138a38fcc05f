package io.certferry.agent.cli;

import io.certferry.core.InputRejectedException;
import io.certferry.core.ReferenceSecrets;
import io.certferry.core.issue.Issuer;
import io.certferry.core.issue.acme.AcmeDirectories;
import io.certferry.core.issue.acme.AcmeIssuer;
import io.certferry.core.issue.acme.AcmeSettings;
import io.certferry.core.issue.local.LocalCaIssuer;
import io.certferry.core.renew.AriClient;
import io.certferry.core.renew.AriException;
import io.certferry.core.renew.RenewalInfoSource;
import io.certferry.core.renew.RenewalPolicy;
import io.certferry.core.store.CertificateStore;
import io.certferry.core.store.LineageSpec;
import io.certferry.core.x509.CertificateReader;

import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Builds the issuer and the renewal-information source a lineage's {@code spec.json} asks for.
 *
 * <p>{@code acme} lineages use the options {@code certferry issue} wrote ({@link AcmeSettings}:
 * server, serverCa, account, challenge, http/dns settings, EAB by reference, profile). For
 * {@code local}: {@code lifetime} (e.g. {@code 30d}). For both: {@code renewBefore}, {@code reuseKey}.
 */
final class LineageIssuers {
  private final CertificateStore store;
  private final Clock clock;
  private final PrintWriter progress;

  LineageIssuers(CertificateStore store, Clock clock, PrintWriter progress) {
    this.store = store;
    this.clock = clock;
    this.progress = progress;
  }

  /** The issuer for a lineage; rejects a spec whose options cannot be used, naming the option. */
  Issuer issuer(LineageSpec spec) throws InputRejectedException {
    return switch (spec.source()) {
      case "local" -> local(spec);
      case "acme" -> acme(spec);
      default -> throw new InputRejectedException(spec.name() + ": source '" + spec.source()
          + "' has no issuer; only acme and local certificates are renewed");
    };
  }

  private LocalCaIssuer local(LineageSpec spec) throws InputRejectedException {
    LocalCaIssuer.Builder b = LocalCaIssuer.builder(store).clock(clock);
    String lifetime = spec.options().get("lifetime");
    if (lifetime != null && !lifetime.isBlank()) {
      try {
        b.lifetime(io.certferry.core.Durations.parsePositive(lifetime));
      } catch (IllegalArgumentException e) {
        throw new InputRejectedException(spec.name() + ": spec option lifetime '" + lifetime
            + "' is not a duration of at least 5 minutes; write e.g. 90d");
      }
    }
    return b.create();
  }

  private AcmeIssuer acme(LineageSpec spec) throws InputRejectedException {
    directory(spec); // names a missing or unknown server in the lineage's terms
    try {
      return AcmeSettings.issuer(spec.options(), store, ReferenceSecrets.system(), line -> {
        progress.println("  " + spec.name() + ": " + line);
        progress.flush();
      }).clock(clock).build();
    } catch (InputRejectedException e) {
      throw new InputRejectedException(spec.name() + ": spec.json: " + e.getMessage());
    }
  }

  /**
   * The ARI source for an ACME lineage: the directory's {@code renewalInfo}; empty when the CA
   * offers none; a failing source (so the decision says why) when the directory cannot be read.
   */
  Optional<RenewalInfoSource> renewalInfo(LineageSpec spec) throws InputRejectedException, InterruptedException {
    if (!spec.source().equals("acme")) {
      return Optional.empty();
    }
    URI directory = directory(spec);
    AriClient client = AriClient.builder().clock(clock).extraTrustAnchors(serverCa(spec)).build();
    try {
      return client.renewalInfoUrl(directory).map(client::source);
    } catch (AriException e) {
      return Optional.of(certId -> {
        throw e;
      });
    }
  }

  private static URI directory(LineageSpec spec) throws InputRejectedException {
    String server = spec.options().get("server");
    if (server == null || server.isBlank()) {
      throw new InputRejectedException(spec.name() + ": spec.json has no 'server' option; issue the certificate again "
          + "with `certferry issue --server ...`");
    }
    try {
      return AcmeDirectories.resolve(server);
    } catch (IllegalArgumentException e) {
      throw new InputRejectedException(spec.name() + ": " + e.getMessage());
    }
  }

  private static List<X509Certificate> serverCa(LineageSpec spec) throws InputRejectedException {
    String file = spec.options().get("serverCa");
    return file == null || file.isBlank() ? List.of() : CertificateReader.read(Path.of(file));
  }
}
