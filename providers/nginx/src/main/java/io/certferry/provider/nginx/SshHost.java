package io.certferry.provider.nginx;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.apache.sshd.client.config.hosts.HostConfigEntryResolver;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.config.keys.FilePasswordProvider;
import org.apache.sshd.common.keyprovider.KeyIdentityProvider;
import org.apache.sshd.common.util.io.resource.PathResource;
import org.apache.sshd.common.util.security.SecurityUtils;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.SftpClientFactory;
import org.apache.sshd.sftp.client.extensions.openssh.OpenSSHFsyncExtension;
import org.apache.sshd.sftp.client.extensions.openssh.OpenSSHPosixRenameExtension;
import org.apache.sshd.sftp.common.SftpConstants;
import org.apache.sshd.sftp.common.SftpException;

/**
 * Another machine over SSH (Apache MINA sshd): key authentication only, the host key checked
 * against a known_hosts file, files through SFTP, commands through exec channels.
 */
final class SshHost implements Host {
  private static final int CHUNK = 32 * 1024;

  private final SshSettings settings;
  private final SshClient client;
  private final ClientSession session;
  private final Map<String, int[]> ids = new HashMap<>();
  private SftpClient sftp;

  private SshHost(SshSettings settings, SshClient client, ClientSession session) {
    this.settings = settings;
    this.client = client;
    this.session = session;
  }

  /**
   * Connects and logs in.
   *
   * @throws HostKeyRejectedException when the server's key is not the one known_hosts lists for it
   * @throws IOException when the key file cannot be read, the server cannot be reached or refuses the key
   */
  static SshHost connect(SshSettings s) throws IOException {
    List<KeyPair> identities = loadKey(s);
    SshClient client = SshClient.setUpDefaultClient();
    KnownHostsVerifier verifier = new KnownHostsVerifier(s.knownHosts(), s.host(), s.port());
    client.setServerKeyVerifier(verifier);
    // Only what the settings say: no ~/.ssh/config, no default identities, no agent.
    client.setHostConfigEntryResolver(HostConfigEntryResolver.EMPTY);
    client.setKeyIdentityProvider(KeyIdentityProvider.EMPTY_KEYS_PROVIDER);
    client.start();
    try {
      ClientSession session = client.connect(s.user(), s.host(), s.port()).verify(s.connectTimeout()).getSession();
      identities.forEach(session::addPublicKeyIdentity);
      session.auth().verify(s.connectTimeout());
      return new SshHost(s, client, session);
    } catch (IOException | RuntimeException e) {
      client.stop();
      if (verifier.rejection().isPresent()) {
        throw new HostKeyRejectedException(verifier.rejection().get());
      }
      throw new IOException("ssh to " + s.describe() + " failed: " + e.getMessage()
          + " (check ssh.host, ssh.port, that ssh.user may log in with ssh.keyFile " + s.keyFile() + ")", e);
    }
  }

  private static List<KeyPair> loadKey(SshSettings s) throws IOException {
    if (!Files.isReadable(s.keyFile())) {
      throw new IOException("ssh.keyFile " + s.keyFile() + " does not exist or is not readable");
    }
    FilePasswordProvider passwords = s.keyPassphrase().map(FilePasswordProvider::of).orElse(FilePasswordProvider.EMPTY);
    List<KeyPair> keys = new ArrayList<>();
    try (InputStream in = Files.newInputStream(s.keyFile())) {
      Iterable<KeyPair> loaded = SecurityUtils.loadKeyPairIdentities(null, new PathResource(s.keyFile()), in, passwords);
      if (loaded != null) {
        loaded.forEach(keys::add);
      }
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new IOException("ssh.keyFile " + s.keyFile() + " cannot be read as a private key: " + e.getMessage()
          + " (wrong ssh.keyPassphrase, or not an OpenSSH/PEM key)", e);
    }
    if (keys.isEmpty()) {
      throw new IOException("ssh.keyFile " + s.keyFile() + " holds no private key");
    }
    return keys;
  }

  @Override
  public String describe() { return settings.describe(); }

  @Override
  public Optional<byte[]> read(String path) throws IOException {
    try (InputStream in = sftp().read(path)) {
      return Optional.of(in.readAllBytes());
    } catch (SftpException e) {
      if (e.getStatus() == SftpConstants.SSH_FX_NO_SUCH_FILE) {
        return Optional.empty();
      }
      throw e;
    }
  }

  @Override
  public Optional<Long> size(String path) throws IOException {
    try {
      return Optional.of(sftp().stat(path).getSize());
    } catch (SftpException e) {
      if (e.getStatus() == SftpConstants.SSH_FX_NO_SUCH_FILE) {
        return Optional.empty();
      }
      throw e;
    }
  }

