package io.certferry.core.testing;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.read.ListAppender;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * Everything logged, at every level, by every logger, while open: messages and the messages of
 * logged exceptions and their causes. The console appenders are detached meanwhile so a test that
 * turns on TRACE does not flood the build output.
 */
public final class LogCapture implements AutoCloseable {
  private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  private final Level previous = root.getLevel();
  private final List<Appender<ILoggingEvent>> detached = new ArrayList<>();
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

  private LogCapture() {
    for (Iterator<Appender<ILoggingEvent>> it = root.iteratorForAppenders(); it.hasNext(); ) {
      detached.add(it.next());
    }
    detached.forEach(root::detachAppender);
    appender.start();
    root.addAppender(appender);
    root.setLevel(Level.ALL);
  }

  public static LogCapture start() { return new LogCapture(); }

  /** Every line logged so far, with the messages of logged exceptions. */
  public String text() {
    StringBuilder out = new StringBuilder();
    for (ILoggingEvent e : List.copyOf(appender.list)) {
      out.append(e.getLevel()).append(' ').append(e.getLoggerName()).append(" - ").append(e.getFormattedMessage()).append('\n');
      for (IThrowableProxy t = e.getThrowableProxy(); t != null; t = t.getCause()) {
        out.append("  ").append(t.getClassName()).append(": ").append(t.getMessage()).append('\n');
      }
    }
    return out.toString();
  }

  @Override
  public void close() {
    root.detachAppender(appender);
    appender.stop();
    root.setLevel(previous);
    detached.forEach(root::addAppender);
  }
}
