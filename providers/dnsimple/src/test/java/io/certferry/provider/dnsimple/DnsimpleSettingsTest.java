package io.certferry.provider.dnsimple;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.certferry.core.ProviderContext;
import io.certferry.core.ProviderFactory;
import io.certferry.core.dns.DnsProvider;
import io.certferry.core.issue.imported.PurchasedCertificateSource;
import org.junit.jupiter.api.Test;

import java.util.OptionalLong;
import java.util.ServiceLoader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DnsimpleSettingsTest {
  private final ObjectMapper json = new ObjectMapper();

  private JsonNode settings(String text) throws Exception {
    return json.readTree(text);
  }

  @Test
  void bothFactoriesAreFoundByTypeAndKind() {
    var found = ServiceLoader.load(ProviderFactory.class).stream().map(ServiceLoader.Provider::get)
        .filter(f -> f.type().equals("dnsimple")).toList();
    assertThat(found).extracting(ProviderFactory::kind)
        .containsExactlyInAnyOrder(DnsProvider.class, PurchasedCertificateSource.class);
  }

  @Test
  void productionIsTheDefaultAndSandboxSwitches() throws Exception {
    DnsimpleSettings prod = DnsimpleSettings.parse(settings("{\"token\":\"${env:T}\"}"));
    DnsimpleSettings sandbox = DnsimpleSettings.parse(settings("{\"token\":\"${env:T}\",\"sandbox\":true}"));
    DnsimpleSettings custom = DnsimpleSettings.parse(settings("{\"token\":\"${env:T}\",\"baseUrl\":\"http://127.0.0.1:9/v2/\"}"));

    assertThat(prod.baseUrl()).isEqualTo("https://api.dnsimple.com/v2");
    assertThat(prod.account()).isEmpty();
    assertThat(prod.confirmDistribution()).isFalse();
    assertThat(sandbox.baseUrl()).isEqualTo("https://api.sandbox.dnsimple.com/v2");
    assertThat(custom.baseUrl()).isEqualTo("http://127.0.0.1:9/v2");
  }

  @Test
  void valuesGivenAsStringsAreAcceptedAsFromTheCommandLine() throws Exception {
    DnsimpleSettings s = DnsimpleSettings.parse(settings(
        "{\"token\":\"${file:/etc/certferry/dnsimple.token}\",\"account\":\"1010\",\"sandbox\":\"true\","
            + "\"confirmDistribution\":\"TRUE\"}"));

    assertThat(s.account()).isEqualTo(OptionalLong.of(1010));
    assertThat(s.baseUrl()).isEqualTo(DnsimpleSettings.SANDBOX);
    assertThat(s.confirmDistribution()).isTrue();
  }

  @Test
  void everyProblemIsReportedAtOnceNamingTheSettingAndTheFix() throws Exception {
    var problems = new DnsimpleDnsProviderFactory().validate(settings(
        "{\"token\":\"dnsimple_a_1234secret\",\"account\":\"acme-corp\",\"sandbox\":\"yes\",\"baseUrl\":\"ftp://x\","
            + "\"confirmDistrib\":true}"));

    assertThat(problems).hasSize(5);
    assertThat(String.join("\n", problems))
        .contains("unknown setting `confirmDistrib`")
        .contains("setting 'token' must be a reference")
        .contains("`account` must be the numeric DNSimple account id")
        .contains("`sandbox` must be true or false, not \"yes\"")
        .contains("`baseUrl` must be an http(s) URL")
        .doesNotContain("dnsimple_a_1234secret");
  }

  @Test
  void aMissingTokenAndConflictingBaseUrlsAreReported() throws Exception {
    assertThat(new DnsimpleCertificateSourceFactory().validate(settings("{}")))
        .singleElement().asString().contains("setting 'token' is missing").contains("${env:DNSIMPLE_TOKEN}");
    assertThat(DnsimpleSettings.validate(settings(
        "{\"token\":\"${env:T}\",\"sandbox\":true,\"baseUrl\":\"https://api.dnsimple.com/v2\"}")))
        .singleElement().asString().contains("keep one of them");
    assertThat(DnsimpleSettings.validate(settings("[1]"))).singleElement().asString().contains("must be a map");
  }

  @Test
  void createRefusesInvalidSettingsAndUnresolvableTokens() throws Exception {
    var factory = new DnsimpleDnsProviderFactory();
    assertThatThrownBy(() -> factory.create(settings("{\"token\":\"plain\"}"),
        ProviderContext.defaults(DnsimpleTestServer.secrets())))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must be a reference");
    assertThatThrownBy(() -> factory.create(settings("{\"token\":\"${env:NOT_SET_ANYWHERE}\"}"),
        ProviderContext.defaults(DnsimpleTestServer.secrets())))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("NOT_SET_ANYWHERE");
  }
}
