package io.certferry.provider.postgresql;

import io.certferry.core.store.StoreException;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.sql.Types;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import javax.sql.DataSource;
import org.postgresql.Driver;

/**
 * The store's way to the database: a connection per unit of work, a transaction where several
 * statements must land together, and one translation of {@link SQLException} into a
 * {@link StoreException} that names the server, what was being done and what to check. Messages quote
 * the driver's first line only, never parameter values.
 */
final class Database {
  /** One unit of work on a connection. */
  @FunctionalInterface
  interface Work<T> {
    T run(Connection c) throws SQLException;
  }

  /** Maps the current row of a result. */
  @FunctionalInterface
  interface Row<T> {
    T map(ResultSet rs) throws SQLException;
  }

  private final DataSource dataSource;
  private final String server;

  Database(DataSource dataSource, String server) {
    this.dataSource = dataSource;
    this.server = server;
  }

  /** {@code host:port} of a {@code jdbc:postgresql://} URL, as errors show it. */
  static String server(String jdbcUrl) {
    Properties p = Driver.parseURL(jdbcUrl, null);
    if (p == null) {
      throw new IllegalArgumentException("'" + jdbcUrl + "' is not a PostgreSQL JDBC URL; write it as "
          + "jdbc:postgresql://HOST:5432/DATABASE");
    }
    String[] hosts = p.getProperty("PGHOST", "localhost").split(",");
    String[] ports = p.getProperty("PGPORT", "5432").split(",");
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < hosts.length; i++) {
      out.append(i == 0 ? "" : ",").append(hosts[i]).append(':').append(ports[Math.min(i, ports.length - 1)]);
    }
    return out.toString();
  }

  String server() { return server; }

  DataSource dataSource() { return dataSource; }

  /**
   * Runs {@code work} in auto-commit mode. A read is safe to repeat, so a connection found broken (the
   * server restarted since it was pooled) is replaced and the read tried once more.
   */
  <T> T read(String what, Work<T> work) {
    try {
      return once(work);
    } catch (SQLException first) {
      if (!brokenConnection(first)) {
        throw failure(what, first);
      }
      try {
        return once(work);
      } catch (SQLException second) {
        throw failure(what, second);
      }
    }
  }

  /** Runs {@code work} in one transaction: everything it wrote lands, or nothing does. */
  <T> T transaction(String what, Work<T> work) {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        T result = work.run(c);
        c.commit();
        return result;
      } catch (SQLException | RuntimeException e) {
        rollbackQuietly(c);
        throw e;
      }
    } catch (SQLException e) {
      throw failure(what, e);
    }
  }

  /** Runs a single statement in auto-commit mode, not retried (a write must not be applied twice). */
  <T> T write(String what, Work<T> work) {
    try {
      return once(work);
    } catch (SQLException e) {
      throw failure(what, e);
    }
  }

  /** One statement's rows, read in auto-commit mode (see {@link #read}). */
  <T> List<T> query(String what, String sql, Row<T> row, Object... params) {
    return read(what, c -> query(c, sql, row, params));
  }

  /** The first row of a query, if any. */
  <T> Optional<T> one(String what, String sql, Row<T> row, Object... params) {
    return read(what, c -> one(c, sql, row, params));
  }

  /** One statement that writes, in auto-commit mode (see {@link #write}); returns the rows it changed. */
  int update(String what, String sql, Object... params) {
    return write(what, c -> update(c, sql, params));
  }

  static <T> List<T> query(Connection c, String sql, Row<T> row, Object... params) throws SQLException {
    try (PreparedStatement ps = prepare(c, sql, params); ResultSet rs = ps.executeQuery()) {
      List<T> out = new ArrayList<>();
      while (rs.next()) {
        out.add(row.map(rs));
      }
      return out;
    }
  }

  static <T> Optional<T> one(Connection c, String sql, Row<T> row, Object... params) throws SQLException {
    try (PreparedStatement ps = prepare(c, sql, params); ResultSet rs = ps.executeQuery()) {
      return rs.next() ? Optional.ofNullable(row.map(rs)) : Optional.empty();
    }
  }

  static int update(Connection c, String sql, Object... params) throws SQLException {
    try (PreparedStatement ps = prepare(c, sql, params)) {
      return ps.executeUpdate();
    }
  }

  /**
   * A statement with its parameters bound: an {@link Instant} as {@code timestamptz}, a {@code String[]}
   * as {@code text[]}, {@code byte[]} as {@code bytea}, the rest as the driver maps them.
   */
  static PreparedStatement prepare(Connection c, String sql, Object... params) throws SQLException {
    PreparedStatement ps = c.prepareStatement(sql);
    try {
      for (int i = 0; i < params.length; i++) {
        Object p = params[i];
        if (p instanceof Instant t) {
          ps.setObject(i + 1, t.atOffset(ZoneOffset.UTC));
        } else if (p instanceof String[] texts) {
          ps.setArray(i + 1, c.createArrayOf("text", texts));
        } else if (p instanceof byte[] bytes) {
          ps.setBytes(i + 1, bytes);
        } else if (p == null) {
          ps.setNull(i + 1, Types.NULL);
        } else {
          ps.setObject(i + 1, p);
        }
      }
      return ps;
    } catch (SQLException | RuntimeException e) {
      ps.close();
      throw e;
    }
  }

  /** A connection of its own, for a lock held as long as its session; the caller closes it. */
  Connection connection(String what) {
    try {
      return dataSource.getConnection();
    } catch (SQLException e) {
      throw failure(what, e);
    }
  }

  private <T> T once(Work<T> work) throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      return work.run(c);
    }
  }

  private static void rollbackQuietly(Connection c) {
    try {
      c.rollback();
    } catch (SQLException ignored) {
      // the connection is gone; the server rolls the transaction back itself
    }
  }

  private static boolean brokenConnection(SQLException e) {
    return !(e instanceof SQLTransientConnectionException) && connectionLost(driverCause(e).getSQLState());
  }

  /** A connection failure (class 08) or the server shutting down or starting up (57P01-57P03). */
  private static boolean connectionLost(String state) {
    return state != null && (state.startsWith("08") || state.startsWith("57P0"));
  }

  /** The {@link StoreException} for a failed {@code what} ("read lineage 'shop'"). */
  StoreException failure(String what, SQLException e) {
    SQLException root = driverCause(e);
    String state = root.getSQLState() == null ? "" : root.getSQLState();
    String message = firstLine(root.getMessage());
    String text;
    if (state.startsWith("28")) {
      text = "PostgreSQL at " + server + " refused the login: " + message + "; check the store's user and password";
    } else if (state.equals("3D000")) {
      text = "PostgreSQL at " + server + ": " + message + "; create the database (createdb) or fix the store's url";
    } else if (e instanceof SQLTransientConnectionException || connectionLost(state)) {
      text = "cannot reach PostgreSQL at " + server + ": " + message + "; check that the server runs and accepts "
          + "connections from this host (listen_addresses, pg_hba.conf, firewall) and the store's url";
    } else if (state.equals("42501")) {
      text = "PostgreSQL at " + server + ": " + message + " while trying to " + what + "; grant the store's user "
          + "the rights on its tables (it owns them when it created them)";
    } else if (state.equals("CF001")) {
      text = "cannot " + what + ": " + message + "; the store's keys were re-sealed under a new key-encryption key: "
          + "configure this agent's keyEncryptionKey with the new key and restart it";
    } else {
      text = "PostgreSQL at " + server + ": cannot " + what + ": " + message + (state.isEmpty() ? "" : " (SQLSTATE " + state + ")");
    }
    return new StoreException(text, e);
  }

  private static SQLException driverCause(SQLException e) {
    Throwable t = e;
    SQLException last = e;
    while (t != null) {
      if (t instanceof SQLException s) {
        last = s;
      }
      t = t.getCause();
    }
    return last;
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "no message";
    }
    int nl = s.indexOf('\n');
    return (nl < 0 ? s : s.substring(0, nl)).strip();
  }
}
