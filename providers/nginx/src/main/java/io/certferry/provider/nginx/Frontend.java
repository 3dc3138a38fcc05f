package io.certferry.provider.nginx;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * One nginx server the certificate goes to, with everything a deploy needs to know about it.
 *
 * @param name label used in results and messages
 * @param ssh how to reach it; empty when nginx runs on this machine
 * @param certificatePath the live full-chain PEM file nginx's {@code ssl_certificate} points at
 * @param keyPath the live private key file nginx's {@code ssl_certificate_key} points at
 * @param testCommand checks the configuration, {@code nginx -t} by default
 * @param reloadCommand applies it, {@code nginx -s reload} by default
 * @param commandTimeout how long each command may run
 * @param address where to shake hands to prove what is served; empty: trust the reload's exit status
 * @param serverNames SNI names to prove; empty: the certificate's own names
 * @param proveTimeout how long after a reload the new certificate may take to appear
 * @param proveInterval pause between two handshakes while waiting
 * @param errorLog nginx's error log, quoted when a reload exits 0 but is not applied
 */
public record Frontend(String name, Optional<SshSettings> ssh, String certificatePath, String keyPath,
                       FileSpec certificateSpec, FileSpec keySpec, String testCommand, String reloadCommand,
                       Duration commandTimeout, Optional<Address> address, List<String> serverNames,
                       Duration proveTimeout, Duration proveInterval, Optional<String> errorLog) {
  public static final String BACKUP_SUFFIX = ".prev";

  public Frontend {
    serverNames = List.copyOf(serverNames);
  }

  /** Where the previous certificate is kept for a rollback. */
  public String previousCertificatePath() { return certificatePath + BACKUP_SUFFIX; }

  public String previousKeyPath() { return keyPath + BACKUP_SUFFIX; }
}
