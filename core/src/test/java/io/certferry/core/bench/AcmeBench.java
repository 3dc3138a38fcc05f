package io.certferry.core.bench;

import io.certferry.core.issue.IssueRequest;
import io.certferry.core.issue.IssuedCertificate;
import io.certferry.core.issue.acme.AcmeIssuer;
import io.certferry.core.issue.acme.Http01StandaloneSolver;
import io.certferry.core.issue.acme.PollSchedule;
import io.certferry.core.store.CertificateStore;
import io.certferry.core.store.FileStore;
import io.certferry.core.testing.MemoryStore;
import io.certferry.core.x509.CertificateReader;
import io.certferry.core.x509.KeyType;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.security.Security;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Benchmark driver: issues N single-name certificates over http-01 through the library (AcmeIssuer
 * with the standalone solver, FileStore) in one process.
 *
 * <p>Usage: {@code AcmeBench DIRECTORY_URL SERVER_CA_PEM HTTP_PORT COUNT STORE_DIR|memory [PARALLEL] [PREFIX]}
 */
public final class AcmeBench {
  private AcmeBench() {}

  public static void main(String[] args) throws Exception {
    long jvmStart = ManagementFactory.getRuntimeMXBean().getStartTime();
    URI directory = URI.create(args[0]);
    Path serverCa = Path.of(args[1]);
    int port = Integer.parseInt(args[2]);
    int count = Integer.parseInt(args[3]);
    // "memory" keeps everything in memory, to separate issuance from the store's fsync'd writes
    CertificateStore store = args[4].equals("memory")
        ? new MemoryStore() : FileStore.open(Path.of(args[4]));
    int parallel = args.length > 5 ? Integer.parseInt(args[5]) : 1;
    String prefix = args.length > 6 ? args[6] : "certferry";
    AcmeIssuer issuer = AcmeIssuer.builder().directory(directory).serverCa(CertificateReader.read(serverCa))
        .agreeToTermsOfService(true).store(store)
        .progress(System.getenv("BENCH_TRACE") == null ? l -> {} : l -> System.out.printf("%6d ms %s%n",
            (System.currentTimeMillis() - jvmStart), l))
        .pollSchedule(System.getenv("BENCH_POLL_INITIAL_MS") == null ? PollSchedule.DEFAULT
            : new PollSchedule(Duration.ofMillis(Long.parseLong(System.getenv("BENCH_POLL_INITIAL_MS"))),
                Duration.ofSeconds(3), Duration.ofMinutes(3)))
        .solver(new Http01StandaloneSolver(new InetSocketAddress("127.0.0.1", port))).build();
    long t0 = System.nanoTime();
    ExecutorService pool = Executors.newFixedThreadPool(parallel);
    List<Future<IssuedCertificate>> results = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      String lineage = prefix + "-" + i;
      String name = lineage + ".bench.example.com";
      results.add(pool.submit(() -> {
        IssuedCertificate c = issuer.issue(IssueRequest.of(lineage, List.of(name), KeyType.EC_P256));
        store.addVersion(lineage, c.bundle(), "acme", c.details());
        return c;
      }));
    }
    for (Future<IssuedCertificate> f : results) {
      f.get();
    }
    pool.shutdown();
    issuer.close();
    double batch = (System.nanoTime() - t0) / 1e9;
    double sinceJvm = (System.currentTimeMillis() - jvmStart) / 1000.0;
    System.out.printf("certferry-driver: %d certs, parallel %d, in-batch %.2f s (%.2f certs/s), since JVM start %.2f s (%.2f certs/s)%n",
        count, parallel, batch, count / batch, sinceJvm, count / sinceJvm);
    System.out.println("bouncycastle-registered: " + (Security.getProvider("BC") != null));
  }
}
