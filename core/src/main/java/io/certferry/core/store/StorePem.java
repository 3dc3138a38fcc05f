package io.certferry.core.store;

import io.certferry.core.InputRejectedException;
import io.certferry.core.x509.CertificateReader;
import io.certferry.core.x509.PemWriter;
import io.certferry.core.x509.PrivateKeyReader;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * PEM for the files the store writes, through the x509 toolkit's {@link PemWriter} and readers:
 * certificates, PKCS#8 private keys and the SPKI public key of an ACME account.
 */
final class StorePem {
  private static final Pattern BLOCK = Pattern.compile(
      "-----BEGIN ([A-Z0-9 ]+)-----\\s*([A-Za-z0-9+/=\\s]+?)-----END \\1-----");

  private StorePem() {}

  static String certificates(List<X509Certificate> certs) {
    try {
      return PemWriter.certificates(certs);
    } catch (IllegalArgumentException e) {
      throw new StoreException("a certificate cannot be stored: " + e.getMessage(), e);
    }
  }

  static String privateKey(PrivateKey key) {
    try {
      return PemWriter.privateKey(key);
    } catch (IllegalArgumentException e) {
      throw new StoreException("the private key cannot be stored (held in hardware?): " + e.getMessage(), e);
    }
  }

  static List<byte[]> blocks(String text, String type) {
    List<byte[]> out = new ArrayList<>();
    Matcher m = BLOCK.matcher(text);
    while (m.find()) {
      if (m.group(1).equals(type)) {
        out.add(Base64.getMimeDecoder().decode(m.group(2)));
      }
    }
    return out;
  }

  /** The certificates of a stored file; an empty file (a chain of a leaf issued by a root) is none. */
  static List<X509Certificate> readCertificates(byte[] pem, String file) {
    if (new String(pem, StandardCharsets.US_ASCII).isBlank()) {
      return List.of();
    }
    try {
      return CertificateReader.read(file, pem);
    } catch (InputRejectedException e) {
      throw new StoreException(file + ": stored certificate is unreadable: " + e.getMessage(), e);
    }
  }

  static PrivateKey readPrivateKey(byte[] pem, String file) {
    List<byte[]> der = blocks(new String(pem, StandardCharsets.US_ASCII), "PRIVATE KEY");
    if (der.size() != 1) {
      throw new StoreException(file + ": expected one PKCS#8 private key block, found " + der.size());
    }
    try {
      // Only the key block: account-key.pem also holds the public key.
      return PrivateKeyReader.read(file, der.get(0), Optional.empty());
    } catch (InputRejectedException e) {
      throw new StoreException(file + ": stored private key is unreadable (" + e.getMessage() + ")", e);
    }
  }

  static PublicKey readPublicKey(byte[] pem, String file) {
    List<byte[]> der = blocks(new String(pem, StandardCharsets.US_ASCII), "PUBLIC KEY");
    if (der.size() != 1) {
      throw new StoreException(file + ": expected one public key block, found " + der.size());
    }
    for (String alg : new String[] {"EC", "RSA", "Ed25519"}) {
      try {
        return KeyFactory.getInstance(alg).generatePublic(new X509EncodedKeySpec(der.get(0)));
      } catch (GeneralSecurityException tryNext) {
        // as above
      }
    }
    throw new StoreException(file + ": stored public key is not an EC, RSA or Ed25519 key");
  }
}
