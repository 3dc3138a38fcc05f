package io.certferry.provider.dnsimple;

import io.certferry.core.InputRejectedException;
import io.certferry.core.issue.imported.PurchasedCertificateSource;
import io.certferry.provider.dnsimple.DnsimpleApi.CertificateDownload;
import io.certferry.provider.dnsimple.DnsimpleApi.CertificatePrivateKey;

import java.io.IOException;

/**
 * Certificates bought through DNSimple: the leaf, its chain and the private key DNSimple generated,
 * downloaded for {@code certferry import --from dnsimple}. The self-signed root DNSimple also sends is
 * left out (a served chain never carries it).
 */
public final class DnsimpleCertificateSource implements PurchasedCertificateSource {
  private final DnsimpleClient client;

  DnsimpleCertificateSource(DnsimpleClient client) {
    this.client = client;
  }

  @Override
  public Download download(String domain, String certificateId) throws IOException, InputRejectedException {
    if (domain == null || domain.isBlank()) {
      throw new InputRejectedException("--domain: the DNSimple domain the certificate belongs to is missing;"
          + " give it as --domain example.com");
    }
    long id = certificateId(certificateId);
    try {
      CertificateDownload pem = client.downloadCertificate(domain.strip(), id);
      if (pem.server() == null || pem.server().isBlank()) {
        throw new InputRejectedException("DNSimple sent no certificate for certificate " + id + " of " + domain
            + "; check its state in the DNSimple dashboard");
      }
      CertificatePrivateKey key = client.certificatePrivateKey(domain.strip(), id);
      if (key.privateKey() == null || key.privateKey().isBlank()) {
        throw new InputRejectedException("DNSimple holds no private key for certificate " + id + " of " + domain
            + " (the CSR was made elsewhere); import it with --cert and --key from where the key was made");
      }
      return new Download(pem.server().strip() + "\n", joinChain(pem), key.privateKey().strip() + "\n");
    } catch (DnsimpleApiException e) {
      if (e.status() == 428) {
        throw new InputRejectedException("DNSimple certificate " + id + " of " + domain + " is not issued yet"
            + " (HTTP 428); wait until DNSimple shows it as issued, then run the import again", e);
      }
      throw e;
    }
  }

  private static String joinChain(CertificateDownload pem) {
    StringBuilder out = new StringBuilder();
    for (String c : pem.chain()) {
      if (c != null && !c.isBlank()) {
        out.append(c.strip()).append('\n');
      }
    }
    return out.toString();
  }

  private static long certificateId(String text) throws InputRejectedException {
    String t = text == null ? "" : text.strip();
    if (!t.matches("[0-9]{1,18}")) {
      throw new InputRejectedException("--certificate-id: \"" + (t.length() > 40 ? t.substring(0, 40) + "..." : t)
          + "\" is not a DNSimple certificate id; use the number shown in the certificate's URL in the DNSimple"
          + " dashboard");
    }
    return Long.parseLong(t);
  }
}
