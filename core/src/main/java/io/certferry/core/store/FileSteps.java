package io.certferry.core.store;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Called before every file-system step the store takes (create, write, fsync, rename...). The
 * default does nothing; tests inject a failure at one step to prove a crash there leaves the old
 * or the new state, never a mix.
 */
@FunctionalInterface
interface FileSteps {
  FileSteps NONE = (step, path) -> { };

  void before(String step, Path path) throws IOException;
}
