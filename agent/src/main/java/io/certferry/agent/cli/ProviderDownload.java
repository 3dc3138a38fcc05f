package io.certferry.agent.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.certferry.core.InputRejectedException;
import io.certferry.core.ProviderFactory;
import io.certferry.agent.Environment;
import io.certferry.core.ProviderRegistry;
import io.certferry.core.issue.imported.PurchasedCertificateSource;
import io.certferry.core.x509.CertificateReader;
import io.certferry.core.x509.PrivateKeyReader;

import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code import --from TYPE}: finds the {@link PurchasedCertificateSource} plug-in of that type,
 * builds it from the {@code --set} pairs and downloads the certificate, which then goes through
 * the same checks as a file import.
 */
final class ProviderDownload {
  private ProviderDownload() {}

  static ImportCandidate fetch(String type, String domain, String certificateId, Map<String, String> settings,
                               Environment env) throws Exception {
    ProviderFactory factory = find(type, env.providers());
    ObjectNode node = JsonNodeFactory.instance.objectNode();
    settings.forEach(node::put);
    List<String> problems = factory.validate(node);
    if (!problems.isEmpty()) {
      throw new InputRejectedException("--from " + type + ": " + String.join("; ", problems));
    }
    PurchasedCertificateSource source;
    try {
      source = (PurchasedCertificateSource) factory.create(node, env.providerContext());
    } catch (IllegalArgumentException e) {
      throw new InputRejectedException("--from " + type + ": " + e.getMessage());
    }
    PurchasedCertificateSource.Download d = source.download(domain, certificateId);
    String where = type + " certificate " + certificateId + " of " + domain;
    List<X509Certificate> heap = new ArrayList<>(CertificateReader.read(where + " (certificate)", bytes(d.leafPem())));
    if (d.chainPem() != null && !d.chainPem().isBlank()) {
      heap.addAll(CertificateReader.read(where + " (chain)", bytes(d.chainPem())));
    }
    if (d.privateKeyPem() == null || d.privateKeyPem().isBlank()) {
      throw new InputRejectedException(where + ": the source did not return the private key; import it with --cert and "
          + "--key (or the pending key) instead");
    }
    PrivateKey key = PrivateKeyReader.read(where + " (private key)", bytes(d.privateKeyPem()), Optional.empty());
    return new ImportCandidate(heap, key, where, false);
  }

  private static ProviderFactory find(String type, ProviderRegistry providers) throws InputRejectedException {
    Set<String> known = providers.types(PurchasedCertificateSource.class);
    return providers.factory(PurchasedCertificateSource.class, type).orElseThrow(() -> new InputRejectedException(
        "--from " + type + ": no certificate source of that type is installed; "
            + (known.isEmpty() ? "none is" : "available: " + String.join(", ", known))));
  }

  private static byte[] bytes(String s) { return s == null ? new byte[0] : s.getBytes(StandardCharsets.UTF_8); }
}
