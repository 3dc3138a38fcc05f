package io.certferry.core.internal;

import io.certferry.core.notify.LifecycleEvent;
import io.certferry.core.notify.Notifier;

import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the engine's {@link LifecycleEvent}s go: every event to the listeners (logs, metrics), alerts also
 * to the notifiers (people). A listener or notifier that throws never stops the engine. Not API.
 */
public final class Events {
  private static final Logger LOG = LoggerFactory.getLogger(Events.class);
  /** Tells no one: a dry run's. */
  public static final Events NONE = new Events(List.of(), List.of());

  private final List<Notifier> listeners;
  private final List<Notifier> notifiers;

  public Events(List<Notifier> listeners, List<Notifier> notifiers) {
    this.listeners = List.copyOf(listeners);
    this.notifiers = List.copyOf(notifiers);
  }

  /** Tells the listeners. */
  public void emit(LifecycleEvent e) { send(listeners, e, "listener"); }

  /** Tells the listeners and the people. */
  public void alert(LifecycleEvent e) {
    emit(e);
    send(notifiers, e, "notifier");
  }

  private static void send(List<Notifier> to, LifecycleEvent e, String what) {
    for (Notifier n : to) {
      try {
        n.notify(e);
      } catch (RuntimeException ex) {
        LOG.debug("{} failed on {}: {}", what, e.type(), ex.toString());
      }
    }
  }
}
