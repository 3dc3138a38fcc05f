package io.certferry.core.x509;

import io.certferry.core.InputRejectedException;

import java.io.IOException;
import java.nio.file.Path;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.crypto.Cipher;
import javax.crypto.EncryptedPrivateKeyInfo;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.pkcs.RSAPrivateKey;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;

/**
 * Reads a private key: PKCS#8 ({@code BEGIN PRIVATE KEY}), PKCS#1 RSA ({@code BEGIN RSA PRIVATE
 * KEY}), SEC1 EC ({@code BEGIN EC PRIVATE KEY}, with or without an {@code EC PARAMETERS} block),
 * encrypted PKCS#8 ({@code BEGIN ENCRYPTED PRIVATE KEY}, openssl's PBES2/AES default) and openssl's
 * legacy encrypted PEM ({@code Proc-Type: 4,ENCRYPTED}), in PEM or DER form.
 *
 * <p>Unencrypted PKCS#8, the form Certferry writes, is read by the JDK alone (fast, no Bouncy
 * Castle class loading); Bouncy Castle's ASN.1 classes parse the other structures; keys are
 * always built and decrypted by the JDK's providers. Messages never quote the file or the password.
 *
 * @since 0.1
 */
public final class PrivateKeyReader {
  private static final Map<ASN1ObjectIdentifier, String> ALGORITHMS = Map.of(
      PKCSObjectIdentifiers.rsaEncryption, "RSA",
      PKCSObjectIdentifiers.id_RSASSA_PSS, "RSASSA-PSS",
      X9ObjectIdentifiers.id_ecPublicKey, "EC",
      EdECObjectIdentifiers.id_Ed25519, "Ed25519",
      EdECObjectIdentifiers.id_Ed448, "Ed448");

  private PrivateKeyReader() {}

  /**
   * The private key in a file.
   *
   * @param password for an encrypted key; ignored when the key is not encrypted
   * @throws InputRejectedException when the file is not a readable key, or the password is missing or wrong
   * @since 0.1
   */
  public static PrivateKey read(Path file, Optional<char[]> password) throws InputRejectedException {
    return read(file.toString(), InputFiles.read(file, "a private key"), password);
  }

  /**
   * The private key in {@code content}; {@code sourceName} names it in messages.
   *
   * @since 0.1
   */
  public static PrivateKey read(String sourceName, byte[] content, Optional<char[]> password)
      throws InputRejectedException {
    if (content.length == 0) {
      throw new InputRejectedException(sourceName + " is empty; it should hold a private key, check the file was saved completely");
    }
    if (content.length > InputFiles.MAX_BYTES) {
      throw InputFiles.tooLarge(sourceName, content.length, "a private key");
    }
    byte[] data = InputFiles.stripBom(content);
    if (Pem.hasBlocks(data)) {
      return fromPem(sourceName, data, password);
    }
    Optional<PrivateKey> plain = jdkPkcs8(data);
    if (plain.isPresent()) {
      return plain.get();
    }
    ContentKind kind = ContentKind.sniff(data);
    if (kind == ContentKind.ENCRYPTED_PRIVATE_KEY) {
      return decryptPkcs8(sourceName, data, requirePassword(sourceName, password));
    }
    if (kind == ContentKind.PRIVATE_KEY) {
      return fromDer(sourceName, data, Optional.empty());
    }
    throw notAKey(sourceName, kind, "");
  }

  private static PrivateKey fromPem(String source, byte[] data, Optional<char[]> password) throws InputRejectedException {
    List<Pem.Block> blocks = Pem.blocks(data);
    List<Pem.Block> keys = blocks.stream().filter(b -> ContentKind.ofPemLabel(b.label()).isKey()).toList();
    if (keys.isEmpty()) {
      if (blocks.isEmpty()) throw notAKey(source, ContentKind.TEXT, "");
      throw notAKey(source, ContentKind.ofPemLabel(blocks.get(0).label()), blocks.get(0).label());
    }
    if (keys.size() > 1) {
      throw new InputRejectedException(source + " holds " + keys.size()
          + " private keys; give a file with only the key that belongs to the certificate");
    }
    Pem.Block block = keys.get(0);
    if (!block.terminated()) {
      throw new InputRejectedException(source + ": the " + block.label() + " block starting at line " + block.line()
          + " has no -----END line; the file is cut off, copy it again");
    }
    if (block.text().contains("Proc-Type:")) {
      return LegacyPemDecryption.decrypt(source, block, requirePassword(source, password));
    }
    byte[] der = block.der().orElseThrow(() -> damaged(source, null));
    if (ContentKind.ofPemLabel(block.label()) == ContentKind.ENCRYPTED_PRIVATE_KEY) {
      return decryptPkcs8(source, der, requirePassword(source, password));
    }
    if (block.label().equals("PRIVATE KEY")) {
      Optional<PrivateKey> plain = jdkPkcs8(der);
      if (plain.isPresent()) return plain.get();
    }
    return fromDer(source, der, curveOf(blocks));
  }

  /** The curve named by an {@code EC PARAMETERS} block, for SEC1 keys that leave it out. */
  private static Optional<ASN1Encodable> curveOf(List<Pem.Block> blocks) {
    for (Pem.Block b : blocks) {
      if (b.label().equals("EC PARAMETERS")) {
        try {
          return Optional.of(ASN1Primitive.fromByteArray(b.der().orElseThrow()));
        } catch (IOException | RuntimeException e) {
          return Optional.empty();
        }
      }
    }
    return Optional.empty();
  }

