package io.certferry.core.issue.acme;

import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.shredzone.acme4j.Certificate;
import org.shredzone.acme4j.Login;
import org.shredzone.acme4j.Order;
import org.shredzone.acme4j.Status;
import org.shredzone.acme4j.toolbox.JSON;

/**
 * Finds the order that replaced a certificate: the account's orders list (RFC 8555 section 7.1.2.1),
 * newest first, for a valid order whose {@code replaces} names the certificate's ARI id. Best effort: a
 * CA without the list (Let's Encrypt has none), or one that fails, gives nothing. Bounded, because each
 * order is one request.
 */
final class Replacements {
  /** The most order URLs read from the list, and the most orders fetched, newest first. */
  static final int MAX_LISTED = 1000;
  static final int MAX_FETCHED = 50;

  private Replacements() {}

  /** The replacing order, its certificate and its leaf. */
  record Found(Order order, Certificate certificate, X509Certificate leaf) {}

  static Optional<Found> find(Login login, String certificateId, Consumer<String> progress) {
    try {
      List<Order> orders = new ArrayList<>();
      for (Iterator<Order> it = login.getAccount().getOrders(); it.hasNext() && orders.size() < MAX_LISTED; ) {
        orders.add(it.next()); // binding is free: an order is fetched only when read below
      }
      for (int i = orders.size() - 1; i >= 0 && i >= orders.size() - MAX_FETCHED; i--) {
        Order o = orders.get(i);
        Optional<String> replaces = o.getJSON().get("replaces").optional().map(JSON.Value::asString);
        if (replaces.filter(certificateId::equals).isPresent() && o.getStatus() == Status.VALID) {
          Certificate cert = o.getCertificate();
          return Optional.of(new Found(o, cert, cert.getCertificate()));
        }
      }
      return Optional.empty();
    } catch (RuntimeException e) {
      // acme4j reports a CA without the list, a failed fetch of a lazily read order and answers it cannot
      // read all with runtime exceptions (AcmeNotSupportedException, AcmeLazyLoadingException, ...)
      progress.accept("could not look through the account's orders for the replacement of " + certificateId
          + ": " + e.getMessage());
      return Optional.empty();
    }
  }
}
