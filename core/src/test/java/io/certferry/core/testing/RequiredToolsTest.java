package io.certferry.core.testing;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RequiredToolsTest {

  @Test
  void findsAProgramOnPathAndByAbsolutePath() {
    assertThat(RequiredTools.find("sh")).isPresent();
    assertThat(RequiredTools.find("/bin/sh")).isPresent();
  }

  @Test
  void missingProgramIsNotFound() {
    assertThat(RequiredTools.find("certferry-no-such-tool-x9")).isEmpty();
    assertThat(RequiredTools.find("/nonexistent/certferry-tool")).isEmpty();
  }

  @Test
  void requireReturnsThePathOfAPresentTool() {
    assertThat(RequiredTools.require("sh").toString()).endsWith("/sh");
  }
}
