package io.certferry.agent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.certferry.core.InputRejectedException;
import io.certferry.core.ProviderContext;
import io.certferry.core.ProviderFactory;
import io.certferry.core.Secrets;
import io.certferry.core.issue.imported.PurchasedCertificateSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A test-only certificate source ({@code --from test-source}): serves {@code <dir>/<id>/{cert,chain,key}.pem}
 * and insists on a token that must arrive by reference and resolve to {@code s3cret}.
 */
public final class TestCertificateSourceFactory implements ProviderFactory {
  /** Every (domain, id) downloaded, to assert the command asked for the right one. */
  static final List<String> DOWNLOADS = new ArrayList<>();

  @Override
  public String type() { return "test-source"; }

  @Override
  public Class<?> kind() { return PurchasedCertificateSource.class; }

  @Override
  public List<String> validate(JsonNode settings) {
    List<String> problems = new ArrayList<>();
    if (!settings.hasNonNull("dir")) {
      problems.add("setting dir is missing; pass --set dir=FOLDER");
    }
    if (!settings.hasNonNull("token") || !Secrets.isReference(settings.get("token").asText())) {
      problems.add("setting token must be a reference such as ${env:TOKEN}");
    }
    return problems;
  }

  @Override
  public Object create(JsonNode settings, ProviderContext context) {
    String token = context.secrets().resolve(settings.get("token").asText());
    Path dir = Path.of(settings.get("dir").asText());
    return (PurchasedCertificateSource) (domain, id) -> {
      if (!token.equals("s3cret")) {
        throw new IOException("HTTP 401 from the test source: bad token");
      }
      Path d = dir.resolve(id);
      if (!Files.isDirectory(d)) {
        throw new InputRejectedException("certificate " + id + " of " + domain + " does not exist at the test source");
      }
      DOWNLOADS.add(domain + "/" + id);
      return new PurchasedCertificateSource.Download(Files.readString(d.resolve("cert.pem")),
          Files.readString(d.resolve("chain.pem")), Files.readString(d.resolve("key.pem")));
    };
  }
}
