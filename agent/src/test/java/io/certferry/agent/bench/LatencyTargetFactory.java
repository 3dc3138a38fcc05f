package io.certferry.agent.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.certferry.core.CertificateBundle;
import io.certferry.core.ProviderContext;
import io.certferry.core.ProviderFactory;
import io.certferry.core.deploy.DeployException;
import io.certferry.core.deploy.DeployReceipt;
import io.certferry.core.deploy.DeployTarget;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * {@code type: bench-latency}: a fake remote target for the agent benchmark. Every call (read what it
 * serves, deploy) takes {@code latencyMillis} like a slow API would; what it serves is kept in
 * {@code stateDir/<id>} so a later process sees it.
 */
public final class LatencyTargetFactory implements ProviderFactory {
  @Override
  public String type() { return "bench-latency"; }

  @Override
  public Class<?> kind() { return DeployTarget.class; }

  @Override
  public List<String> validate(JsonNode s) {
    return s.hasNonNull("stateDir") ? List.of() : List.of("stateDir: the folder where the fake keeps what it serves");
  }

  @Override
  public Object create(JsonNode s, ProviderContext context) {
    return new Target(s.path("id").asText(), Path.of(s.path("stateDir").asText()), s.path("latencyMillis").asLong(50));
  }

  static final class Target implements DeployTarget {
    private final String id;
    private final Path file;
    private final long latency;

    Target(String id, Path dir, long latency) {
      this.id = id;
      this.file = dir.resolve(id);
      this.latency = latency;
    }

    @Override
    public String id() { return id; }

    private void pause() throws DeployException {
      try {
        Thread.sleep(latency); // the simulated network round trip
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new DeployException("interrupted");
      }
    }

    @Override
    public Optional<String> deployedFingerprint() throws DeployException {
      pause();
      try {
        return Optional.of(Files.readString(file, StandardCharsets.US_ASCII));
      } catch (NoSuchFileException e) {
        return Optional.empty();
      } catch (IOException e) {
        throw new DeployException(e.toString());
      }
    }

    @Override
    public DeployReceipt deploy(CertificateBundle bundle) throws DeployException {
      pause();
      try {
        Files.writeString(file, bundle.sha256(), StandardCharsets.US_ASCII);
      } catch (IOException e) {
        throw new DeployException(e.toString());
      }
      return DeployReceipt.changed(id, bundle.sha256(), Instant.now(), "fake");
    }
  }
}
