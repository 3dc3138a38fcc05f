package io.certferry.core.x509;

import static io.certferry.core.x509.SectigoLikePki.LEAF;
import static io.certferry.core.x509.SectigoLikePki.dv;
import static io.certferry.core.x509.SectigoLikePki.leaf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Pkcs12ReaderTest {
  private static final char[] PASSWORD = "s3cret pfx".toCharArray();

  @TempDir Path dir;

  @Test
  void readsTheKeyAndChainOfAJdkWrittenFile() throws Exception {
    Path file = pkcs12("example.pfx", PASSWORD);

    Pkcs12Contents contents = Pkcs12Reader.read(file, PASSWORD);

    assertThat(contents.certificates()).containsExactly(leaf(), dv());
    assertThat(contents.key().getEncoded()).isEqualTo(LEAF.privateKey().getEncoded());
    assertThat(contents.toString()).doesNotContain(String.valueOf(contents.key()));
  }

  @Test
  void rejectsAWrongPassword() throws Exception {
    Path file = pkcs12("example.pfx", PASSWORD);

    assertThatThrownBy(() -> Pkcs12Reader.read(file, "wrong".toCharArray()))
        .hasMessage(file + ": the password does not open the PKCS#12 file; check the password file (its first line is "
            + "the password)");
  }

  @Test
  void rejectsPemGivenAsPkcs12() throws Exception {
    Path file = dir.resolve("cert.pem");
    Files.writeString(file, PemWriter.certificates(List.of(leaf())), StandardCharsets.US_ASCII);

    assertThatThrownBy(() -> Pkcs12Reader.read(file, PASSWORD))
        .hasMessageContaining(file + " holds PEM text, not a PKCS#12 file; give PEM, DER and PKCS#7 files with --cert");
  }

  @Test
  void rejectsAFileWithoutAKey() throws Exception {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    ks.setCertificateEntry("ca", dv());
    Path file = store(ks, "certs-only.p12", PASSWORD);

    assertThatThrownBy(() -> Pkcs12Reader.read(file, PASSWORD)).hasMessageContaining(file + " holds no private key");
  }

  @Test
  void rejectsEmptyFileAndDirectory() throws Exception {
    Path empty = Files.createFile(dir.resolve("empty.pfx"));

    assertThatThrownBy(() -> Pkcs12Reader.read(empty, PASSWORD)).hasMessageContaining(empty + " is empty");
    assertThatThrownBy(() -> Pkcs12Reader.read(dir, PASSWORD)).hasMessageContaining(dir + " is a directory");
  }

  private Path pkcs12(String name, char[] password) throws Exception {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    ks.setKeyEntry("example", LEAF.privateKey(), password, new Certificate[] {leaf(), dv()});
    return store(ks, name, password);
  }

  private Path store(KeyStore ks, String name, char[] password) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ks.store(out, password);
    Path file = dir.resolve(name);
    Files.write(file, out.toByteArray());
    return file;
  }
}
