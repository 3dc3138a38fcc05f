package io.certferry.agent.run;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * A deadline on reading each request head: a connection must deliver a complete request within
 * the limit of opening (or of its previous answer, on a kept-alive connection), or it is closed.
 * The idle timeout alone would let a client that sends one byte just before it expires hold a
 * connection forever; this bounds the whole head.
 */
final class RequestDeadline implements Connection.Listener {
  private final Scheduler scheduler;
  private final Duration limit;
  private final Map<Connection, Scheduler.Task> waiting = new ConcurrentHashMap<>();

  RequestDeadline(Scheduler scheduler, Duration limit) {
    this.scheduler = scheduler;
    this.limit = limit;
  }

  @Override
  public void onOpened(Connection connection) { arm(connection); }

  @Override
  public void onClosed(Connection connection) {
    Scheduler.Task t = waiting.remove(connection);
    if (t != null) {
      t.cancel();
    }
  }

  /** The request's head was read in time: its connection waits for nothing until it is answered. */
  void arrived(Request request) {
    Scheduler.Task t = waiting.remove(request.getConnectionMetaData().getConnection());
    if (t != null) {
      t.cancel();
    }
  }

  /** The request was answered: the next request on its connection gets the limit anew. */
  void answered(Request request) {
    Connection c = request.getConnectionMetaData().getConnection();
    if (c.getEndPoint().isOpen()) {
      arm(c);
    }
  }

  private void arm(Connection c) {
    waiting.compute(c, (k, old) -> {
      if (old != null) {
        old.cancel();
      }
      return scheduler.schedule(() -> expire(c), limit.toMillis(), TimeUnit.MILLISECONDS);
    });
  }

  private void expire(Connection c) {
    if (waiting.remove(c) != null) {
      c.getEndPoint().close();
    }
  }
}
