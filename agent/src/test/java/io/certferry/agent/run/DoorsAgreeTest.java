package io.certferry.agent.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.certferry.agent.Environment;
import io.certferry.agent.Main;
import io.certferry.agent.config.AgentConfig;
import io.certferry.agent.config.ConfigLoader;
import io.certferry.core.CertManager;
import io.certferry.core.CertificateBundle;
import io.certferry.core.CertificateStatus;
import io.certferry.core.ReconcileReport;
import io.certferry.core.store.FileStore;
import io.certferry.core.testing.MutableClock;
import io.certferry.core.testing.TestPki;
import io.certferry.core.x509.KeyType;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One state rule and one days-left rule behind every door: for many random lineages (lifetimes from six
 * hours to thirteen months, with and without renewBefore) at many random instants, {@code list --json},
 * {@code show --json}, {@code /status}, {@code /metrics}, {@code /readyz} and the {@code run --once} table
 * report the same state and days left for each. (Before, /status and list used one rule, /metrics,
 * /readyz and run --once another, and days left were truncated in one and floored in the other.)
 */
class DoorsAgreeTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TestPki.Ca CA = TestPki.root("Doors Test Root").intermediate("Doors Test CA");
  private static final Instant START = Instant.parse("2026-06-01T00:00:00Z");

  @TempDir
  Path tmp;

  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void everyDoorReportsTheSameStateAndDaysLeft() throws Exception {
    Random random = new Random(20261201);
    Path store = tmp.resolve("store");
    FileStore files = FileStore.open(Files.createDirectories(store));
    List<String> yaml = new ArrayList<>(List.of("store: " + store, "http: {enabled: false}", "certificates:"));
    for (int i = 0; i < 30; i++) {
      String name = "c" + i;
      Duration life = Duration.ofHours(6 + random.nextInt(24 * 400));
      Instant notBefore = START.minus(Duration.ofMinutes(random.nextInt(60 * 24 * 60)));
      CertificateBundle b = CA.leaf(List.of(name + ".example.test"), KeyType.EC_P256, notBefore, notBefore.plus(life));
      files.addVersion(name, b, "imported", Map.of());
      String renewBefore = random.nextInt(3) == 0 ? ", renewBefore: " + (1 + random.nextInt(20)) + "d" : "";
      yaml.add("  - {name: " + name + ", domains: [" + name + ".example.test], issuer: {type: imported" + renewBefore + "}}");
    }
    Path config = tmp.resolve("agent.yaml");
    Files.writeString(config, String.join("\n", yaml) + "\n");
    MutableClock clock = new MutableClock(START);
    Environment env = Environment.system().withClock(clock);
    AgentConfig c = ConfigLoader.withInstalledProviders(env.secrets()).load(config);

    Map<String, Integer> seen = new HashMap<>();
    for (int round = 0; round < 12; round++) {
      clock.set(START.plus(Duration.ofMinutes(random.nextInt(60 * 24 * 420))));
      Map<String, String> table = runOnceTable(env, config);
      Map<String, String> list = fromJson(cli(env, "--store", store.toString(), "list", "--json"));
      AgentMetrics metrics = new AgentMetrics();
      AgentState state = new AgentState();
      try (CertManager m = AgentAssembly.build(c, files, env, List.of(metrics), line -> { });
           AgentHttpServer server = AgentHttpServer.start("127.0.0.1", 0, state, metrics, files, clock)) {
        ReconcileReport report = m.reconcile();
        state.finished(report);
        metrics.update(report);
        Map<String, String> status = fromJson(get(server, "/status").body());
        Map<String, String> scraped = fromMetrics(get(server, "/metrics").body());
        int readyz = get(server, "/readyz").statusCode();
        for (CertificateStatus s : report.certificates()) {
          String want = s.state() + " " + s.daysLeft().orElseThrow();
          seen.merge(s.state(), 1, Integer::sum);
          assertThat(list.get(s.name())).as("list --json, " + s.name() + " at " + clock.instant()).isEqualTo(want);
          assertThat(status.get(s.name())).as("/status, " + s.name()).isEqualTo(want);
          assertThat(scraped.get(s.name())).as("/metrics, " + s.name()).isEqualTo(want);
          assertThat(table.get(s.name())).as("run --once, " + s.name()).isEqualTo(want);
        }
        for (int k = 0; k < 3; k++) { // show is one lineage per process start: a few a round
          CertificateStatus s = report.certificates().get(random.nextInt(report.certificates().size()));
          JsonNode show = JSON.readTree(cli(env, "--store", store.toString(), "show", s.name(), "--json"));
          assertThat(show.get("state").asText() + " " + show.get("daysLeft").asLong()).as("show, " + s.name())
              .isEqualTo(s.state() + " " + s.daysLeft().orElseThrow());
        }
        boolean anyExpired = report.certificates().stream().anyMatch(s -> s.state().equals("expired"));
        assertThat(readyz).as("/readyz").isEqualTo(anyExpired ? 503 : 200);
      }
    }
    // The instants were random; the states they met were not all alike.
    assertThat(seen.keySet()).contains("valid", "renewal-due", "expiring", "expired");
  }

  private static String cli(Environment env, String... args) {
    StringWriter out = new StringWriter();
    int code = Main.commandLine(env).setOut(new PrintWriter(out, true)).setErr(new PrintWriter(new StringWriter(), true))
        .execute(args);
    assertThat(code).as(String.join(" ", args) + "\n" + out).isZero();
    return out.toString();
  }

  /** The CERTIFICATE, STATE and DAYS columns of the run --once table (the exit code says "not all good"). */
  private static Map<String, String> runOnceTable(Environment env, Path config) {
    StringWriter out = new StringWriter();
    Main.commandLine(env).setOut(new PrintWriter(out, true)).setErr(new PrintWriter(new StringWriter(), true))
        .execute("run", "--once", "--config", config.toString());
    Map<String, String> rows = new HashMap<>();
    Matcher m = Pattern.compile("(?m)^(c\\d+)\\s+(\\S+)\\s+\\S+ \\S+\\s+(-?\\d+)\\s").matcher(out.toString());
    while (m.find()) {
      rows.put(m.group(1), m.group(2) + " " + m.group(3));
    }
    return rows;
  }

  private static Map<String, String> fromJson(String text) throws Exception {
    Map<String, String> out = new HashMap<>();
    for (JsonNode n : JSON.readTree(text)) {
      out.put(n.get("name").asText(), n.get("state").asText() + " " + n.get("daysLeft").asLong());
    }
    return out;
  }

  /** From the state gauge (the series at 1) and the time-left gauge (whole days, in seconds). */
  private static Map<String, String> fromMetrics(String text) {
    Map<String, String> state = new HashMap<>();
    Map<String, String> days = new HashMap<>();
    Matcher s = Pattern.compile("(?m)^certferry_certificate_state\\{certificate=\"(c\\d+)\",state=\"([a-z-]+)\"} 1\\.0$")
        .matcher(text);
    while (s.find()) {
      state.put(s.group(1), s.group(2));
    }
    Matcher d = Pattern.compile("(?m)^certferry_certificate_time_left_seconds\\{certificate=\"(c\\d+)\"} (-?[0-9.E]+)$").matcher(text);
    while (d.find()) {
      days.put(d.group(1), Long.toString((long) Double.parseDouble(d.group(2)) / 86400));
    }
    Map<String, String> out = new HashMap<>();
    state.forEach((k, v) -> out.put(k, v + " " + days.get(k)));
    return out;
  }

  private HttpResponse<String> get(AgentHttpServer s, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
