package io.certferry.examples.jdk;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The README's embedding snippets are copied from the tested examples, not written apart from them: every
 * line of a Java block marked {@code <!-- from FILE -->} is a line of FILE.
 */
class ReadmeEmbeddingTest {
  private static final Pattern BLOCK = Pattern.compile("<!-- from (\\S+) -->\\s*```java\\n(.*?)```", Pattern.DOTALL);
  private static final Path PROJECT = Path.of("..", "..");

  @Test
  void everySnippetLineIsALineOfItsExample() throws IOException {
    String readme = Files.readString(PROJECT.resolve("README.md"));
    Matcher m = BLOCK.matcher(readme);
    List<String> checked = new ArrayList<>();
    while (m.find()) {
      Path source = PROJECT.resolve(m.group(1));
      List<String> lines = Files.readAllLines(source).stream().map(String::strip).toList();
      for (String line : m.group(2).split("\n")) {
        if (!line.isBlank()) {
          assertThat(lines).as("README line not in " + m.group(1) + ": update the README from the example")
              .contains(line.strip());
        }
      }
      checked.add(m.group(1));
    }
    assertThat(checked).as("README snippets checked").hasSize(3)
        .allMatch(f -> f.startsWith("examples/"));
  }
}