  /** An unencrypted PKCS#8 key through the JDK alone; empty when it is something else. */
  private static Optional<PrivateKey> jdkPkcs8(byte[] der) {
    for (String algorithm : List.of("EC", "RSA")) {
      try {
        return Optional.of(KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der)));
      } catch (GeneralSecurityException | RuntimeException e) {
        // not this algorithm, or not PKCS#8: try the next, then the general path
      }
    }
    return Optional.empty();
  }

  /** PKCS#8, PKCS#1 RSA or SEC1 EC in DER, told apart by their ASN.1 shape. */
  static PrivateKey fromDer(String source, byte[] der, Optional<ASN1Encodable> curveHint) throws InputRejectedException {
    try {
      ASN1Sequence seq = ASN1Sequence.getInstance(der);
      ASN1Encodable second = seq.getObjectAt(1);
      int version = ASN1Integer.getInstance(seq.getObjectAt(0)).intValueExact();
      if (second instanceof ASN1Sequence) {
        return toJdkKey(source, PrivateKeyInfo.getInstance(seq));
      }
      if (version == 1 && second instanceof ASN1OctetString) { // SEC1 ECPrivateKey
        ECPrivateKey ec = ECPrivateKey.getInstance(seq);
        ASN1Encodable curve = Optional.ofNullable((ASN1Encodable) ec.getParametersObject()).or(() -> curveHint)
            .orElseThrow(() -> new InputRejectedException(source + ": the EC private key does not name its curve; "
                + "convert it to PKCS#8 with openssl pkcs8 -topk8 -nocrypt -in KEY -out key.pem"));
        return toJdkKey(source, new PrivateKeyInfo(new AlgorithmIdentifier(X9ObjectIdentifiers.id_ecPublicKey, curve), ec));
      }
      return toJdkKey(source, new PrivateKeyInfo(
          new AlgorithmIdentifier(PKCSObjectIdentifiers.rsaEncryption, DERNull.INSTANCE), RSAPrivateKey.getInstance(seq)));
    } catch (IOException | RuntimeException e) {
      throw damaged(source, e);
    }
  }

  private static char[] requirePassword(String source, Optional<char[]> password) throws InputRejectedException {
    return password.orElseThrow(() -> new InputRejectedException(source
        + " holds an encrypted private key and no password was given; supply its password from a file or stdin"));
  }

  /** Encrypted PKCS#8 (PBES2 with PBKDF2 and AES, or PBES1/PKCS#12 PBE) with the JDK's ciphers. */
  private static PrivateKey decryptPkcs8(String source, byte[] der, char[] password) throws InputRejectedException {
    EncryptedPrivateKeyInfo info;
    try {
      info = new EncryptedPrivateKeyInfo(der);
    } catch (IOException | RuntimeException e) {
      throw damaged(source, e);
    }
    PKCS8EncodedKeySpec spec;
    try {
      AlgorithmParameters params = info.getAlgParameters();
      // For PBES2 the JDK names the full scheme in the parameters, e.g. PBEWithHmacSHA256AndAES_256.
      String scheme = params == null ? info.getAlgName() : params.toString();
      Cipher cipher = Cipher.getInstance(scheme);
      cipher.init(Cipher.DECRYPT_MODE, SecretKeyFactory.getInstance(scheme).generateSecret(new PBEKeySpec(password)), params);
      spec = info.getKeySpec(cipher);
    } catch (NoSuchAlgorithmException e) {
      throw new InputRejectedException(source + ": the private key is encrypted with a scheme this Java cannot decrypt; "
          + "re-encrypt it with openssl pkcs8 -topk8 -v2 aes-256-cbc", e);
    } catch (GeneralSecurityException | RuntimeException e) {
      throw wrongPassword(source);
    }
    try {
      return fromDer(source, spec.getEncoded(), Optional.empty());
    } catch (InputRejectedException e) {
      throw wrongPassword(source); // a wrong password can pass the padding check and yield garbage
    }
  }

  /** Builds the key with the JDK's KeyFactory, so it works with every JDK Signature and Cipher. */
  static PrivateKey toJdkKey(String source, PrivateKeyInfo info) throws InputRejectedException {
    ASN1ObjectIdentifier oid = info.getPrivateKeyAlgorithm().getAlgorithm();
    String algorithm = ALGORITHMS.get(oid);
    if (algorithm == null) {
      throw new InputRejectedException(source + " holds a private key of an unsupported kind (algorithm " + oid
          + "); use an EC P-256/P-384 or RSA key");
    }
    try {
      return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(info.getEncoded()));
    } catch (GeneralSecurityException | IOException | RuntimeException e) {
      throw damaged(source, e);
    }
  }

  static InputRejectedException wrongPassword(String source) {
    return new InputRejectedException(source + ": the password does not decrypt the private key; check the password "
        + "(the first line of the password file is used)");
  }

  static InputRejectedException damaged(String source, Exception cause) {
    String why = cause == null ? "" : " (" + cause.getClass().getSimpleName() + ")";
    return new InputRejectedException(source + ": the private key is damaged or not in a known format" + why
        + "; copy the key file again", cause);
  }

  static InputRejectedException notAKey(String source, ContentKind kind, String pemLabel) {
    String what = kind == ContentKind.OTHER_PEM ? "holds a \"" + pemLabel + "\" PEM block" : kind.description();
    String fix = switch (kind) {
      case CERTIFICATE, PKCS7 -> "give the private key file made with the CSR (the certificate goes to --cert)";
      case CSR -> "give the private key the CSR was made with, not the CSR";
      case PKCS12 -> "import it with --pkcs12 and --password-file";
      case OPENSSH_KEY -> "convert it with ssh-keygen -p -m PEM -f FILE, or use a key made for TLS";
      default -> "give the private key in PEM or DER form (PKCS#8, PKCS#1 RSA or SEC1 EC)";
    };
    return new InputRejectedException(source + " " + what + ", not a private key; " + fix);
  }
}
