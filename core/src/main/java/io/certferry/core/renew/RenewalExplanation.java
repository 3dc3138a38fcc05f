package io.certferry.core.renew;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Why a certificate renews when it does, as {@code certferry renew --explain} prints it: the planned instant and
 * the rule that set it, what holds it back, which CA will be asked, when the engine looks again, and which
 * challenge validated each name last time.
 *
 * @param renewAt when the current version is due; empty without one (it is issued at once)
 * @param rule {@code ari}, {@code lifetime}, {@code renew-before} or {@code forced}
 * @param reason the rule's reason in one line (the ARI window, the fraction of the lifetime, ...)
 * @param hold a failure backoff or the CA's rate limit that keeps a due renewal waiting, with its instant
 * @param issuer the CA the next attempt asks ({@code Issuer.id()}); {@code fallback} says whether it is one
 * @param issuers every CA of the certificate, in order
 * @param nextLook when the engine looks at the certificate again
 * @param lastError the last failure, while it lasts
 * @param challenges how the current version's names were validated: per name, the challenge chosen and why
 *     (empty when the issuer validates none, or for a version from before the choice was kept)
 * @since 0.1
 */
public record RenewalExplanation(String name, Optional<Instant> renewAt, String rule, String reason,
                                 Optional<String> hold, String issuer, boolean fallback, List<String> issuers,
                                 Optional<Instant> nextLook, Optional<String> lastError, Map<String, String> challenges) {
  public RenewalExplanation {
    issuers = List.copyOf(issuers);
    challenges = Collections.unmodifiableMap(new LinkedHashMap<>(challenges));
  }
}
