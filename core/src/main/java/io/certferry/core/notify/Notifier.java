package io.certferry.core.notify;

/**
 * Tells a human (or a system) about a {@link LifecycleEvent}. Implementations must not throw.
 *
 * @since 0.1
 */
public interface Notifier {
  /**
   * Tells about {@code event}; must not throw.
   *
   * @since 0.1
   */
  void notify(LifecycleEvent event);

  /** Writes events through SLF4J at a level that matches their severity. */
  Notifier LOG = new LogNotifier();
}
