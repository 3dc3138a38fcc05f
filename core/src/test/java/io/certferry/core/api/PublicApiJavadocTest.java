package io.certferry.core.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import javax.tools.DocumentationTool;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;

/** Every public type and method of core's API has a doc comment with {@code @since}. */
class PublicApiJavadocTest {
  @Test
  void everyPublicTypeAndMethodHasADocCommentWithSince() throws IOException {
    DocumentationTool tool = ToolProvider.getSystemDocumentationTool();
    Path sources = Path.of("src", "main", "java");
    List<Path> files;
    try (Stream<Path> walk = Files.walk(sources)) {
      files = walk.filter(p -> p.toString().endsWith(".java")).toList();
    }
    try (StandardJavaFileManager fm = tool.getStandardFileManager(null, null, null)) {
      Iterable<? extends JavaFileObject> units = fm.getJavaFileObjectsFromPaths(files);
      List<String> options = List.of("-classpath", System.getProperty("java.class.path"), "-quiet");
      boolean ran = tool.getTask(null, fm, null, PublicApiDocs.class, options, units).call();
      assertThat(ran).as("the documentation tool ran over core's sources").isTrue();
    }
    assertThat(PublicApiDocs.PROBLEMS).as("public API without a doc comment or @since (add one: it is what an"
        + " embedding user reads)").isEmpty();
  }
}
