package io.certferry.provider.postgresql.bench;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;

/** Wraps a data source and counts every SQL statement run through it (each execute, and each batch). */
final class CountingDataSource {
  private final AtomicLong statements = new AtomicLong();
  private final DataSource wrapped;

  CountingDataSource(DataSource wrapped) { this.wrapped = wrapped; }

  long statements() { return statements.get(); }

  DataSource dataSource() { return proxy(DataSource.class, wrapped); }

  private <T> T proxy(Class<T> type, Object target) {
    InvocationHandler h = (p, m, args) -> {
      Object result;
      try {
        result = m.invoke(target, args);
      } catch (InvocationTargetException e) {
        throw e.getCause();
      }
      String name = m.getName();
      if (target instanceof Statement && name.startsWith("execute")) {
        statements.incrementAndGet();
      }
      if (result instanceof Connection c && !(result instanceof Proxy)) {
        return proxy(Connection.class, c);
      }
      if (result instanceof Statement && m.getReturnType().isInterface() && Statement.class.isAssignableFrom(m.getReturnType())) {
        return proxy(m.getReturnType(), result);
      }
      return result;
    };
    return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, h));
  }
}
