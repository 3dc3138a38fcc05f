package io.certferry.core.issue;

import io.certferry.core.ProviderContext;
import io.certferry.core.ProviderRegistry;
import io.certferry.core.Secrets;
import io.certferry.core.Sleeper;
import io.certferry.core.store.CertificateStore;

import java.time.Clock;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * What an issuer built from settings needs: the store (accounts, the local CA), secrets to resolve
 * references, the engine's clock and sleeper, where progress lines go, the installed providers (a DNS
 * provider inside an ACME block) and the context those providers are created with.
 *
 * @since 0.1
 */
public record IssuerContext(CertificateStore store, Secrets secrets, Clock clock, Sleeper sleeper,
                            Consumer<String> progress, ProviderRegistry providers, ProviderContext providerContext) {
  public IssuerContext {
    Objects.requireNonNull(store, "store");
    Objects.requireNonNull(secrets, "secrets");
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(sleeper, "sleeper");
    progress = progress == null ? line -> { } : progress;
    Objects.requireNonNull(providers, "providers");
    Objects.requireNonNull(providerContext, "providerContext");
  }
}
