package io.certferry.core.x509;

import java.security.InvalidAlgorithmParameterException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * The key types Certferry generates and accepts. Generation uses the JDK's own providers: no
 * Bouncy Castle registration is needed (it costs over a second of start-up).
 *
 * @since 0.1
 */
public enum KeyType {
  EC_P256("ec-p256"),
  EC_P384("ec-p384"),
  RSA_2048("rsa-2048"),
  RSA_3072("rsa-3072"),
  RSA_4096("rsa-4096");

  private final String id;

  KeyType(String id) { this.id = id; }

  /**
   * The name used in flags and config, e.g. {@code ec-p256}.
   *
   * @since 0.1
   */
  public String id() { return id; }

  /**
   * Whether this is an elliptic-curve type.
   *
   * @since 0.1
   */
  public boolean isEc() { return this == EC_P256 || this == EC_P384; }

  /**
   * Parses {@code ec-p256}, {@code rsa-2048} and so on (case-insensitive).
   *
   * @since 0.1
   */
  public static Optional<KeyType> parse(String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    return Arrays.stream(values()).filter(k -> k.id.equals(t)).findFirst();
  }

  /**
   * Generates a fresh key pair of this type.
   *
   * @since 0.1
   */
  public KeyPair generate() {
    try {
      KeyPairGenerator g;
      switch (this) {
        case EC_P256 -> { g = KeyPairGenerator.getInstance("EC"); g.initialize(new ECGenParameterSpec("secp256r1")); }
        case EC_P384 -> { g = KeyPairGenerator.getInstance("EC"); g.initialize(new ECGenParameterSpec("secp384r1")); }
        default -> { g = KeyPairGenerator.getInstance("RSA"); g.initialize(Integer.parseInt(id.substring(4))); }
      }
      return g.generateKeyPair();
    } catch (NoSuchAlgorithmException | InvalidAlgorithmParameterException e) {
      throw new IllegalStateException("this JDK cannot generate " + id + " keys", e);
    }
  }

  /**
   * The type of a public key, or throws {@link IllegalArgumentException} naming what it is when
   * Certferry does not accept it (RSA under 2048 bits, EC curves other than P-256 and P-384).
   *
   * @since 0.1
   */
  public static KeyType of(PublicKey key) {
    if (key instanceof RSAPublicKey rsa) {
      int bits = rsa.getModulus().bitLength();
      if (bits < 2048) {
        throw new IllegalArgumentException("RSA-" + bits + " key is too weak; use RSA-2048 or stronger, or EC P-256");
      }
      return bits <= 2048 ? RSA_2048 : bits <= 3072 ? RSA_3072 : RSA_4096;
    }
    if (key instanceof ECPublicKey ec) {
      int bits = ec.getParams().getCurve().getField().getFieldSize();
      if (bits == 256) return EC_P256;
      if (bits == 384) return EC_P384;
      throw new IllegalArgumentException("EC key on a " + bits + "-bit curve is not accepted; use P-256 or P-384");
    }
    throw new IllegalArgumentException(key.getAlgorithm() + " keys are not accepted; use EC P-256, P-384 or RSA >= 2048");
  }

  @Override
  public String toString() { return id; }
}
