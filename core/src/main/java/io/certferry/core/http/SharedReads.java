package io.certferry.core.http;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The reads of one API account that every target of the account shares within a pass: the first target
 * to ask for a resource (the certificate list, a load balancer, a site's certificate) fetches it, the
 * others get the same answer, also while it is being fetched. A read is dropped when the next pass
 * starts ({@link #passStarted}), when a write replaces or removes it ({@link #put}, {@link #evict}), and
 * in any case after {@code maxAge} on the provider's clock, for a door that never starts passes. Keys
 * name the resource ({@code load_balancers}, {@code site/abc/ssl}); the account names the API's URL and
 * a digest of the token, never the token. Thread-safe.
 *
 * @since 0.1
 */
public final class SharedReads {
  private static final Map<String, SharedReads> BY_ACCOUNT = new ConcurrentHashMap<>();

  private final Clock clock;
  private final Duration maxAge;
  private final Map<String, Entry> entries = new ConcurrentHashMap<>();
  private final Map<String, Object> loading = new ConcurrentHashMap<>();
  private long pass = Long.MIN_VALUE; // guarded by this

  private record Entry(Object value, Instant readAt, long pass) {}

  /**
   * Something that fetches a resource.
   *
   * @since 0.1
   */
  @FunctionalInterface
  public interface Read<T, E extends Exception> {
    /**
     * Reads the resource.
     *
     * @since 0.1
     */
    T read() throws E;
  }

  private SharedReads(Clock clock, Duration maxAge) {
    this.clock = clock;
    this.maxAge = maxAge;
  }

  /**
   * The shared reads of an account in this process (made with the first caller's clock and age bound).
   *
   * @since 0.1
   */
  public static SharedReads forAccount(String account, Clock clock, Duration maxAge) {
    return BY_ACCOUNT.computeIfAbsent(account, k -> new SharedReads(clock, maxAge));
  }

  /**
   * A pass begins: what was read before it is read again.
   *
   * @since 0.1
   */
  public synchronized void passStarted(long number) {
    if (number != pass) {
      pass = number;
      entries.clear();
    }
  }

  /**
   * The resource under {@code key}: read in this pass already, or read now (once, however many ask at once).
   *
   * @since 0.1
   */
  @SuppressWarnings("unchecked")
  public <T, E extends Exception> T get(String key, Read<T, E> read) throws E {
    Optional<Object> fresh = fresh(key);
    if (fresh.isPresent()) {
      return (T) fresh.get();
    }
    synchronized (loading.computeIfAbsent(key, k -> new Object())) {
      fresh = fresh(key);
      if (fresh.isPresent()) {
        return (T) fresh.get();
      }
      T value = read.read();
      put(key, value);
      return value;
    }
  }

  /**
   * The resource under {@code key} if this pass read it already; nothing is fetched.
   *
   * @since 0.1
   */
  @SuppressWarnings("unchecked")
  public <T> Optional<T> ifRead(String key) {
    return (Optional<T>) fresh(key);
  }

  /**
   * What a write answered: the resource as it is now, for the rest of the pass.
   *
   * @since 0.1
   */
  public void put(String key, Object value) {
    entries.put(key, new Entry(value, clock.instant(), currentPass()));
  }

  /**
   * Forgets a resource a write changed without saying what it became.
   *
   * @since 0.1
   */
  public void evict(String key) { entries.remove(key); }

  private Optional<Object> fresh(String key) {
    Entry e = entries.get(key);
    if (e == null || e.pass() != currentPass() || !clock.instant().isBefore(e.readAt().plus(maxAge))) {
      return Optional.empty();
    }
    return Optional.of(e.value());
  }

  private synchronized long currentPass() { return pass; }
}
