package io.certferry.core.issue.acme;

import io.certferry.core.issue.IssueException;
import io.certferry.core.issue.IssueException.Kind;
import io.certferry.core.x509.IpAddresses;
import io.certferry.core.x509.KeyType;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.X509Certificate;
import java.util.Locale;
import java.util.Optional;
import org.shredzone.acme4j.Identifier;
import org.shredzone.acme4j.util.CertificateUtils;

/**
 * The tls-alpn-01 validation certificate for one identifier (RFC 8737 section 3): self-signed, for the
 * name alone, with the critical {@code acmeIdentifier} extension holding the SHA-256 of the key
 * authorization, made by acme4j ({@link CertificateUtils#createTlsAlpn01Certificate}, what
 * {@code TlsAlpn01Challenge#createCertificate} does), with an RSA key, the only kind acme4j signs it
 * with. Any TLS server that answers
 * {@code acme-tls/1} can present it: the built-in {@link TlsAlpn01Solver}, or an embedded server's key
 * manager that picks it by the client's server name.
 *
 * @since 0.1
 */
public final class TlsAlpn01Certificates {
  /** The ALPN protocol id a validation connection negotiates. */
  public static final String ALPN_PROTOCOL = "acme-tls/1";
  /** The critical {@code id-pe-acmeIdentifier} extension carrying the key authorization's digest. */
  public static final String ACME_IDENTIFIER_OID = "1.3.6.1.5.5.7.1.31";

  private TlsAlpn01Certificates() {}

  /**
   * A validation certificate and its key.
   *
   * @param serverName the TLS server name (SNI) the CA sends for the identifier: the DNS name, or for an
   *     IP address its reverse-mapping name (RFC 8738 section 6)
   * @since 0.1
   */
  public record Validation(String serverName, KeyPair key, X509Certificate certificate) {
    @Override
    public String toString() { return "Validation{" + serverName + "}"; }
  }

  /**
   * Creates the certificate for a DNS name or IP address.
   *
   * @param keyAuthorization the challenge's key authorization ({@code token.thumbprint})
   * @since 0.1
   */
  public static Validation create(String identifier, String keyAuthorization) throws IssueException {
    Optional<InetAddress> ip = IpAddresses.parse(identifier);
    Identifier id = ip.map(Identifier::ip).orElseGet(() -> Identifier.dns(identifier));
    String serverName = ip.map(IpAddresses::reverseName).orElse(identifier.toLowerCase(Locale.ROOT));
    KeyPair key = KeyType.RSA_2048.generate(); // acme4j 4.0.0 signs it with SHA256withRSA: an RSA key it must be
    try {
      X509Certificate cert = CertificateUtils.createTlsAlpn01Certificate(key, id, sha256(keyAuthorization));
      return new Validation(serverName, key, cert);
    } catch (IOException | IllegalArgumentException e) {
      throw new IssueException(Kind.LOCAL, "tls-alpn-01: cannot make the validation certificate for " + identifier
          + ": " + e.getMessage(), e);
    }
  }

  private static byte[] sha256(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JDK has no SHA-256", e);
    }
  }
}
