package io.certferry.core.x509;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PasswordsTest {
  private static final InputStream NO_STDIN = new ByteArrayInputStream(new byte[0]);

  @TempDir Path dir;

  @Test
  void readsTheFirstLineOfAFile() throws Exception {
    Path file = write("pw.txt", "pässword with spaces \r\nsecond line\n");

    assertThat(Passwords.read(file, NO_STDIN)).containsExactly("pässword with spaces ".toCharArray());
  }

  @Test
  void readsAFileWithoutALineEnd() throws Exception {
    assertThat(Passwords.read(write("pw.txt", "abc"), NO_STDIN)).containsExactly('a', 'b', 'c');
  }

  @Test
  void readsStdinForADash() throws Exception {
    InputStream stdin = new ByteArrayInputStream("from-stdin\n".getBytes(StandardCharsets.UTF_8));

    assertThat(Passwords.read(Path.of("-"), stdin)).containsExactly("from-stdin".toCharArray());
  }

  @Test
  void anEmptyFileIsAnEmptyPassword() throws Exception {
    assertThat(Passwords.read(write("pw.txt", ""), NO_STDIN)).isEmpty();
  }

  @Test
  void rejectsMissingFilesAndDirectories() {
    Path missing = dir.resolve("nope.txt");

    assertThatThrownBy(() -> Passwords.read(missing, NO_STDIN)).hasMessageContaining(missing + " does not exist");
    assertThatThrownBy(() -> Passwords.read(dir, NO_STDIN)).hasMessageContaining(dir + " is a directory");
  }

  @Test
  void rejectsNonUtf8WithoutQuotingIt() throws Exception {
    Path file = dir.resolve("pw.bin");
    Files.write(file, new byte[] {'a', (byte) 0xff, 'b'});

    assertThatThrownBy(() -> Passwords.read(file, NO_STDIN)).hasMessage(file + ": the password is not UTF-8 text; save "
        + "the password file as UTF-8");
  }

  private Path write(String name, String content) throws Exception {
    Path file = dir.resolve(name);
    Files.writeString(file, content, StandardCharsets.UTF_8);
    return file;
  }
}
