package io.certferry.core.internal;

import io.certferry.core.ManagedCertificate;
import io.certferry.core.issue.Issuer;
import io.certferry.core.store.LineageState;
import io.certferry.core.store.StoredVersion;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A certificate's issuers in order (the primary, then its fallbacks) and the one rule of falling back: the
 * issuer in use hands over once it has failed for the certificate's {@code fallbackAfter}, or for a quarter of
 * the time still left before expiry when that is shorter. Not API.
 */
record IssuerChain(List<Issuer> issuers, Duration fallbackAfter) {
  IssuerChain {
    issuers = List.copyOf(issuers);
  }

  static IssuerChain of(ManagedCertificate mc, Issuer primary) {
    List<Issuer> all = new ArrayList<>();
    all.add(primary);
    all.addAll(mc.fallbacks());
    return new IssuerChain(all, mc.fallbackAfter());
  }

  /** The issuer the state says is in use. */
  int index(LineageState s) { return Math.min(s.issuerIndex(), issuers.size() - 1); }

  Issuer get(int index) { return issuers.get(index); }

  /** When the issuer in use will have failed long enough to ask the next; {@link Instant#MAX} when there is none. */
  Instant fallbackAt(LineageState s, Optional<StoredVersion> current, Instant now) {
    LineageState.Failure f = s.failure();
    if (f == null || index(s) + 1 >= issuers.size()) {
      return Instant.MAX;
    }
    Duration after = fallbackAfter;
    if (current.isPresent()) {
      Duration quarter = Duration.between(now, current.get().notAfter()).dividedBy(4);
      if (quarter.compareTo(after) < 0) {
        after = quarter.isNegative() ? Duration.ZERO : quarter;
      }
    }
    return f.since().plus(after);
  }

  /** The issuer that made a version (its details name it), else the first. */
  Issuer issuedBy(StoredVersion v) {
    String id = v.details().get(Issuance.ISSUER);
    return issuers.stream().filter(i -> i.id().equals(id)).findFirst().orElse(issuers.get(0));
  }
}
