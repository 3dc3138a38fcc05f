package io.certferry.core.renew;

import io.certferry.core.store.LineageSpec;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Finds each ACME directory's {@code renewalInfo} URL once a day instead of on every decision.
 * A directory without one yields no source (the lifetime rule decides, and orders carry no
 * {@code replaces}); a directory that cannot be read yields a source that fails, so the decision
 * says why and falls back, and the lookup is tried again on the next decision.
 */
public final class AriDirectories {
  static final Duration CACHE_FOR = Duration.ofHours(24);

  private AriDirectories() {}

  /**
   * @param directoryOf the ACME directory of a lineage, empty for lineages that are not ACME
   */
  public static Function<LineageSpec, Optional<RenewalInfoSource>> cached(AriClient client,
      Function<LineageSpec, Optional<URI>> directoryOf, Clock clock) {
    Map<URI, Cached> cache = new ConcurrentHashMap<>();
    return spec -> {
      Optional<URI> directory = directoryOf.apply(spec);
      if (directory.isEmpty()) {
        return Optional.empty();
      }
      Instant now = clock.instant();
      Cached hit = cache.get(directory.get());
      if (hit == null || !now.isBefore(hit.until())) {
        try {
          hit = new Cached(client.renewalInfoUrl(directory.get()), now.plus(CACHE_FOR));
          cache.put(directory.get(), hit);
        } catch (AriException e) {
          return Optional.of(certId -> {
            throw e;
          });
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return Optional.empty();
        }
      }
      return hit.renewalInfo().map(client::source);
    };
  }

  private record Cached(Optional<URI> renewalInfo, Instant until) {}
}
