package io.certferry.provider.postgresql;

import io.certferry.core.testing.RequiredTools;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A real PostgreSQL 15 (Debian's {@code postgresql} package) for tests: a new cluster in a temporary
 * folder, on a free loopback port, password login (SCRAM), stopped and removed by {@link #close()}.
 * PostgreSQL refuses to run as root, so under root it runs as {@code nobody}. Missing binaries skip the
 * test, or fail it under {@code CERTFERRY_REQUIRE_E2E=1}.
 */
public final class PostgresServer implements AutoCloseable {
  public static final Path BIN = Path.of("/usr/lib/postgresql/15/bin");
  private static final String USER = "certferry";
  private static final AtomicInteger DATABASES = new AtomicInteger();

  private final Path root;
  private final Path data;
  private final String password;
  private final boolean asNobody;
  private final Thread shutdownHook;
  private int port;
  private boolean running;

  private PostgresServer(Path root, String password, boolean asNobody) {
    this.root = root;
    this.data = root.resolve("data");
    this.password = password;
    this.asNobody = asNobody;
    this.shutdownHook = new Thread(this::stopQuietly, "postgres-test-stop");
  }

  /** A new cluster, started. */
  public static PostgresServer start() throws IOException {
    for (String tool : List.of("initdb", "pg_ctl", "postgres", "pg_dump")) {
      RequiredTools.requireCapability(Files.isExecutable(BIN.resolve(tool)), BIN.resolve(tool) + " is not installed; "
          + "install PostgreSQL 15 (Debian: apt-get install -y postgresql) to run this test");
    }
    boolean asNobody = "root".equals(System.getProperty("user.name"));
    Path root = Files.createTempDirectory("certferry-pg-");
    byte[] pw = new byte[12];
    new SecureRandom().nextBytes(pw);
    PostgresServer server = new PostgresServer(root, HexFormat.of().formatHex(pw), asNobody);
    Path pwfile = Files.writeString(root.resolve("pwfile"), server.password + "\n");
    Files.createDirectory(root.resolve("sock"));
    if (asNobody) {
      UserPrincipal nobody = root.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
      for (Path p : List.of(root, pwfile, root.resolve("sock"))) {
        Files.setOwner(p, nobody);
      }
    }
    server.run(60, "initdb", "-D", server.data.toString(), "-U", USER, "--pwfile=" + pwfile, "--auth=scram-sha-256",
        "-E", "UTF8", "--locale=C.UTF-8", "--no-sync");
    Runtime.getRuntime().addShutdownHook(server.shutdownHook);
    server.port = freePort();
    server.startAgain();
    return server;
  }

  /** Starts the stopped server again, on the same port and data. */
  public void startAgain() throws IOException {
    run(60, "pg_ctl", "-D", data.toString(), "-l", root.resolve("server.log").toString(), "-w", "-t", "60", "-o",
        "-p " + port + " -k " + root.resolve("sock") + " -c listen_addresses=127.0.0.1 -c fsync=off "
            + "-c synchronous_commit=off -c full_page_writes=off -c max_connections=300", "start");
    running = true;
  }

  /** Stops the server (fast shutdown: sessions are cut, as in a restart under the agents). */
  public void stop() throws IOException {
    run(60, "pg_ctl", "-D", data.toString(), "-m", "fast", "-w", "-t", "60", "stop");
    running = false;
  }

  public int port() { return port; }

  public String user() { return USER; }

  public String password() { return password; }

  public String url(String database) { return "jdbc:postgresql://127.0.0.1:" + port + "/" + database; }

  /** A new, empty database; each test gets its own. */
  public String createDatabase() throws SQLException {
    String name = "t" + DATABASES.incrementAndGet();
    sql("postgres", "CREATE DATABASE " + name);
    return name;
  }

  /** Runs statements as the superuser. */
  public void sql(String database, String... statements) throws SQLException {
    try (Connection c = DriverManager.getConnection(url(database), USER, password); Statement st = c.createStatement()) {
      for (String s : statements) {
        st.execute(s);
      }
    }
  }

  /** A plain-text {@code pg_dump} of the database: everything a backup would carry. */
  public String dump(String database) throws IOException {
    Path out = Files.createTempFile("certferry-dump-", ".sql");
    try {
      ProcessBuilder pb = new ProcessBuilder(BIN.resolve("pg_dump").toString(), "-h", "127.0.0.1", "-p",
          Integer.toString(port), "-U", USER, "-d", database, "-f", out.toString());
      pb.environment().put("PGPASSWORD", password);
      await(pb, 120, "pg_dump");
      return Files.readString(out, StandardCharsets.UTF_8);
    } finally {
      Files.deleteIfExists(out);
    }
  }

  @Override
  public void close() throws IOException {
    try {
      if (running) {
        stop();
      }
    } finally {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
      try (Stream<Path> s = Files.walk(root)) {
        for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  private void stopQuietly() {
    if (running) {
      try {
        run(30, "pg_ctl", "-D", data.toString(), "-m", "immediate", "-w", "stop");
      } catch (IOException ignored) {
        // the JVM is exiting; nothing else to try
      }
    }
  }

  private void run(int seconds, String tool, String... args) throws IOException {
    List<String> cmd = new ArrayList<>();
    if (asNobody) {
      cmd.addAll(List.of("runuser", "-u", "nobody", "--"));
    }
    cmd.add(BIN.resolve(tool).toString());
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(root.toFile());
    pb.environment().putAll(Map.of("LC_ALL", "C.UTF-8"));
    await(pb, seconds, tool);
  }

  private void await(ProcessBuilder pb, int seconds, String tool) throws IOException {
    Path log = Files.createTempFile("certferry-pg-cmd-", ".log");
    try {
      Process p = pb.redirectErrorStream(true).redirectOutput(log.toFile()).start();
      if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException(tool + " did not finish within " + seconds + " s: " + Files.readString(log));
      }
      if (p.exitValue() != 0) {
        String serverLog = Files.exists(root.resolve("server.log")) ? Files.readString(root.resolve("server.log")) : "";
        throw new IOException(tool + " failed (exit " + p.exitValue() + "): " + Files.readString(log) + "\n" + serverLog);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while running " + tool, e);
    } finally {
      Files.deleteIfExists(log);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      return s.getLocalPort();
    }
  }
}
