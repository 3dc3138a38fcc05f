package io.certferry.agent.run;

import io.certferry.core.notify.LifecycleEvent;
import io.certferry.core.notify.Notifier;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;

/**
 * The last lifecycle events of this agent, newest first, for the status page: a bounded buffer fed as a listener.
 * Events never carry a key or a token, so the page may show them as they are.
 */
public final class RecentEvents implements Notifier {
  /** How many the page shows. */
  static final int KEEP = 50;
  private final Deque<LifecycleEvent> events = new ArrayDeque<>();

  @Override
  public synchronized void notify(LifecycleEvent e) {
    events.addFirst(e);
    while (events.size() > KEEP) {
      events.removeLast();
    }
  }

  /** Newest first. */
  public synchronized List<LifecycleEvent> latest() { return Collections.unmodifiableList(new ArrayList<>(events)); }
}
