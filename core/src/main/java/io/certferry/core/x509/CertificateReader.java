package io.certferry.core.x509;

import io.certferry.core.InputRejectedException;

import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Reads certificates from what users and CAs hand over: PEM with any number of blocks (CRLF or LF,
 * a byte order mark, text between blocks), DER, and PKCS#7 ({@code .p7b}) in PEM or DER form.
 * Certificates are decoded by the JDK's {@code CertificateFactory}, which is cheap; private keys in
 * the same file are skipped, never parsed.
 *
 * <p>Every rejection names the file, says what it holds instead and what to give.
 *
 * @since 0.1
 */
public final class CertificateReader {
  private CertificateReader() {}

  /**
   * The certificates in a file, in file order.
   *
   * @throws InputRejectedException when the file is missing, a directory, unreadable, empty, over
   *     1 MiB, damaged, or holds no certificate (the message says what it holds)
   * @since 0.1
   */
  public static List<X509Certificate> read(Path file) throws InputRejectedException {
    return read(file.toString(), InputFiles.read(file, "a certificate"));
  }

  /**
   * The certificates in {@code content}, in order.
   *
   * @param sourceName names the content in messages, usually the file name
   * @since 0.1
   */
  public static List<X509Certificate> read(String sourceName, byte[] content) throws InputRejectedException {
    if (content.length == 0) {
      throw new InputRejectedException(sourceName + " is empty; it should hold a certificate, check the file was saved completely");
    }
    if (content.length > InputFiles.MAX_BYTES) {
      throw InputFiles.tooLarge(sourceName, content.length, "a certificate");
    }
    byte[] data = InputFiles.stripBom(content);
    if (Pem.hasBlocks(data)) {
      return fromPem(sourceName, data);
    }
    if (data.length > 0 && data[0] == 0x30) {
      try {
        return decode(data);
      } catch (CertificateException | RuntimeException e) {
        // not a DER certificate or PKCS#7: say below what it is
      }
    }
    throw notACertificate(sourceName, ContentKind.sniff(data), "");
  }

  private static List<X509Certificate> fromPem(String source, byte[] data) throws InputRejectedException {
    List<X509Certificate> certs = new ArrayList<>();
    ContentKind other = null;
    String otherLabel = "";
    for (Pem.Block block : Pem.blocks(data)) {
      ContentKind kind = ContentKind.ofPemLabel(block.label());
      if (kind != ContentKind.CERTIFICATE && kind != ContentKind.PKCS7) {
        if (other == null) {
          other = kind;
          otherLabel = block.label();
        }
        continue;
      }
      int number = certs.size() + 1;
      if (!block.terminated()) {
        throw new InputRejectedException(source + ": the " + block.label() + " block starting at line " + block.line()
            + " has no -----END line; the file is cut off, download or copy it again");
      }
      byte[] der = block.der().orElseThrow(() -> damaged(source, number, "its base64 text is broken"));
      try {
        // A CERTIFICATE block holds one certificate (openssl's TRUSTED CERTIFICATE adds trust settings after it, which
        // are ignored); some CAs label a PKCS#7 bundle CERTIFICATE, which decode() also accepts.
        List<X509Certificate> decoded = decode(der);
        if (decoded.isEmpty()) {
          throw new InputRejectedException(source + ": the PKCS#7 block at line " + block.line()
              + " holds no certificates; download the certificate bundle again");
        }
        certs.addAll(decoded);
      } catch (CertificateException | RuntimeException e) {
        throw damaged(source, number, e.getMessage());
      }
    }
    if (certs.isEmpty()) {
      throw notACertificate(source, other == null ? ContentKind.TEXT : other, otherLabel);
    }
    return List.copyOf(certs);
  }

  /** A DER certificate or a DER PKCS#7 bundle. */
  private static List<X509Certificate> decode(byte[] der) throws CertificateException {
    if (!isPkcs7(der)) {
      return List.of(decodeOne(der));
    }
    CertificateFactory factory = CertificateFactory.getInstance("X.509");
    Collection<? extends Certificate> all = factory.generateCertificates(new ByteArrayInputStream(der));
    List<X509Certificate> out = new ArrayList<>(all.size());
    for (Certificate c : all) {
      out.add((X509Certificate) c);
    }
    return out;
  }

  /** A PKCS#7 ContentInfo starts SEQUENCE { OBJECT IDENTIFIER ... }; a certificate starts SEQUENCE { SEQUENCE ... }. */
  private static boolean isPkcs7(byte[] der) {
    if (der.length < 4 || der[0] != 0x30) return false;
    int lengthByte = der[1] & 0xff;
    int headerLength = lengthByte < 0x80 ? 2 : 2 + (lengthByte & 0x7f);
    return headerLength < der.length && der[headerLength] == 0x06;
  }

  private static X509Certificate decodeOne(byte[] der) throws CertificateException {
    return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
  }

  private static InputRejectedException damaged(String source, int number, String why) {
    return new InputRejectedException(source + ": certificate " + number + " is damaged (" + why
        + "); download or copy the file again");
  }

  static InputRejectedException notACertificate(String source, ContentKind kind, String pemLabel) {
    String what = kind == ContentKind.OTHER_PEM ? "holds a \"" + pemLabel + "\" PEM block" : kind.description();
    return new InputRejectedException(source + " " + what + ", not a certificate; " + fixFor(kind));
  }

  private static String fixFor(ContentKind kind) {
    switch (kind) {
      case PRIVATE_KEY:
      case ENCRYPTED_PRIVATE_KEY:
        return "give it as the key (--key) and the certificate the CA sent as --cert";
      case CSR:
        return "send it to the CA and import the certificate the CA returns";
      case PKCS12:
        return "import it with --pkcs12 and --password-file";
      case ZIP:
        return "unpack it and give the certificate files inside (.crt, .pem, .ca-bundle, .p7b)";
      case HTML:
        return "download the certificate file itself";
      default:
        return "give the certificate in PEM, DER or PKCS#7 (.p7b) form";
    }
  }
}
