package io.certferry.core.dns;

import io.certferry.core.testing.FakeTime;
import io.certferry.core.Sleeper;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.certferry.core.issue.IssueException;
import io.certferry.core.testing.PebbleServer;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The propagation check and the challtestsrv provider against a real pebble-challtestsrv DNS server. */
class PropagationCheckTest {
  private static PebbleServer pebble;

  @BeforeAll
  static void start() {
    pebble = PebbleServer.start();
  }

  @AfterAll
  static void stop() {
    if (pebble != null) {
      pebble.close();
    }
  }

  /** Time that moves only when slept; runs a hook on each sleep (to change DNS mid-wait). */

  @Test
  void waitsUntilTheValueIsVisibleAndReportsTheLaggingServer() throws Exception {
    ChallTestSrvDnsProvider dns = new ChallTestSrvDnsProvider(pebble.challTestSrvUrl());
    dns.createTxt("_acme-challenge.prop.example.com", "old-value");
    FakeTime time = new FakeTime();
    time.onSleep(() -> {
      try {
        dns.createTxt("_acme-challenge.prop.example.com", "new-value");
      } catch (DnsException e) {
        throw new IllegalStateException(e);
      }
    });
    List<String> progress = new ArrayList<>();
    PropagationCheck check = PropagationCheck.builder().servers(List.of(pebble.dnsAddress())).clock(time).sleeper(time).build();

    check.await("_acme-challenge.prop.example.com", "new-value", progress::add);

    assertThat(time.sleeps()).hasSize(1);
    assertThat(progress).singleElement().asString()
        .contains("1 of 1 servers not yet")
        .contains("127.0.0.1:" + pebble.dnsAddress().getPort() + " answers old-value");
    dns.delete(new DnsRecordHandle("_acme-challenge.prop.example.com", "new-value", "", ""));
  }

  @Test
  void timesOutNamingEveryServerStillBehind() {
    FakeTime time = new FakeTime();
    InetSocketAddress dead = new InetSocketAddress("127.0.0.1", PebbleServer.freePort());
    PropagationCheck check = PropagationCheck.builder().servers(List.of(pebble.dnsAddress(), dead))
        .timeout(Duration.ofSeconds(30)).queryTimeout(Duration.ofMillis(300)).clock(time).sleeper(time).build();
    assertThatThrownBy(() -> check.await("_acme-challenge.never.example.com", "v", l -> {}))
        .isInstanceOf(IssueException.class)
        .hasMessageContaining("not visible at 2 of 2 authoritative servers after 30 s")
        .hasMessageContaining("answers no TXT")
        .hasMessageContaining("no answer");
    assertThat(time.sleeps().stream().mapToLong(Duration::toMillis).sum()).isEqualTo(30_000L);
  }

  @Test
  void findsTheZonesNameServersThroughTheLookupResolver() throws Exception {
    // challtestsrv answers NS queries for nothing; a zone without NS anywhere up the tree is an error
    org.xbill.DNS.SimpleResolver lookup = new org.xbill.DNS.SimpleResolver(pebble.dnsAddress());
    PropagationCheck check = PropagationCheck.builder().lookupResolver(lookup).build();
    assertThatThrownBy(() -> check.await("_acme-challenge.x.example.com", "v", l -> {}))
        .isInstanceOf(IssueException.class)
        .hasMessageContaining("zone");
  }

  @Test
  void parsesServerAddresses() {
    assertThat(PropagationCheck.parseServer("127.0.0.1:8053").getPort()).isEqualTo(8053);
    assertThat(PropagationCheck.parseServer("ns1.example.com").getPort()).isEqualTo(53);
  }
}
