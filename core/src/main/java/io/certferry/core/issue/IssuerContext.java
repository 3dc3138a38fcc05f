package io.certferry.core.issue;

import io.certferry.core.ProviderContext;
import io.certferry.core.ProviderRegistry;
import io.certferry.core.Secrets;
import io.certferry.core.Sleeper;
import io.certferry.core.issue.acme.AcmeSessions;
import io.certferry.core.store.CertificateStore;

import java.time.Clock;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * What an issuer built from settings needs: the store (accounts, the local CA), secrets to resolve
 * references, the engine's clock and sleeper, where progress lines go, the installed providers (a DNS
 * provider inside an ACME block), the context those providers are created with, and the ACME sessions
 * the issuers of one engine share (pass the same instance for every certificate of a manager).
 *
 * @since 0.1
 */
public record IssuerContext(CertificateStore store, Secrets secrets, Clock clock, Sleeper sleeper,
                            Consumer<String> progress, ProviderRegistry providers, ProviderContext providerContext,
                            AcmeSessions acmeSessions) {
  /** A context whose ACME issuers share sessions with no other issuer. */
  public IssuerContext(CertificateStore store, Secrets secrets, Clock clock, Sleeper sleeper,
                       Consumer<String> progress, ProviderRegistry providers, ProviderContext providerContext) {
    this(store, secrets, clock, sleeper, progress, providers, providerContext, new AcmeSessions());
  }

  public IssuerContext {
    Objects.requireNonNull(store, "store");
    Objects.requireNonNull(secrets, "secrets");
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(sleeper, "sleeper");
    progress = progress == null ? line -> { } : progress;
    Objects.requireNonNull(providers, "providers");
    Objects.requireNonNull(providerContext, "providerContext");
    Objects.requireNonNull(acmeSessions, "acmeSessions");
  }
}
