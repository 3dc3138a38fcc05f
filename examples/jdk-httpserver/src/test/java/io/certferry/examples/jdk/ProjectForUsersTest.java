package io.certferry.examples.jdk;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * What a user of the library relies on, checked from the examples' side: the BOM pins every published
 * module at the project's version, and the examples use core's public API only.
 */
class ProjectForUsersTest {
  private static final Path PROJECT = Path.of("..", "..");

  @Test
  void theBomPinsEveryPublishedModuleAtTheProjectsVersion() throws IOException {
    String parent = Files.readString(PROJECT.resolve("pom.xml"));
    String bom = Files.readString(PROJECT.resolve("bom/pom.xml"));
    String version = first(parent, "<artifactId>certferry-parent</artifactId>\\s*<version>([^<]+)</version>");
    assertThat(first(bom, "<artifactId>certferry-bom</artifactId>\\s*<version>([^<]+)</version>"))
        .as("bom/pom.xml's version follows the parent's").isEqualTo(version);

    List<String> published = new ArrayList<>();
    Matcher m = Pattern.compile("<module>([^<]+)</module>").matcher(parent);
    while (m.find()) {
      String module = m.group(1);
      if (!module.startsWith("examples/") && !module.equals("bom")) {
        published.add(first(Files.readString(PROJECT.resolve(module).resolve("pom.xml")),
            "</parent>\\s*<artifactId>([^<]+)</artifactId>"));
      }
    }
    assertThat(published).isNotEmpty().allSatisfy(artifact -> assertThat(bom)
        .as("certferry-bom pins " + artifact).contains("<artifactId>" + artifact + "</artifactId>"));
  }

  @Test
  void theExamplesUseCoresPublicApiOnly() throws IOException {
    List<Path> sources;
    try (Stream<Path> walk = Files.walk(PROJECT.resolve("examples"))) {
      sources = walk.filter(p -> p.toString().endsWith(".java") && p.toString().contains("/src/main/")).toList();
    }
    assertThat(sources).hasSizeGreaterThanOrEqualTo(3);
    for (Path source : sources) {
      assertThat(Files.readString(source)).as(source + " imports what is not API").doesNotContain("io.certferry.core.internal");
    }
  }

  private static String first(String text, String regex) {
    Matcher m = Pattern.compile(regex).matcher(text);
    assertThat(m.find()).as("pattern " + regex).isTrue();
    return m.group(1);
  }
}
