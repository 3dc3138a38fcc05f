package io.certferry.core.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.certferry.core.CertManager;
import io.certferry.core.ManagedCertificate;
import io.certferry.core.ProviderContext;
import io.certferry.core.ReferenceSecrets;
import io.certferry.core.deploy.local.DirectoryTarget;
import io.certferry.core.testing.FakeDnsServer;
import io.certferry.core.testing.MemoryStore;
import io.certferry.core.testing.PebbleServer;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The library's door: the checks of a {@link CertManager} (what an embedding tool calls), run by a {@link Doctor}:
 * one CA check however many certificates use the CA, a check per name, one per target, against pebble-ari.
 */
class DoctorChecksTest {
  @TempDir Path tmp;

  @Test
  void aManagersCertificatesGiveOneCaCheckANameCheckEachAndTheirTargets() throws Exception {
    try (PebbleServer pebble = PebbleServer.builder().ari().start();
         FakeDnsServer dns = FakeDnsServer.start().zone("a.test", "127.0.0.1.")) {
      ObjectNode issuer = new ObjectMapper().createObjectNode().put("type", "acme")
          .put("server", pebble.directoryUrl().toString()).put("serverCa", pebble.serverCaFile().toString())
          .put("agreeTos", true);
      MemoryStore store = new MemoryStore();
      CertManager manager = CertManager.builder().store(store)
          .certificate(ManagedCertificate.builder("www", List.of("a.test", "www.a.test"), "acme").issuerSettings(issuer)
              .targets(List.of(DirectoryTarget.of("files", "www", tmp.resolve("www")))).build())
          .certificate(ManagedCertificate.builder("api", List.of("api.a.test"), "acme").issuerSettings(issuer).build())
          .build();
      List<String> progress = new CopyOnWriteArrayList<>();

      DoctorReport report;
      try (manager) {
        report = Doctor.builder().progress(progress::add).build().run(DoctorChecks.of(manager,
            DoctorChecks.Options.of(ProviderContext.defaults(ReferenceSecrets.withEnvironment(Map.of())))
                .resolver(dns.resolver()).nameServerPort(dns.port())));
      }

      assertThat(report.failed()).as(report.results().toString()).isFalse();
      assertThat(report.results()).extracting(CheckResult::check).containsOnly("ca " + pebble.directoryUrl(),
          "name a.test", "name www.a.test", "name api.a.test", "target files");
      assertThat(progress).filteredOn(p -> p.startsWith("checking ")).containsExactly("checking ca "
          + pebble.directoryUrl(), "checking name a.test", "checking name www.a.test", "checking name api.a.test",
          "checking target files");
      assertThat(store.names()).isEmpty();
      assertThat(pebble.ordersPlaced()).isZero();
    }
  }
}
