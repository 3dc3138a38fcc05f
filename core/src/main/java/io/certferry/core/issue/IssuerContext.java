package io.certferry.core.issue;

import io.certferry.core.ProviderRegistry;
import io.certferry.core.Secrets;
import io.certferry.core.Sleeper;
import io.certferry.core.store.CertificateStore;

import java.time.Clock;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * What an issuer built from settings needs: the store (accounts, the local CA), secrets to resolve
 * references, the injected clock and sleeper, where progress lines go, and the installed providers
 * (a DNS provider inside an ACME block).
 *
 * @since 0.1
 */
public record IssuerContext(CertificateStore store, Secrets secrets, Clock clock, Sleeper sleeper,
                            Consumer<String> progress, ProviderRegistry providers) {
  public IssuerContext {
    Objects.requireNonNull(store, "store");
    Objects.requireNonNull(secrets, "secrets");
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(sleeper, "sleeper");
    progress = progress == null ? line -> { } : progress;
    Objects.requireNonNull(providers, "providers");
  }
}
