package io.certferry.core.deploy.local;

import com.fasterxml.jackson.databind.JsonNode;
import io.certferry.core.CertificateBundle;
import io.certferry.core.deploy.DeployException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.StreamSupport;

/**
 * A command run after files are in place: an argument list, or one string run by {@code /bin/sh -c}.
 * It gets the file paths in {@code CERTFERRY_CERT}, {@code CERTFERRY_CHAIN}, {@code CERTFERRY_FULLCHAIN},
 * {@code CERTFERRY_KEY}, the lineage in {@code CERTFERRY_NAME} and the leaf's {@code CERTFERRY_SHA256}.
 */
record HookCommand(List<String> argv, Duration timeout) {
  HookCommand {
    argv = List.copyOf(argv);
  }

  /** Reads {@code command} (string or list); null when absent. */
  static HookCommand from(JsonNode settings, String field, Duration timeout) {
    JsonNode c = settings.get(field);
    if (c == null || c.isNull()) {
      return null;
    }
    if (c.isTextual()) {
      return new HookCommand(List.of("/bin/sh", "-c", c.asText()), timeout);
    }
    List<String> argv = new ArrayList<>();
    c.forEach(n -> argv.add(n.asText()));
    return new HookCommand(argv, timeout);
  }

  static List<String> validate(JsonNode settings, String field) {
    JsonNode c = settings.get(field);
    if (c == null || c.isNull()) {
      return List.of();
    }
    boolean ok = c.isTextual() && !c.asText().isBlank()
        || c.isArray() && c.size() > 0 && StreamSupport.stream(c.spliterator(), false).allMatch(JsonNode::isTextual);
    return ok ? List.of() : List.of(field + ": give a command line as a string (run by /bin/sh -c) or a list of arguments");
  }

  /** Runs the command with the bundle's paths in the environment; throws when it fails or runs too long. */
  void run(String targetId, String lineage, CertificateBundle b, Path dir) throws DeployException {
    ProcessBuilder pb = new ProcessBuilder(argv).directory(dir.toFile()).redirectErrorStream(true);
    Map<String, String> env = pb.environment();
    env.put("CERTFERRY_CERT", dir.resolve(BundleFiles.CERT).toString());
    env.put("CERTFERRY_CHAIN", dir.resolve(BundleFiles.CHAIN).toString());
    env.put("CERTFERRY_FULLCHAIN", dir.resolve(BundleFiles.FULLCHAIN).toString());
    env.put("CERTFERRY_KEY", dir.resolve(BundleFiles.KEY).toString());
    env.put("CERTFERRY_NAME", lineage);
    env.put("CERTFERRY_SHA256", b.sha256());
    Process p;
    try {
      p = pb.start();
    } catch (IOException e) {
      throw new DeployException("target " + targetId + ": cannot start " + argv.get(0) + " (" + e.getMessage()
          + "); check the command's path and that it is executable", false, null, e);
    }
    try {
      p.getOutputStream().close();
    } catch (IOException ignored) {
      // the hook reads nothing from us
    }
    CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> tail(p.getInputStream()));
    try {
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        throw new DeployException("target " + targetId + ": command " + argv + " did not finish within " + timeout);
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new DeployException("target " + targetId + ": interrupted while the command ran");
    }
    if (p.exitValue() != 0) {
      String out = output.getNow("");
      try {
        out = output.get(2, TimeUnit.SECONDS);
      } catch (Exception ignored) {
        // keep what we have
      }
      throw new DeployException("target " + targetId + ": command exited with " + p.exitValue()
          + (out.isBlank() ? "" : "; output ends: " + out.strip()));
    }
  }

  private static String tail(InputStream in) {
    try (in) {
      byte[] all = in.readAllBytes();
      String s = new String(all, StandardCharsets.UTF_8);
      return s.length() > 400 ? s.substring(s.length() - 400) : s;
    } catch (IOException e) {
      return "";
    }
  }
}
