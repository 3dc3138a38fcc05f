package io.certferry.provider.nginx;

import io.certferry.core.CertificateBundle;
import io.certferry.core.deploy.TlsProbe;
import io.certferry.core.testing.RequiredTools;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A real nginx master started by a test: its own prefix, config, pid file, logs and temp folders in a
 * temporary folder, one TLS server on a free 127.0.0.1 port. {@link #close()} stops it (nginx -s quit,
 * then the process it started, never anything else). Public (in the test-jar) for the agent's end-to-end tests.
 */
public final class NginxProcess implements AutoCloseable {
  static final String NGINX = "/usr/sbin/nginx";

  private final Path dir;
  private final int port;
  private final Process process;

  private NginxProcess(Path dir, int port, Process process) {
    this.dir = dir;
    this.port = port;
    this.process = process;
  }

  /** Starts nginx serving {@code initial} for every name, and waits until a handshake shows it. */
  public static NginxProcess start(Path dir, CertificateBundle initial) throws IOException {
    RequiredTools.require(NGINX);
    Files.createDirectories(dir.resolve("tls"));
    Files.write(dir.resolve("tls/fullchain.pem"), Pem.certificates(initial.fullChain()));
    Files.write(dir.resolve("tls/key.pem"), Pem.privateKey(initial.privateKey()));
    int port = Poll.freePort();
    Files.writeString(dir.resolve("nginx.conf"), config(dir, port, ""));
    Process p = new ProcessBuilder(NGINX, "-p", dir + "/", "-c", dir + "/nginx.conf", "-e", dir + "/error.log")
        .redirectErrorStream(true).redirectOutput(dir.resolve("nginx.out").toFile()).start();
    NginxProcess nginx = new NginxProcess(dir, port, p);
    try {
      Poll.until(Duration.ofSeconds(15), "nginx on 127.0.0.1:" + port + " to serve the first certificate", () -> {
        if (!p.isAlive()) {
          throw new AssertionError("nginx exited: " + Files.readString(dir.resolve("error.log")));
        }
        return initial.sha256().equals(nginx.servedSha256(initial.names().get(0)));
      });
    } catch (RuntimeException | Error e) {
      nginx.close();
      throw e;
    }
    return nginx;
  }

  private static String config(Path dir, int port, String extraListen) {
    return String.join("\n",
        "daemon off;",
        "master_process on;",
        "user root;",
        "worker_processes 1;",
        "pid " + dir + "/nginx.pid;",
        "error_log " + dir + "/error.log notice;",
        "events { worker_connections 64; }",
        "http {",
        "  access_log off;",
        "  client_body_temp_path " + dir + "/client_body;",
        "  proxy_temp_path " + dir + "/proxy;",
        "  fastcgi_temp_path " + dir + "/fastcgi;",
        "  uwsgi_temp_path " + dir + "/uwsgi;",
        "  scgi_temp_path " + dir + "/scgi;",
        "  server {",
        "    listen 127.0.0.1:" + port + " ssl;",
        extraListen,
        "    server_name a.test www.a.test;",
        "    ssl_certificate " + dir + "/tls/fullchain.pem;",
        "    ssl_certificate_key " + dir + "/tls/key.pem;",
        "    return 200 'ok';",
        "  }",
        "}", "");
  }

  /** Adds a second listen directive, so the next reload must bind that port too. */
  public void addListen(int otherPort) throws IOException {
    Files.writeString(dir.resolve("nginx.conf"), config(dir, port, "    listen 127.0.0.1:" + otherPort + " ssl;"));
  }

  public String servedSha256(String serverName) throws IOException {
    return new TlsProbe(Duration.ofSeconds(3)).servedFingerprint("127.0.0.1", port, serverName);
  }

  public int port() { return port; }

  public Path dir() { return dir; }

  public Path certificate() { return dir.resolve("tls/fullchain.pem"); }

  public Path key() { return dir.resolve("tls/key.pem"); }

  public Path errorLog() { return dir.resolve("error.log"); }

  /** nginx with this test's prefix, config and early error log: {@code flags} appended. */
  public String command(String flags) {
    return NGINX + " -p " + dir + "/ -c " + dir + "/nginx.conf -e " + dir + "/error.log " + flags;
  }

  public String errorLogText() throws IOException {
    return Files.exists(errorLog()) ? Files.readString(errorLog(), StandardCharsets.UTF_8) : "";
  }

  @Override
  public void close() {
    try {
      new ProcessBuilder("sh", "-c", command("-s quit")).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(10, TimeUnit.SECONDS);
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (IOException | InterruptedException e) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
    }
  }
}
