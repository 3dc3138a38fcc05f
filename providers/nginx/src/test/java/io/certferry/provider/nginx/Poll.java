package io.certferry.provider.nginx;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.locks.LockSupport;

/** Waits for a condition with a deadline (never a fixed sleep), and finds free loopback ports. */
final class Poll {
  private Poll() {}

  /** Polls until {@code condition} is true; throws naming {@code what} when the deadline passes. */
  static void until(Duration timeout, String what, Callable<Boolean> condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    Exception last = null;
    while (true) {
      try {
        if (Boolean.TRUE.equals(condition.call())) {
          return;
        }
      } catch (Exception e) {
        last = e;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("gave up after " + timeout.toMillis() + " ms waiting for " + what
            + (last == null ? "" : " (last error: " + last + ")"), last);
      }
      LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
    }
  }

  static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException("no free loopback port", e);
    }
  }
}
