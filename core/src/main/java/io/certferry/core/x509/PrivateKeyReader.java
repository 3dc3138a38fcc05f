package io.certferry.core.x509;

import io.certferry.core.InputRejectedException;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.crypto.BadPaddingException;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.pkcs.RSAPrivateKey;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMException;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8DecryptorProviderBuilder;
import org.bouncycastle.openssl.jcajce.JcePEMDecryptorProviderBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.bouncycastle.pkcs.PKCSException;

/**
 * Reads a private key: PKCS#1 RSA ({@code BEGIN RSA PRIVATE KEY}), SEC1 EC ({@code BEGIN EC PRIVATE
 * KEY}, with or without an {@code EC PARAMETERS} block), PKCS#8, encrypted PKCS#8 and openssl's
 * legacy encrypted PEM, in PEM or DER form. Bouncy Castle parses the structures; the keys are built
 * and decrypted by the JDK's providers (Bouncy Castle is never registered).
 *
 * <p>Messages never quote the file's content or the password.
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
   */
  public static PrivateKey read(Path file, Optional<char[]> password) throws InputRejectedException {
    return read(file.toString(), InputFiles.read(file, "a private key"), password);
  }

  /** The private key in {@code content}; {@code sourceName} names it in messages. */
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
    ContentKind kind = ContentKind.sniff(data);
    if (kind.isKey()) {
      return fromDer(sourceName, data, kind, password);
    }
    throw notAKey(sourceName, kind, "");
  }

  private static PrivateKey fromPem(String source, byte[] data, Optional<char[]> password) throws InputRejectedException {
    List<Pem.Block> keys = Pem.blocks(data).stream().filter(b -> ContentKind.ofPemLabel(b.label()).isKey()).toList();
    if (keys.isEmpty()) {
      List<Pem.Block> all = Pem.blocks(data);
      if (all.isEmpty()) {
        throw notAKey(source, ContentKind.TEXT, "");
      }
      throw notAKey(source, ContentKind.ofPemLabel(all.get(0).label()), all.get(0).label());
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
    Object parsed;
    try (PEMParser parser = new PEMParser(new StringReader(block.text()))) {
      parsed = parser.readObject();
    } catch (IOException | RuntimeException e) {
      throw damaged(source, e);
    }
    return fromParsed(source, parsed, password);
  }

  private static PrivateKey fromParsed(String source, Object parsed, Optional<char[]> password) throws InputRejectedException {
    if (parsed instanceof PEMKeyPair pair) {
      return toJdkKey(source, pair.getPrivateKeyInfo());
    }
    if (parsed instanceof PrivateKeyInfo info) {
      return toJdkKey(source, info);
    }
    if (parsed instanceof PKCS8EncryptedPrivateKeyInfo encrypted) {
      return decrypt(source, encrypted, requirePassword(source, password));
    }
    if (parsed instanceof PEMEncryptedKeyPair legacy) {
      return decryptLegacy(source, legacy, requirePassword(source, password));
    }
    throw damaged(source, null);
  }

  private static PrivateKey fromDer(String source, byte[] der, ContentKind kind, Optional<char[]> password)
      throws InputRejectedException {
    try {
      if (kind == ContentKind.ENCRYPTED_PRIVATE_KEY) {
        return decrypt(source, new PKCS8EncryptedPrivateKeyInfo(der), requirePassword(source, password));
      }
      ASN1Sequence seq = ASN1Sequence.getInstance(der);
      ASN1Encodable second = seq.getObjectAt(1);
      int version = ASN1Integer.getInstance(seq.getObjectAt(0)).intValueExact();
      if (second instanceof ASN1Sequence) {
        return toJdkKey(source, PrivateKeyInfo.getInstance(seq));
      }
      if (version == 1 && second instanceof ASN1OctetString) { // SEC1
        ECPrivateKey ec = ECPrivateKey.getInstance(seq);
        if (ec.getParametersObject() == null) {
          throw new InputRejectedException(source + ": the EC private key does not name its curve; convert it to PKCS#8 with "
              + "openssl pkcs8 -topk8 -nocrypt -in KEY -out key.pem");
        }
        return toJdkKey(source, new PrivateKeyInfo(
            new AlgorithmIdentifier(X9ObjectIdentifiers.id_ecPublicKey, ec.getParametersObject()), ec));
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

  private static PrivateKey decrypt(String source, PKCS8EncryptedPrivateKeyInfo encrypted, char[] password)
      throws InputRejectedException {
    try {
      PrivateKeyInfo info = encrypted.decryptPrivateKeyInfo(new JceOpenSSLPKCS8DecryptorProviderBuilder().build(password));
      return toJdkKey(source, info);
    } catch (OperatorCreationException e) {
      throw unsupportedEncryption(source, e);
    } catch (PKCSException | InputRejectedException | RuntimeException e) {
      if (rootCause(e) instanceof GeneralSecurityException gse && !(gse instanceof BadPaddingException)
          && gse.getClass().getSimpleName().startsWith("NoSuch")) {
        throw unsupportedEncryption(source, e);
      }
      throw wrongPassword(source);
    }
  }

  private static PrivateKey decryptLegacy(String source, PEMEncryptedKeyPair legacy, char[] password)
      throws InputRejectedException {
    PEMKeyPair pair;
    try {
      pair = legacy.decryptKeyPair(new JcePEMDecryptorProviderBuilder().build(password));
    } catch (PEMException | RuntimeException e) {
      throw wrongPassword(source);
    } catch (IOException e) {
      throw wrongPassword(source);
    }
    try {
      return toJdkKey(source, pair.getPrivateKeyInfo());
    } catch (InputRejectedException | RuntimeException e) {
      throw wrongPassword(source);
    }
  }

  /** Builds the key with the JDK's KeyFactory, so it works with every JDK Signature and Cipher. */
  private static PrivateKey toJdkKey(String source, PrivateKeyInfo info) throws InputRejectedException {
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

  private static Throwable rootCause(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) t = t.getCause();
    return t;
  }

  private static InputRejectedException wrongPassword(String source) {
    return new InputRejectedException(source + ": the password does not decrypt the private key; check the password "
        + "(the first line of the password file is used)");
  }

  private static InputRejectedException unsupportedEncryption(String source, Exception e) {
    return new InputRejectedException(source + ": the private key is encrypted with a scheme this Java cannot decrypt; "
        + "re-encrypt it with openssl pkcs8 -topk8 -v2 aes-256-cbc", e);
  }

  private static InputRejectedException damaged(String source, Exception cause) {
    String why = cause == null || cause.getMessage() == null ? "" : " (" + cause.getClass().getSimpleName() + ")";
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