  @Override
  public byte[] readFrom(String path, long offset, int max) throws IOException {
    try (SftpClient.CloseableHandle h = sftp().open(path, SftpClient.OpenMode.Read)) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      byte[] buf = new byte[Math.min(CHUNK, Math.max(1, max))];
      while (out.size() < max) {
        int n = sftp.read(h, offset + out.size(), buf, 0, Math.min(buf.length, max - out.size()));
        if (n <= 0) {
          break;
        }
        out.write(buf, 0, n);
      }
      return out.toByteArray();
    } catch (SftpException e) {
      if (e.getStatus() == SftpConstants.SSH_FX_NO_SUCH_FILE) {
        return new byte[0];
      }
      throw e;
    }
  }

  @Override
  public void writeAtomically(String path, byte[] data, FileSpec spec) throws IOException {
    int slash = path.lastIndexOf('/');
    String tmp = path.substring(0, slash + 1) + TempNames.next(path.substring(slash + 1));
    SftpClient sftp = sftp();
    try {
      try (SftpClient.CloseableHandle h = sftp.open(tmp, EnumSet.of(SftpClient.OpenMode.Write,
          SftpClient.OpenMode.Create, SftpClient.OpenMode.Exclusive))) {
        // Mode and owner first, data second: a key is never readable by others, not even for a moment.
        SftpClient.Attributes attrs = new SftpClient.Attributes().perms(spec.mode());
        Optional<int[]> ids = numericIds(spec);
        if (ids.isPresent()) {
          SftpClient.Attributes now = sftp.stat(h);
          attrs.owner(ids.get()[0] < 0 ? now.getUserId() : ids.get()[0], ids.get()[1] < 0 ? now.getGroupId() : ids.get()[1]);
        }
        sftp.setStat(h, attrs);
        for (int off = 0; off < data.length; off += CHUNK) {
          sftp.write(h, off, data, off, Math.min(CHUNK, data.length - off));
        }
        OpenSSHFsyncExtension fsync = sftp.getExtension(OpenSSHFsyncExtension.class);
        if (fsync != null && fsync.isSupported()) {
          fsync.fsync(h);
        }
      }
      rename(sftp, tmp, path);
    } catch (IOException e) {
      removeQuietly(sftp, tmp);
      throw new IOException("writing " + path + " on " + describe() + " failed: " + e.getMessage(), e);
    }
  }

  /**
   * The numeric uid and gid (-1 where not set) for the spec's owner and group. SFTP v3 only carries
   * numbers, so names are resolved on the server, once per connection.
   */
  private Optional<int[]> numericIds(FileSpec spec) throws IOException {
    if (spec.chownSpec().isEmpty()) {
      return Optional.empty();
    }
    int[] cached = ids.get(spec.chownSpec().get());
    if (cached != null) {
      return Optional.of(cached);
    }
    String uid = spec.owner().map(o -> o.matches("\\d+") ? o : "$(id -u " + Shell.quote(o) + ")").orElse("-1");
    String gid = spec.group().map(g -> g.matches("\\d+") ? g : "$(getent group " + Shell.quote(g) + " | cut -d: -f3)").orElse("-1");
    CommandResult r = run("echo \"" + uid + " " + gid + "\"", settings.connectTimeout());
    String[] parts = r.stdout().trim().split("\\s+");
    if (!r.succeeded() || parts.length != 2 || !parts[0].matches("-?\\d+") || !parts[1].matches("-?\\d+")) {
      throw new IOException("owner/group " + spec.chownSpec().get() + " does not exist on " + describe()
          + " (" + r.output() + "); create them there or fix owner/group");
    }
    int[] resolved = {Integer.parseInt(parts[0]), Integer.parseInt(parts[1])};
    ids.put(spec.chownSpec().get(), resolved);
    return Optional.of(resolved);
  }

  private static void rename(SftpClient sftp, String from, String to) throws IOException {
    OpenSSHPosixRenameExtension posix = sftp.getExtension(OpenSSHPosixRenameExtension.class);
    if (posix != null && posix.isSupported()) {
      posix.posixRename(from, to); // rename(2): atomic replace
    } else {
      sftp.rename(from, to, SftpClient.CopyMode.Atomic, SftpClient.CopyMode.Overwrite);
    }
  }

  private static void removeQuietly(SftpClient sftp, String path) {
    try {
      sftp.remove(path);
    } catch (IOException ignored) {
      // it was never created, or the connection is gone; the name is ours and harmless
    }
  }

  @Override
  public void delete(String path) throws IOException {
    try {
      sftp().remove(path);
    } catch (SftpException e) {
      if (e.getStatus() != SftpConstants.SSH_FX_NO_SUCH_FILE) {
        throw e;
      }
    }
  }

  @Override
  public CommandResult run(String command, Duration timeout) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try (ChannelExec channel = session.createExecChannel(command)) {
      channel.setOut(out);
      channel.setErr(err);
      channel.open().verify(timeout);
      Set<ClientChannelEvent> events = channel.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), timeout);
      if (events.contains(ClientChannelEvent.TIMEOUT)) {
        throw new IOException("command `" + command + "` on " + describe() + " did not finish within "
            + timeout.toSeconds() + " s; raise commandTimeout or fix the command");
      }
      Integer status = channel.getExitStatus();
      return new CommandResult(command, status == null ? -1 : status,
          out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
  }

  private SftpClient sftp() throws IOException {
    if (sftp == null) {
      sftp = SftpClientFactory.instance().createSftpClient(session);
    }
    return sftp;
  }

  @Override
  public void close() {
    try {
      if (sftp != null) {
        sftp.close();
      }
      session.close();
    } catch (IOException ignored) {
      // closing a connection we are done with
    } finally {
      client.stop();
    }
  }
}
