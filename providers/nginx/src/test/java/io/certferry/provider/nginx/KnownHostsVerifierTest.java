package io.certferry.provider.nginx;

import static org.assertj.core.api.Assertions.assertThat;

import io.certferry.core.testing.RequiredTools;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.concurrent.TimeUnit;
import org.apache.sshd.common.config.keys.AuthorizedKeyEntry;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** known_hosts checks on keys made by ssh-keygen, without a server: plain, hashed, changed, revoked. */
class KnownHostsVerifierTest {
  @TempDir Path tmp;
  private String hostLine;
  private String otherLine;
  private PublicKey hostKey;

  @BeforeEach
  void keys() throws Exception {
    RequiredTools.require(SshdProcess.KEYGEN);
    SshdProcess.keygen(tmp.resolve("host"));
    SshdProcess.keygen(tmp.resolve("other"));
    hostLine = Files.readString(tmp.resolve("host.pub")).trim();
    otherLine = Files.readString(tmp.resolve("other.pub")).trim();
    hostKey = AuthorizedKeyEntry.parseAuthorizedKeyEntry(hostLine).resolvePublicKey(null, PublicKeyEntryResolver.IGNORING);
  }

  private KnownHostsVerifier verifier(String knownHosts, String host, int port) throws Exception {
    Path file = tmp.resolve("known_hosts");
    Files.writeString(file, knownHosts);
    return new KnownHostsVerifier(file, host, port);
  }

  @Test
  void acceptsTheListedKeyOnPort22AndInBracketFormOnOtherPorts() throws Exception {
    assertThat(verifier("web1.example.org " + hostLine + "\n", "web1.example.org", 22).verifyServerKey(null, null, hostKey)).isTrue();
    assertThat(verifier("[web1.example.org]:2222 " + hostLine + "\n", "web1.example.org", 2222).verifyServerKey(null, null, hostKey)).isTrue();
    KnownHostsVerifier wrongPort = verifier("[web1.example.org]:2222 " + hostLine + "\n", "web1.example.org", 22);
    assertThat(wrongPort.verifyServerKey(null, null, hostKey)).isFalse();
    assertThat(wrongPort.rejection()).get().asString().contains("ssh host web1.example.org is not in known_hosts");
  }

  @Test
  void acceptsHashedEntriesWrittenBySshKeygen() throws Exception {
    Path file = tmp.resolve("known_hosts");
    Files.writeString(file, "[web1.example.org]:2222 " + hostLine + "\n");
    Process p = new ProcessBuilder(SshdProcess.KEYGEN, "-H", "-f", file.toString()).redirectErrorStream(true).start();
    p.getInputStream().readAllBytes();
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(Files.readString(file)).startsWith("|1|").doesNotContain("web1");

    assertThat(new KnownHostsVerifier(file, "web1.example.org", 2222).verifyServerKey(null, null, hostKey)).isTrue();
    assertThat(new KnownHostsVerifier(file, "web2.example.org", 2222).verifyServerKey(null, null, hostKey)).isFalse();
  }

  @Test
  void aChangedKeyIsRefusedNamingBothKeysAndTheFix() throws Exception {
    KnownHostsVerifier v = verifier("web1.example.org " + otherLine + "\n", "web1.example.org", 22);

    assertThat(v.verifyServerKey(null, null, hostKey)).isFalse();

    assertThat(v.rejection()).get().asString()
        .contains("ssh host key of web1.example.org has CHANGED")
        .contains("it offered ssh-ed25519 key SHA256:")
        .contains("lists ssh-ed25519 key SHA256:")
        .contains("ssh-keygen -R 'web1.example.org' -f " + tmp.resolve("known_hosts"));
  }

  @Test
  void aRevokedKeyIsRefusedEvenWhenAlsoListed() throws Exception {
    KnownHostsVerifier v = verifier("@revoked * " + hostLine + "\nweb1.example.org " + hostLine + "\n", "web1.example.org", 22);
    assertThat(v.verifyServerKey(null, null, hostKey)).isFalse();
    assertThat(v.rejection()).get().asString().contains("marks @revoked");
  }
}
