package io.certferry.core.x509;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.bouncycastle.asn1.ASN1BitString;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1GeneralizedTime;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.ASN1TaggedObject;
import org.bouncycastle.asn1.ASN1UTCTime;

/**
 * What a file looks like, so a rejection can tell the user what they gave instead of what was
 * expected ("holds a private key, not a certificate"). Sniffing only: nothing is decrypted or
 * validated here, and no content is ever quoted (the file might hold a secret).
 */
enum ContentKind {
  CERTIFICATE("holds a certificate"),
  PKCS7("holds a PKCS#7 certificate bundle"),
  PKCS12("is a PKCS#12 (.pfx/.p12) file"),
  PRIVATE_KEY("holds a private key"),
  ENCRYPTED_PRIVATE_KEY("holds an encrypted private key"),
  CSR("holds a certificate signing request (CSR)"),
  CRL("holds a certificate revocation list (CRL)"),
  PUBLIC_KEY("holds a bare public key"),
  OPENSSH_KEY("holds an OpenSSH key"),
  OTHER_PEM("holds a PEM block of another kind"),
  HTML("is an HTML page (the download probably returned a web page, not the file)"),
  ZIP("is a ZIP archive"),
  TEXT("is a text file without any -----BEGIN CERTIFICATE----- block"),
  BINARY("is a binary file that is neither PEM, DER nor PKCS#7");

  private static final ASN1ObjectIdentifier PKCS7_SIGNED_DATA = new ASN1ObjectIdentifier("1.2.840.113549.1.7.2");

  private final String description;

  ContentKind(String description) { this.description = description; }

  /** "holds a private key", "is a ZIP archive", ... */
  String description() { return description; }

  boolean isKey() { return this == PRIVATE_KEY || this == ENCRYPTED_PRIVATE_KEY; }

  /** The kind of a PEM block by its label (the text after {@code -----BEGIN }). */
  static ContentKind ofPemLabel(String label) {
    String l = label.trim().toUpperCase(Locale.ROOT);
    switch (l) {
      case "CERTIFICATE", "X509 CERTIFICATE", "TRUSTED CERTIFICATE":
        return CERTIFICATE;
      case "PKCS7", "PKCS #7 SIGNED DATA", "CMS":
        return PKCS7;
      case "ENCRYPTED PRIVATE KEY":
        return ENCRYPTED_PRIVATE_KEY;
      case "CERTIFICATE REQUEST", "NEW CERTIFICATE REQUEST":
        return CSR;
      case "X509 CRL":
        return CRL;
      case "PUBLIC KEY", "RSA PUBLIC KEY":
        return PUBLIC_KEY;
      case "OPENSSH PRIVATE KEY":
        return OPENSSH_KEY;
      default:
        return l.endsWith("PRIVATE KEY") ? PRIVATE_KEY : OTHER_PEM;
    }
  }

  /** The kind of content that has no PEM block in it. */
  static ContentKind sniff(byte[] data) {
    if (data.length >= 4 && data[0] == 'P' && data[1] == 'K' && data[2] == 3 && data[3] == 4) {
      return ZIP;
    }
    if (data.length > 0 && data[0] == 0x30) {
      return sniffDer(data);
    }
    String head = new String(data, 0, Math.min(data.length, 1024), StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT);
    if (head.stripLeading().startsWith("<") || head.contains("<html")) {
      return HTML;
    }
    return looksLikeText(data) ? TEXT : BINARY;
  }

  private static boolean looksLikeText(byte[] data) {
    int n = Math.min(data.length, 4096);
    int odd = 0;
    for (int i = 0; i < n; i++) {
      int b = data[i] & 0xff;
      if (b < 0x09 || (b > 0x0d && b < 0x20)) odd++;
    }
    return odd * 20 < n; // under 5% control characters
  }

  /** Tells DER structures apart by their shape (RFC 5280, 5208, 5915, 7292, 2986, 2315). */
  static ContentKind sniffDer(byte[] data) {
    ASN1Sequence seq;
    try {
      ASN1Primitive p = ASN1Primitive.fromByteArray(data);
      if (!(p instanceof ASN1Sequence s) || s.size() < 2) return BINARY;
      seq = s;
    } catch (IOException | RuntimeException e) {
      return BINARY;
    }
    ASN1Encodable first = seq.getObjectAt(0);
    ASN1Encodable second = seq.getObjectAt(1);
    if (first instanceof ASN1ObjectIdentifier oid) {
      return oid.equals(PKCS7_SIGNED_DATA) ? PKCS7 : BINARY;
    }
    if (first instanceof ASN1Integer version) {
      int v = version.getValue().bitLength() < 8 ? version.getValue().intValue() : -1;
      if (v == 3 && second instanceof ASN1Sequence) return PKCS12;
      if ((v == 0 || v == 1) && second instanceof ASN1Sequence && seq.size() >= 3) return PRIVATE_KEY; // PKCS#8
      if (v == 0 && seq.size() >= 9) return PRIVATE_KEY; // PKCS#1 RSAPrivateKey
      if (v == 1 && second instanceof ASN1OctetString) return PRIVATE_KEY; // SEC1 ECPrivateKey
      return BINARY;
    }
    if (seq.size() == 2 && first instanceof ASN1Sequence && second instanceof ASN1OctetString) {
      return ENCRYPTED_PRIVATE_KEY;
    }
    if (seq.size() == 2 && first instanceof ASN1Sequence && second instanceof ASN1BitString) {
      return PUBLIC_KEY;
    }
    if (seq.size() == 3 && first instanceof ASN1Sequence tbs && seq.getObjectAt(2) instanceof ASN1BitString) {
      return signedKind(tbs);
    }
    return BINARY;
  }

  private static ContentKind signedKind(ASN1Sequence tbs) {
    if (tbs.size() > 0 && tbs.getObjectAt(0) instanceof ASN1TaggedObject) return CERTIFICATE;
    if (tbs.size() == 4 && tbs.getObjectAt(0) instanceof ASN1Integer && tbs.getObjectAt(3) instanceof ASN1TaggedObject) {
      return CSR;
    }
    for (int i = 2; i <= 3 && i < tbs.size(); i++) {
      ASN1Encodable e = tbs.getObjectAt(i);
      if (e instanceof ASN1UTCTime || e instanceof ASN1GeneralizedTime) return CRL;
    }
    return CERTIFICATE;
  }
}
