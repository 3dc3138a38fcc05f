package io.certferry.core.issue.acme;

import io.certferry.core.InputRejectedException;
import io.certferry.core.SettingProblem;
import io.certferry.core.x509.CertificateReader;

import java.net.URI;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.shredzone.acme4j.Metadata;
import org.shredzone.acme4j.Session;
import org.shredzone.acme4j.exception.AcmeException;

/**
 * Checks ACME settings against what the CA's directory says, for {@code check-config}: a profile the CA
 * does not offer, a CA that requires external account binding when none is set. The directory is
 * fetched once with a short timeout; a CA that cannot be reached is not a problem but a note saying what
 * was not checked, since the agent checks again before every order.
 *
 * @since 0.1
 */
public final class AcmeDirectoryCheck {
  /** How long {@code check-config} waits for a directory by default. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

  private AcmeDirectoryCheck() {}

  /**
   * What the check found.
   *
   * @param problems settings the CA refuses, by their pointer in the issuer block
   * @param notes what could not be checked, and why
   * @since 0.1
   */
  public record Result(List<SettingProblem> problems, List<String> notes) {
    public Result {
      problems = List.copyOf(problems);
      notes = List.copyOf(notes);
    }
  }

  /**
   * Fetches the directory of {@code settings} within {@code timeout} and checks the settings against it.
   *
   * @since 0.1
   */
  public static Result check(AcmeSettings settings, Duration timeout) {
    URI directory = settings.directory();
    Metadata meta;
    try {
      List<X509Certificate> anchors = settings.serverCa().isPresent()
          ? CertificateReader.read(settings.serverCa().get()) : List.of();
      Session session = new Session(directory, new TrustingAcmeProvider(anchors));
      session.networkSettings().setTimeout(timeout);
      meta = session.getMetadata();
    } catch (AcmeException | InputRejectedException | RuntimeException e) {
      // acme4j reports a body it cannot parse with runtime exceptions
      return new Result(List.of(), List.of("could not read the ACME directory " + directory + " within "
          + timeout.toSeconds() + " s (" + e.getMessage() + "), so "
          + settings.profile().map(p -> "profile " + p + " and ").orElse("") + "what the CA requires "
          + "will be checked at issuance"));
    }
    List<SettingProblem> problems = new ArrayList<>();
    settings.profile().flatMap(p -> profileProblem(p, meta.getProfiles(), directory))
        .ifPresent(m -> problems.add(new SettingProblem("/profile", m)));
    if (meta.isExternalAccountRequired() && settings.eab().isEmpty()) {
      problems.add(new SettingProblem("", "the CA at " + directory + " requires external account binding; add "
          + "eab: {keyId: KID, hmacKey: ${env:EAB_HMAC_KEY}} with the pair from the CA's dashboard"));
    }
    return new Result(problems, List.of());
  }

  /**
   * Why the CA cannot honour {@code profile}, given the profiles its directory advertises; empty when
   * it offers it. The one rule for check-config, doctor and the check before every order.
   *
   * @since 0.1
   */
  public static Optional<String> profileProblem(String profile, Set<String> offered, URI directory) {
    if (offered.contains(profile)) {
      return Optional.empty();
    }
    return Optional.of("profile " + profile + " is not offered by " + directory
        + (offered.isEmpty() ? " (it advertises no profiles); remove the profile setting"
            : "; offered: " + String.join(", ", new TreeSet<>(offered)) + "; set profile: to one of them"));
  }
}
