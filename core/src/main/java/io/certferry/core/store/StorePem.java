package io.certferry.core.store;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * PEM for the files the store itself writes: certificates, PKCS#8 private keys and SPKI public
 * keys. The store only ever reads back what it wrote, so this needs none of the leniency of the
 * import readers in {@code x509} (and no Bouncy Castle, which keeps {@code load} fast).
 */
final class StorePem {
  private static final Pattern BLOCK = Pattern.compile(
      "-----BEGIN ([A-Z0-9 ]+)-----\\s*([A-Za-z0-9+/=\\s]+?)-----END \\1-----");

  private StorePem() {}

  static String encode(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END " + type + "-----\n";
  }

  static String certificates(List<X509Certificate> certs) {
    StringBuilder sb = new StringBuilder();
    for (X509Certificate c : certs) {
      try {
        sb.append(encode("CERTIFICATE", c.getEncoded()));
      } catch (CertificateEncodingException e) {
        throw new StoreException("certificate " + c.getSubjectX500Principal() + " cannot be encoded", e);
      }
    }
    return sb.toString();
  }

  static String privateKey(PrivateKey key) {
    if (key.getEncoded() == null || !"PKCS#8".equals(key.getFormat())) {
      throw new StoreException("the private key cannot be exported as PKCS#8 (held in hardware?); it cannot be stored");
    }
    return encode("PRIVATE KEY", key.getEncoded());
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

  static List<X509Certificate> readCertificates(byte[] pem, String file) {
    try {
      CertificateFactory cf = CertificateFactory.getInstance("X.509");
      List<X509Certificate> out = new ArrayList<>();
      for (byte[] der : blocks(new String(pem, StandardCharsets.US_ASCII), "CERTIFICATE")) {
        out.add((X509Certificate) cf.generateCertificate(new ByteArrayInputStream(der)));
      }
      return out;
    } catch (CertificateException e) {
      throw new StoreException(file + ": stored certificate is unreadable: " + e.getMessage(), e);
    }
  }

  static PrivateKey readPrivateKey(byte[] pem, String file) {
    List<byte[]> der = blocks(new String(pem, StandardCharsets.US_ASCII), "PRIVATE KEY");
    if (der.size() != 1) {
      throw new StoreException(file + ": expected one PKCS#8 private key block, found " + der.size());
    }
    for (String alg : new String[] {"EC", "RSA", "Ed25519"}) {
      try {
        return KeyFactory.getInstance(alg).generatePrivate(new PKCS8EncodedKeySpec(der.get(0)));
      } catch (GeneralSecurityException tryNext) {
        // the PKCS#8 header names the algorithm, but the JDK wants it up front: try each
      }
    }
    throw new StoreException(file + ": stored private key is not an EC, RSA or Ed25519 PKCS#8 key");
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
