package io.certferry.core.x509;

import static org.assertj.core.api.Assertions.assertThat;

import io.certferry.core.CertificateBundle;
import io.certferry.core.issue.local.LocalCaIssuer;
import io.certferry.core.issue.IssueRequest;
import io.certferry.core.testing.MemoryStore;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/** IP address literals among a certificate's names (RFC 8738): read without DNS, written canonically, covered exactly. */
class IpAddressesTest {
  @Test
  void literalsAreAddressesAndNamesAreNot() {
    assertThat(IpAddresses.isLiteral("192.0.2.7")).isTrue();
    assertThat(IpAddresses.isLiteral("2001:db8::7")).isTrue();
    assertThat(IpAddresses.isLiteral("::1")).isTrue();
    assertThat(IpAddresses.isLiteral("example.org")).isFalse();
    assertThat(IpAddresses.isLiteral("*.example.org")).isFalse();
    assertThat(IpAddresses.isLiteral("1.2.3")).as("no shorthand IPv4").isFalse();
    assertThat(IpAddresses.isLiteral("256.1.1.1")).isFalse();
    assertThat(IpAddresses.isLiteral("01.2.3.4")).as("no leading zeros (octal in some parsers)").isFalse();
    assertThat(IpAddresses.isLiteral("[::1]")).isFalse();
    assertThat(IpAddresses.isLiteral("fe80::1%eth0")).as("no zone ids").isFalse();
    assertThat(IpAddresses.isLiteral("2001:db8::g")).isFalse();
  }

  @Test
  void ipv6IsWrittenTheRfc5952Way() {
    assertThat(IpAddresses.canonical("2001:DB8:0:0:0:0:0:1")).isEqualTo("2001:db8::1");
    assertThat(IpAddresses.canonical("0:0:0:0:0:0:0:1")).isEqualTo("::1");
    assertThat(IpAddresses.canonical("2001:db8:0:1:0:0:0:1")).as("the longest zero run").isEqualTo("2001:db8:0:1::1");
    assertThat(IpAddresses.canonical("2001:db8:0:1:1:1:1:1")).as("one zero group stays").isEqualTo("2001:db8:0:1:1:1:1:1");
    assertThat(IpAddresses.canonical("::")).isEqualTo("::");
    assertThat(IpAddresses.canonical("192.0.2.7")).isEqualTo("192.0.2.7");
    assertThat(IpAddresses.canonical("www.example.org")).isEqualTo("www.example.org");
  }

  @Test
  void reverseNamesAreTheTlsAlpnServerNamesOfAddresses() throws Exception {
    assertThat(IpAddresses.reverseName(InetAddress.getByName("192.0.2.7"))).isEqualTo("7.2.0.192.in-addr.arpa");
    assertThat(IpAddresses.reverseName(InetAddress.getByName("2001:db8::1")))
        .isEqualTo("1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa");
  }

  @Test
  void anAddressIsCoveredOnlyByTheSameAddressWhateverItsSpelling() {
    List<String> names = List.of("*.example.org", "2001:db8::1", "192.0.2.7");
    assertThat(CertificateChecks.covers(names, "2001:DB8:0:0:0:0:0:1")).isTrue();
    assertThat(CertificateChecks.covers(names, "192.0.2.7")).isTrue();
    assertThat(CertificateChecks.covers(names, "192.0.2.8")).isFalse();
    assertThat(CertificateChecks.covers(List.of("*.0.2.7"), "192.0.2.7")).as("a wildcard never covers an address").isFalse();
  }

  @Test
  void aBundleNamesItsIpSansInCanonicalForm() throws Exception {
    LocalCaIssuer ca = LocalCaIssuer.builder(new MemoryStore()).create();
    CertificateBundle b = ca.issue(IssueRequest.of("ip", List.of("host.test", "192.0.2.7", "2001:db8:0:0:0:0:0:1"),
        KeyType.EC_P256)).bundle();

    assertThat(b.names()).containsExactly("host.test", "192.0.2.7", "2001:db8::1");
    assertThat(CertificateBundle.dnsNames(b.leaf())).containsExactly("host.test");
  }
}
