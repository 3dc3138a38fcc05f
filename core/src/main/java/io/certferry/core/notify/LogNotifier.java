package io.certferry.core.notify;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

final class LogNotifier implements Notifier {
  private static final Logger LOG = LoggerFactory.getLogger("io.certferry.events");

  @Override
  public void notify(LifecycleEvent e) {
    String line = e.certificate() + e.target().map(t -> " -> " + t).orElse("") + ": " + e.message();
    switch (e.type().severity()) {
      case INFO -> LOG.info("{} {}", e.type(), line);
      case WARNING -> LOG.warn("{} {}", e.type(), line);
      default -> LOG.error("{} {}", e.type(), line);
    }
  }
}
