package io.certferry.agent;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The training run of the launchers' class-data sharing archive: {@code java
 * -XX:ArchiveClassesAtExit=A -cp certferry.jar io.certferry.agent.ClassDataTraining DIR}. A dynamic
 * archive holds the classes one JVM loaded, so this JVM runs, in a scratch folder, what short commands
 * load: {@code list} on an empty store, {@code check-config}, {@code run --once} over a config with a
 * local-CA certificate to a folder and an ACME certificate whose CA does not answer (the engine, the
 * store, the deployer, YAML, Bouncy Castle, acme4j's session and HTTP client), and {@code list} over what
 * that run stored (the store's readers and the JSON views). Nothing outside DIR is
 * touched and nothing is contacted but a closed loopback port. Its output goes nowhere; the commands'
 * exit codes do not matter (the ACME one fails by design).
 */
public final class ClassDataTraining {
  private ClassDataTraining() {}

  public static void main(String[] args) throws IOException {
    if (args.length != 1) {
      System.err.println("usage: ClassDataTraining SCRATCH_DIR");
      System.exit(2);
    }
    train(Path.of(args[0]).toAbsolutePath());
    System.exit(0); // the http-01 server and the HTTP clients' threads would keep the JVM up a while
  }

  /** Runs the training commands in {@code dir}, their output discarded. */
  static void train(Path dir) throws IOException {
    Path config = dir.resolve("training.yaml");
    Files.createDirectories(dir);
    Files.writeString(config, String.join("\n",
        "store: " + dir.resolve("store"),
        "http: {enabled: false}",
        "certificates:",
        "  - name: local",
        "    domains: [local.training.invalid]",
        "    issuer: {type: local}",
        "    targets:",
        "      - {id: files, type: directory, path: " + dir.resolve("out") + "}",
        "  - name: acme",
        "    domains: [acme.training.invalid]",
        // Port 1 on loopback: nothing listens, so the directory read fails at once.
        "    issuer: {type: acme, server: 'https://127.0.0.1:1/directory', agreeTos: true, challenge: http-01,",
        "             http: {address: 127.0.0.1, port: 1}}",
        ""), StandardCharsets.UTF_8);
    PrintStream out = System.out;
    PrintStream err = System.err;
    PrintStream nowhere = new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8);
    System.setOut(nowhere);
    System.setErr(nowhere);
    try {
      run("list", "--json", "--store", dir.resolve("empty").toString());
      run("check-config", "--config", config.toString());
      run("run", "--once", "--config", config.toString());
      run("list", "--json", "--store", dir.resolve("store").toString()); // what run --once stored: list's reads
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
  }

  private static void run(String... args) {
    Main.commandLine(Environment.system(), Optional.of(args[0])).execute(args);
  }
}
