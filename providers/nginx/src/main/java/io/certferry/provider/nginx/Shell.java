package io.certferry.provider.nginx;

/** Quoting for POSIX shells, for the few values Certferry itself puts into a remote command line. */
final class Shell {
  private Shell() {}

  /** {@code it's} becomes {@code 'it'\''s'}. */
  static String quote(String text) {
    return "'" + text.replace("'", "'\\''") + "'";
  }
}
