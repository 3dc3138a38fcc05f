package io.certferry.core.store;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A lineage's lock is held by someone else: another process on this machine, or another agent of the fleet.
 * {@link CertificateStore#lock} throws it when its wait runs out, {@link CertificateStore#tryLock} at once; the
 * engine's pass then skips the lineage as owned elsewhere instead of waiting.
 *
 * @since 0.1
 */
public class LockedElsewhereException extends StoreException {
  private static final long serialVersionUID = 1L;

  private final String lineage;
  private final String holder;
  private final transient Instant until;

  /**
   * @param holder who holds it, as messages name it ({@code agent web-2/4711/9f3a}, {@code another process})
   * @param until when the hold lapses unless its holder renews it; null when it does not lapse by itself (a file lock)
   */
  public LockedElsewhereException(String lineage, String holder, Instant until, String message) {
    super(message);
    this.lineage = Objects.requireNonNull(lineage, "lineage");
    this.holder = Objects.requireNonNull(holder, "holder");
    this.until = until;
  }

  /**
   * The lineage that is locked.
   *
   * @since 0.1
   */
  public String lineage() { return lineage; }

  /**
   * Who holds the lock, as messages name it.
   *
   * @since 0.1
   */
  public String holder() { return holder; }

  /**
   * When the hold lapses unless renewed: a dead holder's work can be taken over then.
   *
   * @since 0.1
   */
  public Optional<Instant> until() { return Optional.ofNullable(until); }
}
