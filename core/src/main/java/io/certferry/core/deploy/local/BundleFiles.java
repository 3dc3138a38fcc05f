package io.certferry.core.deploy.local;

import io.certferry.core.CertificateBundle;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import java.util.Set;

/** Writes a bundle's PEM files: each atomically (temp file in the folder, fsync, rename), cert.pem last. */
final class BundleFiles {
  static final String CERT = "cert.pem";
  static final String CHAIN = "chain.pem";
  static final String FULLCHAIN = "fullchain.pem";
  static final String KEY = "key.pem";

  private BundleFiles() {}

  /**
   * Writes the four files into {@code dir}. cert.pem goes last: it is what the fingerprint is read from,
   * so a crash half-way leaves a folder that still reads as the old certificate and is written again.
   */
  static void write(Path dir, CertificateBundle b, Set<PosixFilePermission> certMode, Set<PosixFilePermission> keyMode)
      throws IOException {
    atomicWrite(dir.resolve(KEY), pemKey(b), keyMode);
    atomicWrite(dir.resolve(CHAIN), pemCerts(b.chain()), certMode);
    atomicWrite(dir.resolve(FULLCHAIN), pemCerts(b.fullChain()), certMode);
    atomicWrite(dir.resolve(CERT), pemCerts(List.of(b.leaf())), certMode);
    fsyncDir(dir);
  }

  static byte[] pemCerts(List<X509Certificate> certs) {
    StringBuilder sb = new StringBuilder();
    for (X509Certificate c : certs) {
      try {
        sb.append(pem("CERTIFICATE", c.getEncoded()));
      } catch (CertificateEncodingException e) {
        throw new IllegalArgumentException("certificate cannot be DER-encoded: " + e.getMessage(), e);
      }
    }
    return sb.toString().getBytes(StandardCharsets.US_ASCII);
  }

  static byte[] pemKey(CertificateBundle b) {
    return pem("PRIVATE KEY", b.privateKey().getEncoded()).getBytes(StandardCharsets.US_ASCII);
  }

  private static String pem(String type, byte[] der) {
    String body = Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der);
    return "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
  }

  static Set<PosixFilePermission> mode(String octal) {
    int m = Integer.parseInt(octal, 8);
    StringBuilder s = new StringBuilder();
    String rwx = "rwxrwxrwx";
    for (int i = 0; i < 9; i++) {
      s.append((m & (1 << (8 - i))) != 0 ? rwx.charAt(i) : '-');
    }
    return PosixFilePermissions.fromString(s.toString());
  }

  static void atomicWrite(Path target, byte[] data, Set<PosixFilePermission> mode) throws IOException {
    Path dir = target.toAbsolutePath().getParent();
    Path tmp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp",
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    try {
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
        ByteBuffer buf = ByteBuffer.wrap(data);
        while (buf.hasRemaining()) {
          ch.write(buf);
        }
        ch.force(true);
      }
      Files.setPosixFilePermissions(tmp, mode);
      try {
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  static void fsyncDir(Path dir) {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException e) {
      // Some file systems refuse to open a directory; the renames are still atomic there.
    }
  }
}
