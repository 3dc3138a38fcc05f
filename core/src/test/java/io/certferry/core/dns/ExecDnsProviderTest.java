package io.certferry.core.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.certferry.core.ProviderContext;
import io.certferry.core.ProviderFactory;
import io.certferry.core.ReferenceSecrets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExecDnsProviderTest {
  @TempDir Path dir;

  private Path script(String body) throws Exception {
    Path s = dir.resolve("hook.sh");
    Files.writeString(s, "#!/bin/sh\n" + body + "\n");
    Files.setPosixFilePermissions(s, PosixFilePermissions.fromString("rwx------"));
    return s;
  }

  @Test
  void runsPresentAndCleanupWithTheDottedNameAndValue() throws Exception {
    Path log = dir.resolve("calls.log");
    ExecDnsProvider p = new ExecDnsProvider(List.of(script("echo \"$@\" >> " + log).toString()), Duration.ofSeconds(10));
    DnsRecordHandle h = p.createTxt("_acme-challenge.www.example.com", "abc");
    p.delete(h);
    assertThat(Files.readAllLines(log)).containsExactly(
        "present _acme-challenge.www.example.com. abc", "cleanup _acme-challenge.www.example.com. abc");
  }

  @Test
  void failureCarriesExitCodeAndOutput() throws Exception {
    ExecDnsProvider p = new ExecDnsProvider(List.of(script("echo zone not found >&2; exit 3").toString()), Duration.ofSeconds(10));
    assertThatThrownBy(() -> p.createTxt("_acme-challenge.a.example.com", "v"))
        .isInstanceOf(DnsException.class).hasMessageContaining("exited with 3").hasMessageContaining("zone not found");
  }

  @Test
  void timeoutKillsTheCommand() throws Exception {
    ExecDnsProvider p = new ExecDnsProvider(List.of(script("echo started; exec sleep 30").toString()), Duration.ofMillis(500));
    assertThatThrownBy(() -> p.createTxt("_acme-challenge.a.example.com", "v"))
        .isInstanceOf(DnsException.class).hasMessageContaining("did not finish within").hasMessageContaining("started");
  }

  @Test
  void missingProgramSaysSo() {
    ExecDnsProvider p = new ExecDnsProvider(List.of(dir.resolve("nope").toString()), Duration.ofSeconds(5));
    assertThatThrownBy(() -> p.createTxt("_acme-challenge.a.example.com", "v"))
        .isInstanceOf(DnsException.class).hasMessageContaining("cannot run");
  }

  @Test
  void factoriesAreRegisteredAndValidate() throws Exception {
    ObjectMapper json = new ObjectMapper();
    ProviderFactory exec = find("exec");
    ProviderFactory chall = find("pebble-challtestsrv");
    assertThat(exec.kind()).isEqualTo(DnsProvider.class);
    assertThat(chall.kind()).isEqualTo(DnsProvider.class);
    assertThat(exec.validate(json.readTree("{}"))).singleElement().asString().contains("command is missing");
    assertThat(exec.validate(json.readTree("{\"command\":\"/bin/true\",\"timeoutSeconds\":-1}")))
        .singleElement().asString().contains("timeoutSeconds");
    assertThat(exec.create(json.readTree("{\"command\":[\"/bin/true\",\"x\"]}"), ProviderContext.defaults(ReferenceSecrets.system())))
        .isInstanceOf(ExecDnsProvider.class);
    assertThat(chall.validate(json.readTree("{\"url\":\"ftp://x\"}"))).singleElement().asString().contains("not an http");
    assertThat(chall.create(json.readTree("{\"url\":\"http://127.0.0.1:8055\"}"), ProviderContext.defaults(ReferenceSecrets.system())))
        .isInstanceOf(ChallTestSrvDnsProvider.class);
    assertThatThrownBy(() -> chall.create(json.readTree("{}"), ProviderContext.defaults(ReferenceSecrets.system())))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("url is missing");
  }

  private static ProviderFactory find(String type) {
    return ServiceLoader.load(ProviderFactory.class).stream().map(ServiceLoader.Provider::get)
        .filter(f -> f.type().equals(type)).findFirst().orElseThrow(() -> new AssertionError(type + " not registered"));
  }
}
