package io.certferry.provider.nginx;

import io.certferry.core.deploy.TlsProbe;
import io.certferry.core.doctor.CheckResult;

import java.io.IOException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks one nginx frontend before go-live without changing it: the host key is known and the login works (SSH),
 * the folders of the certificate and key files are writable, the configuration test passes, and the address the
 * deploy proves at answers TLS.
 */
final class FrontendDoctor {
  private final String check;
  private final HostOpener opener;
  private final TlsProbe chains;

  FrontendDoctor(String check, HostOpener opener, TlsProbe chains) {
    this.check = check;
    this.opener = opener;
    this.chains = chains;
  }

  List<CheckResult> diagnose(Frontend f) {
    String who = "frontend " + f.name();
    List<CheckResult> out = new ArrayList<>();
    try (Host host = opener.open(f)) {
      out.add(CheckResult.ok(check, who + " login", f.ssh().isPresent() ? "host key known, logged in to " + host.describe()
          : "runs on this machine"));
      writable(host, who, "certificate folder", f.certificatePath(), f.commandTimeout(), out);
      writable(host, who, "key folder", f.keyPath(), f.commandTimeout(), out);
      CommandResult test = host.run(f.testCommand(), f.commandTimeout());
      out.add(test.succeeded() ? CheckResult.ok(check, who + " config test", "`" + f.testCommand() + "` passes")
          : CheckResult.fail(check, who + " config test", "`" + f.testCommand() + "` fails (exit " + test.exitStatus()
              + "): " + clip(test.output()), "fix nginx's configuration until `" + f.testCommand() + "` passes on "
              + host.describe()));
    } catch (HostKeyRejectedException e) {
      out.add(CheckResult.fail(check, who + " host key", e.getMessage(), "check the host's key fingerprint out of band, "
          + "then add it to the known_hosts file the target names (ssh-keyscan -p PORT HOST)"));
      return out;
    } catch (IOException e) {
      out.add(CheckResult.fail(check, who + " login", "cannot log in: " + e.getMessage(), "check the host, port, user "
          + "and key of the target's ssh settings (ssh -i KEY -p PORT USER@HOST true)"));
      return out;
    }
    f.address().ifPresent(a -> out.add(tls(who, a, f.serverNames().isEmpty() ? null : f.serverNames().get(0))));
    return out;
  }

  private void writable(Host host, String who, String what, String path, Duration timeout, List<CheckResult> out)
      throws IOException {
    int slash = path.lastIndexOf('/');
    String dir = slash <= 0 ? "/" : path.substring(0, slash);
    CommandResult r = host.run("test -d " + quote(dir) + " && test -w " + quote(dir), timeout);
    out.add(r.succeeded() ? CheckResult.ok(check, who + " " + what, dir + " is writable")
        : CheckResult.fail(check, who + " " + what, dir + " is missing or not writable on " + host.describe(),
            "create it and give the login user write access (a deploy writes " + path + " next to a temporary file)"));
  }

  private CheckResult tls(String who, Address a, String sni) {
    try {
      List<X509Certificate> chain = chains.servedChain(a.host(), a.port(), sni);
      X509Certificate leaf = chain.get(0);
      return CheckResult.ok(check, who + " TLS", a + " answers TLS (serves " + leaf.getSubjectX500Principal().getName()
          + " until " + leaf.getNotAfter().toInstant() + ")");
    } catch (IOException e) {
      return CheckResult.fail(check, who + " TLS", a + " does not answer TLS: " + e.getMessage(), "check the frontend's "
          + "address and that nginx listens there with ssl; the deploy proves the new certificate by this handshake");
    }
  }

  private static String quote(String s) { return "'" + s.replace("'", "'\\''") + "'"; }

  private static String clip(String text) {
    String t = text.strip();
    return t.length() > 300 ? t.substring(0, 300) + "..." : t;
  }
}
