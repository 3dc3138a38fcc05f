package io.certferry.core.x509;

import static io.certferry.core.x509.SectigoLikePki.dv;
import static io.certferry.core.x509.SectigoLikePki.leaf;
import static io.certferry.core.x509.SectigoLikePki.root;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.certferry.core.InputRejectedException;

import java.io.ByteArrayOutputStream;
import java.io.RandomAccessFile;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.bouncycastle.cert.jcajce.JcaCertStore;
import org.bouncycastle.cms.CMSProcessableByteArray;
import org.bouncycastle.cms.CMSSignedDataGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CertificateReaderTest {
  @TempDir Path dir;

  private static final List<X509Certificate> CHAIN = List.of(leaf(), dv(), root());

  @Test
  void readsEveryBlockOfAPemBundleInOrder() throws Exception {
    Path file = write("fullchain.pem", PemWriter.certificates(CHAIN));

    assertThat(CertificateReader.read(file)).containsExactlyElementsOf(CHAIN);
  }

  @Test
  void readsCrlfLineEndsAndAByteOrderMark() throws Exception {
    String crlf = PemWriter.certificates(CHAIN).replace("\n", "\r\n");
    byte[] bom = {(byte) 0xef, (byte) 0xbb, (byte) 0xbf};
    byte[] content = concat(bom, crlf.getBytes(StandardCharsets.US_ASCII));

    assertThat(CertificateReader.read("bundle.crt", content)).containsExactlyElementsOf(CHAIN);
  }

  @Test
  void ignoresTextBetweenBlocksAsOpensslAndSectigoWriteIt() throws Exception {
    String text = "subject=CN = example.org\nissuer=C = GB, O = Sectigo Limited, CN = Sectigo RSA Domain Validation\n\n"
        + PemWriter.certificates(List.of(leaf()))
        + "\nBag Attributes\n    localKeyID: 01 02 03\n"
        + "  " + PemWriter.certificates(List.of(dv())).replace("\n", "\n  ") // indented block
        + "Sectigo: the intermediate above is needed by older clients.\n"
        + PemWriter.certificates(List.of(root()));

    assertThat(CertificateReader.read("example_org.ca-bundle", text.getBytes(StandardCharsets.UTF_8)))
        .containsExactlyElementsOf(CHAIN);
  }

  @Test
  void readsDer() throws Exception {
    Path file = dir.resolve("cert.der");
    Files.write(file, leaf().getEncoded());

    assertThat(CertificateReader.read(file)).containsExactly(leaf());
  }

  @Test
  void readsPkcs7InDerAndPem() throws Exception {
    byte[] p7 = pkcs7(CHAIN);

    assertThat(CertificateReader.read("bundle.p7b", p7)).containsExactlyInAnyOrderElementsOf(CHAIN);
    String pem = Pem.encode("PKCS7", p7).replace("\n", "\r\n");
    assertThat(CertificateReader.read("bundle.p7b", pem.getBytes(StandardCharsets.US_ASCII)))
        .containsExactlyInAnyOrderElementsOf(CHAIN);
  }

  @Test
  void readsAPkcs7BundleMislabelledAsCertificate() throws Exception {
    String pem = Pem.encode("CERTIFICATE", pkcs7(List.of(leaf(), dv())));

    assertThat(CertificateReader.read("bundle.crt", pem.getBytes(StandardCharsets.US_ASCII)))
        .containsExactlyInAnyOrder(leaf(), dv());
  }

  @Test
  void skipsAPrivateKeyNextToTheCertificate() throws Exception {
    String combined = PemWriter.privateKey(SectigoLikePki.LEAF.privateKey()) + PemWriter.certificates(List.of(leaf()));

    assertThat(CertificateReader.read("combined.pem", combined.getBytes(StandardCharsets.US_ASCII))).containsExactly(leaf());
  }

  @Test
  void rejectsGarbageText() throws Exception {
    Path file = write("cert.pem", "this is not a certificate\nat all\n");

    assertThatThrownBy(() -> CertificateReader.read(file)).isInstanceOf(InputRejectedException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("text file without any -----BEGIN CERTIFICATE----- block")
        .hasMessageContaining("give the certificate in PEM, DER or PKCS#7");
  }

  @Test
  void rejectsAPrivateKeyGivenAsTheCertificate() throws Exception {
    Path file = write("cert.pem", PemWriter.privateKey(SectigoLikePki.LEAF.privateKey()));

    assertThatThrownBy(() -> CertificateReader.read(file))
        .hasMessageContaining(file + " holds a private key, not a certificate")
        .hasMessageContaining("--key");
  }

  @Test
  void rejectsADerPrivateKeyGivenAsTheCertificate() {
    byte[] der = SectigoLikePki.LEAF.privateKey().getEncoded();

    assertThatThrownBy(() -> CertificateReader.read("cert.der", der))
        .hasMessageContaining("cert.der holds a private key, not a certificate");
  }

  @Test
  void rejectsACsrGivenAsTheCertificate() {
    byte[] csr = Csrs.create(KeyType.EC_P256.generate(), List.of("example.org"));
    byte[] pem = PemWriter.csr(csr).getBytes(StandardCharsets.US_ASCII);

    assertThatThrownBy(() -> CertificateReader.read("request.pem", pem))
        .hasMessageContaining("request.pem holds a certificate signing request (CSR), not a certificate")
        .hasMessageContaining("send it to the CA");
    assertThatThrownBy(() -> CertificateReader.read("request.der", csr))
        .hasMessageContaining("request.der holds a certificate signing request (CSR)");
  }

  @Test
  void rejectsAnHtmlPageAndAZipArchive() throws Exception {
    assertThatThrownBy(() -> CertificateReader.read("cert.crt", "<!DOCTYPE html><html><body>Login</body></html>"
        .getBytes(StandardCharsets.UTF_8))).hasMessageContaining("cert.crt is an HTML page");

    var zip = new ByteArrayOutputStream();
    try (ZipOutputStream z = new ZipOutputStream(zip)) {
      z.putNextEntry(new ZipEntry("example_org.crt"));
      z.write(leaf().getEncoded());
    }
    assertThatThrownBy(() -> CertificateReader.read("example_org.zip", zip.toByteArray()))
        .hasMessageContaining("example_org.zip is a ZIP archive, not a certificate; unpack it");
  }

  @Test
  void rejectsRandomBinary() {
    byte[] junk = new byte[300];
    new Random(7).nextBytes(junk);
    junk[0] = 0x30; // looks like DER at first glance

    assertThatThrownBy(() -> CertificateReader.read("cert.der", junk))
        .hasMessageContaining("cert.der is a binary file that is neither PEM, DER nor PKCS#7");
  }

  @Test
  void rejectsADamagedCertificateByNumber() throws Exception {
    String pem = PemWriter.certificates(List.of(leaf(), dv()));
    int secondBody = pem.indexOf("-----BEGIN", 10) + 40;
    String broken = pem.substring(0, secondBody) + "!!!" + pem.substring(secondBody + 3);

    assertThatThrownBy(() -> CertificateReader.read("chain.pem", broken.getBytes(StandardCharsets.US_ASCII)))
        .hasMessageContaining("chain.pem: certificate 2 is damaged");
  }

  @Test
  void rejectsATruncatedFile() {
    String pem = PemWriter.certificates(List.of(leaf()));
    String cut = pem.substring(0, pem.length() / 2);

    assertThatThrownBy(() -> CertificateReader.read("cert.pem", cut.getBytes(StandardCharsets.US_ASCII)))
        .hasMessageContaining("cert.pem: the CERTIFICATE block starting at line 1 has no -----END line");
  }

  @Test
  void rejectsAnEmptyFile() throws Exception {
    Path file = write("cert.pem", "");

    assertThatThrownBy(() -> CertificateReader.read(file)).hasMessageContaining(file + " is empty");
  }

  @Test
  void rejectsADirectory() {
    assertThatThrownBy(() -> CertificateReader.read(dir))
        .hasMessageContaining(dir + " is a directory, not a file");
  }

  @Test
  void rejectsAMissingFile() {
    Path missing = dir.resolve("nope.pem");

    assertThatThrownBy(() -> CertificateReader.read(missing)).hasMessageContaining(missing + " does not exist");
  }

  @Test
  void rejectsATenMegabyteFileWithoutReadingIt() throws Exception {
    Path big = dir.resolve("huge.pem");
    try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
      f.setLength(10L * 1024 * 1024); // sparse: refusing it must not depend on reading it
    }
    long start = System.nanoTime();

    assertThatThrownBy(() -> CertificateReader.read(big))
        .hasMessageContaining(big + " is 10.0 MiB, far too large for a certificate (at most 1 MiB)");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(500));
  }

  @Test
  void rejectsOversizedContentGivenAsBytes() {
    assertThatThrownBy(() -> CertificateReader.read("upload", new byte[InputFiles.MAX_BYTES + 1]))
        .hasMessageContaining("upload is 1.0 MiB, far too large");
  }

  @Test
  void rejectsAnUnreadableFile() throws Exception {
    Path file = write("cert.pem", PemWriter.certificates(List.of(leaf())));
    Files.setPosixFilePermissions(file, Set.of());
    if (!"root".equals(System.getProperty("user.name"))) {
      assertThatThrownBy(() -> CertificateReader.read(file)).hasMessageContaining(file + " cannot be read (permission denied)");
      return;
    }
    // Root reads every file whatever its mode; a Unix socket cannot be opened by anyone (ENXIO).
    Path socket = dir.resolve("cert-socket.pem");
    try (var server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      server.bind(UnixDomainSocketAddress.of(socket));
      assertThatThrownBy(() -> CertificateReader.read(socket))
          .hasMessageContaining(socket + " cannot be read (")
          .hasMessageContaining("check the path and permissions");
    }
  }

  static byte[] pkcs7(List<X509Certificate> certs) throws Exception {
    CMSSignedDataGenerator gen = new CMSSignedDataGenerator();
    gen.addCertificates(new JcaCertStore(certs));
    return gen.generate(new CMSProcessableByteArray(new byte[0])).getEncoded();
  }

  private Path write(String name, String content) throws Exception {
    Path file = dir.resolve(name);
    Files.writeString(file, content, StandardCharsets.UTF_8);
    return file;
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = new byte[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
