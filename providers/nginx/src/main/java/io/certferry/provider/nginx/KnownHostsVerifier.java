package io.certferry.provider.nginx;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.sshd.client.config.hosts.KnownHostEntry;
import org.apache.sshd.client.keyverifier.ServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;

/**
 * Accepts a server only when its host key is listed for it in an OpenSSH known_hosts file (plain or
 * hashed entries, {@code [host]:port} form for other ports). Never learns keys: an unknown or changed
 * key is refused, and {@link #rejection()} says which key was offered and how to fix it.
 */
final class KnownHostsVerifier implements ServerKeyVerifier {
  private final Path knownHosts;
  private final String host;
  private final int port;
  private volatile String rejection;

  KnownHostsVerifier(Path knownHosts, String host, int port) {
    this.knownHosts = knownHosts;
    this.host = host;
    this.port = port;
  }

  /** Why the last offered key was refused, when it was. */
  Optional<String> rejection() { return Optional.ofNullable(rejection); }

  @Override
  public boolean verifyServerKey(ClientSession session, SocketAddress remote, PublicKey offered) {
    List<KnownHostEntry> entries;
    try {
      entries = Files.exists(knownHosts) ? KnownHostEntry.readKnownHostEntries(knownHosts) : List.of();
    } catch (IOException | RuntimeException e) {
      return refuse("cannot read known_hosts file " + knownHosts + ": " + e.getMessage()
          + "; fix the file or point ssh.knownHosts at a readable one");
    }
    List<String> listed = new ArrayList<>();
    for (KnownHostEntry entry : entries) {
      if (!entry.isHostMatch(host, port) || "@cert-authority".equals(marker(entry))) {
        continue;
      }
      Optional<PublicKey> known = resolve(entry);
      if (known.isEmpty()) {
        continue;
      }
      boolean same = KeyUtils.compareKeys(known.get(), offered);
      if ("@revoked".equals(marker(entry))) {
        if (same) {
          return refuse("ssh host " + hostText() + " offered " + keyText(offered) + ", which " + knownHosts
              + " marks @revoked; refusing to connect");
        }
        continue;
      }
      if (same) {
        return true;
      }
      listed.add(keyText(known.get()));
    }
    return listed.isEmpty() ? refuse(unknownMessage(offered)) : refuse(changedMessage(offered, listed));
  }

  private String unknownMessage(PublicKey offered) {
    return "ssh host " + hostText() + " is not in known_hosts file " + knownHosts + " (it offered " + keyText(offered)
        + "); refusing to connect. Check that fingerprint against the server (ssh-keygen -lf "
        + "/etc/ssh/ssh_host_*_key.pub on it), then add the key: ssh-keyscan -p " + port + " -t "
        + shortType(offered) + " " + host + " >> " + knownHosts;
  }

  private String changedMessage(PublicKey offered, List<String> listed) {
    return "ssh host key of " + hostText() + " has CHANGED: it offered " + keyText(offered) + " but known_hosts file "
        + knownHosts + " lists " + String.join(", ", listed) + " for it; refusing to connect (this can be an attack). "
        + "If the server was re-keyed on purpose, check the new fingerprint, then run ssh-keygen -R '" + hostText()
        + "' -f " + knownHosts + " and add the new key";
  }

  private boolean refuse(String message) {
    rejection = message;
    return false;
  }

  private String hostText() { return port == 22 ? host : "[" + host + "]:" + port; }

  private static String keyText(PublicKey key) {
    return KeyUtils.getKeyType(key) + " key " + KeyUtils.getFingerPrint(key);
  }

  /** {@code ed25519}, {@code ecdsa}, {@code rsa}: the names ssh-keyscan -t takes. */
  private static String shortType(PublicKey key) {
    String type = String.valueOf(KeyUtils.getKeyType(key));
    if (type.contains("ed25519")) return "ed25519";
    if (type.startsWith("ecdsa")) return "ecdsa";
    return "rsa";
  }

  private static String marker(KnownHostEntry entry) {
    String m = entry.getMarker();
    return m == null ? "" : (m.startsWith("@") ? m : "@" + m);
  }

  private static Optional<PublicKey> resolve(KnownHostEntry entry) {
    try {
      return Optional.ofNullable(entry.getKeyEntry()).map(k -> {
        try {
          return k.resolvePublicKey(null, Map.of(), PublicKeyEntryResolver.IGNORING);
        } catch (IOException | GeneralSecurityException e) {
          return null; // a key type this client cannot read cannot match the offered key either
        }
      });
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }
}
