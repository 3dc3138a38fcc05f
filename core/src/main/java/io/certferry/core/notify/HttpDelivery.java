package io.certferry.core.notify;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends one notification request with retries: network errors, 429 and 5xx are retried with
 * doubling delays (a server's {@code Retry-After} wins, up to a minute); other answers are final.
 * Never logs the URL (webhook URLs carry their token) or any header.
 */
final class HttpDelivery {
  private static final Logger LOG = LoggerFactory.getLogger(HttpDelivery.class);

  /** Sleeps between attempts; tests record instead of sleeping. */
  interface Sleeper {
    void sleep(Duration d) throws InterruptedException;

    Sleeper REAL = d -> Thread.sleep(d.toMillis());
  }

  private final OkHttpClient client;
  private final int attempts;
  private final Duration firstDelay;
  private final Sleeper sleeper;
  private final String what;

  HttpDelivery(OkHttpClient client, int attempts, Duration firstDelay, Sleeper sleeper, String what) {
    this.client = client;
    this.attempts = attempts;
    this.firstDelay = firstDelay;
    this.sleeper = sleeper;
    this.what = what;
  }

  /** Returns true when the server accepted the request (2xx). */
  boolean send(Request request) {
    Duration delay = firstDelay;
    for (int i = 1; i <= attempts; i++) {
      Optional<Duration> retryAfter = Optional.empty();
      String failure;
      try (Response r = client.newCall(request).execute()) {
        if (r.isSuccessful()) {
          return true;
        }
        failure = "HTTP " + r.code();
        if (r.code() != 429 && r.code() < 500) {
          LOG.warn("{} refused the notification with HTTP {}; check its URL/key and payload settings", what, r.code());
          return false;
        }
        retryAfter = retryAfter(r.header("Retry-After"));
      } catch (IOException e) {
        failure = e.getClass().getSimpleName();
      }
      if (i == attempts) {
        LOG.warn("{} could not be reached after {} attempts ({})", what, attempts, failure);
        return false;
      }
      try {
        sleeper.sleep(retryAfter.orElse(delay));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
      delay = delay.multipliedBy(2);
    }
    return false;
  }

  private static Optional<Duration> retryAfter(String header) {
    if (header == null) {
      return Optional.empty();
    }
    try {
      long s = Long.parseLong(header.trim());
      return Optional.of(Duration.ofSeconds(Math.min(60, Math.max(0, s))));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }
}
