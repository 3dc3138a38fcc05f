package io.certferry.core.x509;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.Security;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Registering Bouncy Castle costs over a second of start-up: the toolkit must work without it. */
class NoProviderRegistrationTest {
  @Test
  void theWholeToolkitRunsWithoutRegisteringBouncyCastle() throws Exception {
    assertThat(Security.getProvider("BC")).as("something in this JVM registered Bouncy Castle as a JCA provider").isNull();
    var kp = KeyType.EC_P256.generate();

    Csrs.create(kp, List.of("example.org"));
    PrivateKeyReader.read("k.pem", PrivateKeyReaderTest.encryptedPem(kp.getPrivate(), "pw".toCharArray())
        .getBytes(StandardCharsets.US_ASCII), Optional.of("pw".toCharArray()));
    PrivateKeyReader.read("k.pem", PrivateKeyReaderTest.traditionalPem(kp.getPrivate())
        .getBytes(StandardCharsets.US_ASCII), Optional.empty());
    CertificateReader.read("b.p7b", CertificateReaderTest.pkcs7(List.of(SectigoLikePki.leaf())));
    BundleAssembler.assemble("heap", List.of(SectigoLikePki.leaf(), SectigoLikePki.dv()), SectigoLikePki.LEAF.privateKey(),
        SectigoLikePki.anchors(), Clock.systemUTC());

    assertThat(Security.getProvider("BC")).isNull();
  }
}
