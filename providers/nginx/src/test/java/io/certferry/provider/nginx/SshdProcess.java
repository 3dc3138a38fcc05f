package io.certferry.provider.nginx;

import io.certferry.core.testing.RequiredTools;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's OpenSSH server started by a test in the foreground on a free 127.0.0.1 port, with a fresh
 * ed25519 host key and one authorised client key, both generated in a temporary folder. Public (in the
 * test-jar) for the agent's end-to-end tests.
 */
public final class SshdProcess implements AutoCloseable {
  static final String SSHD = "/usr/sbin/sshd";
  static final String KEYGEN = "/usr/bin/ssh-keygen";
  static final String SFTP_SERVER = "/usr/lib/openssh/sftp-server";

  private final Path dir;
  private final int port;
  private final Process process;

  private SshdProcess(Path dir, int port, Process process) {
    this.dir = dir;
    this.port = port;
    this.process = process;
  }

  public static SshdProcess start(Path dir) throws IOException, InterruptedException {
    RequiredTools.requireAll(SSHD, KEYGEN, SFTP_SERVER);
    Files.createDirectories(dir);
    Path privsep = Path.of("/run/sshd"); // sshd refuses to start without its privilege separation folder
    if (!Files.isDirectory(privsep)) {
      Files.createDirectories(privsep);
    }
    keygen(dir.resolve("host_ed25519"));
    keygen(dir.resolve("client_ed25519"));
    Files.copy(dir.resolve("client_ed25519.pub"), dir.resolve("authorized_keys"));
    int port = Poll.freePort();
    Files.writeString(dir.resolve("sshd_config"), String.join("\n",
        "Port " + port,
        "ListenAddress 127.0.0.1",
        "HostKey " + dir.resolve("host_ed25519"),
        "PermitRootLogin prohibit-password",
        "PubkeyAuthentication yes",
        "PasswordAuthentication no",
        "KbdInteractiveAuthentication no",
        "AuthorizedKeysFile " + dir.resolve("authorized_keys"),
        "StrictModes no",
        "UsePAM no",
        "PidFile " + dir.resolve("sshd.pid"),
        "Subsystem sftp " + SFTP_SERVER,
        ""));
    Process p = new ProcessBuilder(SSHD, "-D", "-e", "-f", dir.resolve("sshd_config").toString())
        .redirectErrorStream(true).redirectOutput(dir.resolve("sshd.log").toFile()).start();
    SshdProcess sshd = new SshdProcess(dir, port, p);
    try {
      Poll.until(Duration.ofSeconds(15), "sshd on 127.0.0.1:" + port + " to greet", () -> {
        if (!p.isAlive()) {
          throw new AssertionError("sshd exited: " + Files.readString(dir.resolve("sshd.log")));
        }
        return sshd.banner().startsWith("SSH-2.0-");
      });
    } catch (RuntimeException | Error e) {
      sshd.close();
      throw e;
    }
    return sshd;
  }

  /** Generates an ed25519 key pair without a passphrase at {@code file} and {@code file.pub}. */
  public static void keygen(Path file) throws IOException, InterruptedException {
    Process k = new ProcessBuilder(KEYGEN, "-q", "-t", "ed25519", "-N", "", "-C", "certferry-test", "-f", file.toString())
        .redirectErrorStream(true).start();
    String out = new String(k.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!k.waitFor(30, TimeUnit.SECONDS) || k.exitValue() != 0) {
      throw new IOException("ssh-keygen failed: " + out);
    }
  }

  private String banner() throws IOException {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
      s.setSoTimeout(2000);
      return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII)).readLine();
    }
  }

  public int port() { return port; }

  public Path clientKey() { return dir.resolve("client_ed25519"); }

  /** A known_hosts file listing this server's real host key. */
  public Path knownHosts() throws IOException {
    return writeKnownHosts("known_hosts", dir.resolve("host_ed25519.pub"));
  }

  /** A known_hosts file listing some other ed25519 key for this server, as after a re-key or an attack. */
  public Path knownHostsWithAnotherKey() throws IOException, InterruptedException {
    Path other = dir.resolve("other_host_ed25519");
    keygen(other);
    return writeKnownHosts("known_hosts_changed", Path.of(other + ".pub"));
  }

  /** A known_hosts file that lists only an unrelated host. */
  public Path knownHostsWithoutThisHost() throws IOException {
    String key = Files.readString(dir.resolve("host_ed25519.pub")).trim();
    Path file = dir.resolve("known_hosts_other");
    Files.writeString(file, "[127.0.0.1]:" + otherPort() + " " + key + "\nweb9.example.org " + key + "\n");
    return file;
  }

  private int otherPort() { return port == 65535 ? 1 : port + 1; }

  private Path writeKnownHosts(String name, Path pub) throws IOException {
    List<String> parts = List.of(Files.readString(pub).trim().split("\\s+"));
    Path file = dir.resolve(name);
    Files.writeString(file, "[127.0.0.1]:" + port + " " + parts.get(0) + " " + parts.get(1) + "\n");
    return file;
  }

  public String log() throws IOException { return Files.readString(dir.resolve("sshd.log")); }

  @Override
  public void close() {
    process.destroy(); // SIGTERM: the listener exits; session children end with their connections
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
