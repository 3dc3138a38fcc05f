package io.certferry.core.doctor;

import io.certferry.core.issue.acme.AcmeDirectoryCheck;
import io.certferry.core.issue.acme.AcmeSettings;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.Callable;

/**
 * The CA of one ACME issuer block: its directory answers, its terms are agreed to, EAB is configured where it is
 * required, the profile asked for is offered, and this machine's clock agrees with the CA's {@code Date} header.
 */
final class AcmeCaCheck implements Check {
  /** Certificates are backdated by CAs, so small drift is harmless; minutes start to break short-lived ones. */
  static final Duration SKEW_WARN = Duration.ofSeconds(30);
  static final Duration SKEW_FAIL = Duration.ofMinutes(5);

  private final String name;
  private final AcmeSettings settings;
  private final Callable<AcmeDirectory> directory;
  private final Clock clock;

  AcmeCaCheck(AcmeSettings settings, Callable<AcmeDirectory> directory, Clock clock) {
    this.name = "ca " + settings.directory();
    this.settings = settings;
    this.directory = directory;
    this.clock = clock;
  }

  @Override
  public String name() { return name; }

  @Override
  public List<CheckResult> run() {
    AcmeDirectory d;
    try {
      d = directory.call();
    } catch (Exception e) {
      return List.of(CheckResult.fail(name, "directory", "cannot be read: " + e.getMessage(),
          "check the issuer's server (" + settings.server() + "), that this machine reaches it (proxy, firewall), and "
              + "for a private CA its serverCa"));
    }
    Instant now = clock.instant();
    if (!d.isDirectory()) {
      return List.of(CheckResult.fail(name, "directory", "answers, but not with an ACME directory (no newOrder/newAccount)",
          "point server at the CA's ACME directory URL, e.g. https://acme-v02.api.letsencrypt.org/directory"));
    }
    List<CheckResult> out = new ArrayList<>();
    out.add(CheckResult.ok(name, "directory", "reachable"));
    out.add(terms(d));
    out.add(eab(d));
    profile(d).ifPresent(out::add);
    out.add(skew(d.date(), now));
    return out;
  }

  private CheckResult terms(AcmeDirectory d) {
    Optional<String> tos = d.termsOfService();
    if (tos.isEmpty()) {
      return CheckResult.ok(name, "terms of service", "the CA publishes none");
    }
    return settings.agreeTos() ? CheckResult.ok(name, "terms of service", "agreed (" + tos.get() + ")")
        : CheckResult.fail(name, "terms of service", "not agreed to; the CA requires " + tos.get(),
            "read them and set agreeTos: true in the issuer block");
  }

  private CheckResult eab(AcmeDirectory d) {
    if (d.externalAccountRequired()) {
      return settings.eab().isPresent()
          ? CheckResult.ok(name, "external account binding", "required and configured (key id " + settings.eab().get().keyId() + ")")
          : CheckResult.fail(name, "external account binding", "the CA requires it (meta.externalAccountRequired) and none is configured",
              "add eab: {keyId: KID, hmacKey: ${env:EAB_HMAC_KEY}} with the key id and HMAC key from the CA's account page");
    }
    return CheckResult.ok(name, "external account binding", settings.eab().isPresent()
        ? "configured (the CA does not require it)" : "not required");
  }

  /** The profile asked for, judged by the rule every order is ({@link AcmeDirectoryCheck#profileProblem}). */
  private Optional<CheckResult> profile(AcmeDirectory d) {
    if (settings.profile().isEmpty()) {
      return Optional.empty();
    }
    String p = settings.profile().get();
    Optional<String> problem = AcmeDirectoryCheck.profileProblem(p, new TreeSet<>(d.profiles()), d.url());
    return Optional.of(problem.map(m -> CheckResult.fail(name, "profile", m, d.profiles().isEmpty()
            ? "remove profile: from the issuer block" : "set profile: to one of " + String.join(", ", d.profiles())))
        .orElse(CheckResult.ok(name, "profile", p + " is offered")));
  }

  private CheckResult skew(Optional<Instant> caDate, Instant now) {
    if (caDate.isEmpty()) {
      return CheckResult.warn(name, "clock", "the CA sent no Date header, so the clock skew cannot be measured",
          "keep this machine's clock synchronised (timedatectl set-ntp true)");
    }
    Duration skew = Duration.between(caDate.get(), now).abs();
    String what = "this machine's clock is " + skew.toSeconds() + " s " + (now.isAfter(caDate.get()) ? "ahead of" : "behind")
        + " the CA's";
    if (skew.compareTo(SKEW_FAIL) > 0) {
      return CheckResult.fail(name, "clock", what, "synchronise the clock (timedatectl set-ntp true, or chrony): renewal "
          + "times and expiry alerts are computed from it");
    }
    if (skew.compareTo(SKEW_WARN) > 0) {
      return CheckResult.warn(name, "clock", what, "synchronise the clock (timedatectl set-ntp true, or chrony)");
    }
    return CheckResult.ok(name, "clock", "within " + skew.toSeconds() + " s of the CA's (Date header)");
  }
}
