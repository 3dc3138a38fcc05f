package io.certferry.core.issue.acme;

import java.net.MalformedURLException;
import java.net.URL;
import java.security.GeneralSecurityException;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLContext;
import org.shredzone.acme4j.toolbox.JSONBuilder;
import org.shredzone.acme4j.toolbox.JoseUtils;

/**
 * Start-up work that every first order of a JVM waits for, begun on a spare core when the first ACME
 * issuer is built, so that it overlaps with reading the config and reaching the CA instead of following
 * them: the JDK's elliptic-curve key generator, acme4j's signing of a request (through jose4j, whose
 * algorithm registry probes every JWS and JWE algorithm against the JCA: about 0.3 s before the first
 * signature) and the JDK's default TLS context (the CA certificates of {@code cacerts}). The request is
 * signed with a throwaway key and never sent. Whoever needs one of these first still gets it: the JDK and
 * jose4j make a second caller wait for the first. Nothing here is kept.
 */
final class AcmeWarmUp {
  private static final AtomicBoolean STARTED = new AtomicBoolean();

  private AcmeWarmUp() {}

  /** Starts the warm-up once per JVM, on a daemon thread of its own. */
  static void start() {
    if (STARTED.compareAndSet(false, true)) {
      Thread t = new Thread(AcmeWarmUp::run, "certferry-acme-warm-up");
      t.setDaemon(true);
      t.setPriority(Thread.MIN_PRIORITY);
      t.start();
    }
  }

  private static void run() {
    try {
      KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
      ec.initialize(new ECGenParameterSpec("secp256r1"));
      JoseUtils.createJoseRequest(new URL("https://warm-up.invalid/"), ec.generateKeyPair(), new JSONBuilder(),
          "warm-up", null);
      SSLContext.getDefault();
    } catch (GeneralSecurityException | MalformedURLException | RuntimeException unavailable) {
      // Then the order that needs it reports it; a warm-up has nobody to tell.
    }
  }
}
