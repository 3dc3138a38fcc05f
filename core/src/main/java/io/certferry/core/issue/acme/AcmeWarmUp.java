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
 * Start-up work that the first order of a JVM waits for, begun on a daemon thread when the first ACME
 * issuer is built, so that it overlaps with reading the config and reaching the CA: the JDK's
 * elliptic-curve key generator, acme4j's signing of a request (through jose4j, whose algorithm registry
 * probes every JWS and JWE algorithm against the JCA: 130-170 ms with the launcher's class-data archive,
 * 0.3 s without) and the JDK's default TLS context. The request is signed with a throwaway key and never
 * sent. Whoever needs one of these first still gets it: the JDK and jose4j make a second caller wait for
 * the first. Nothing here is kept.
 *
 * <p>Measured side by side on the first certificate of a fresh account ({@code run --once} against Pebble,
 * 12 interleaved runs each): 0.86 s against 0.92 s without, and 1.03 s against 1.08 s on a busier minute.
 * Started later, when the issuer is first asked for a certificate, it gained nothing: the CA's first
 * answers come before it is done. The price is about 0.2 s of CPU on the other core in a process whose
 * pass finds nothing due.
 */
final class AcmeWarmUp {
  private static final AtomicBoolean STARTED = new AtomicBoolean();

  private AcmeWarmUp() {}

  /** Starts the warm-up once per JVM, on a daemon thread of its own; later calls do nothing. */
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
