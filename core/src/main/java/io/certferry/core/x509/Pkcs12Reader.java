package io.certferry.core.x509;

import io.certferry.core.InputRejectedException;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.UnrecoverableKeyException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads a PKCS#12 ({@code .pfx}/{@code .p12}) file with the JDK's own PKCS12 key store: openssl 3's
 * default (AES-256-CBC, PBKDF2, SHA-256 MAC) and the legacy RC2/3DES files older tools write.
 * The password is passed in (from a file or stdin, see {@link Passwords}), never from argv.
 *
 * @since 0.1
 */
public final class Pkcs12Reader {
  private Pkcs12Reader() {}

  /**
   * The private key and certificates in a PKCS#12 file.
   *
   * @throws InputRejectedException when the file is not PKCS#12, the password is wrong, or it does
   *     not hold exactly one private key
   * @since 0.1
   */
  public static Pkcs12Contents read(Path file, char[] password) throws InputRejectedException {
    return read(file.toString(), InputFiles.read(file, "a PKCS#12 file"), password);
  }

  /**
   * The key and certificates in PKCS#12 {@code content}; {@code sourceName} names it in messages.
   *
   * @since 0.1
   */
  public static Pkcs12Contents read(String sourceName, byte[] content, char[] password) throws InputRejectedException {
    if (content.length == 0) {
      throw new InputRejectedException(sourceName + " is empty; it should hold a PKCS#12 file, export it again");
    }
    if (content.length > InputFiles.MAX_BYTES) {
      throw InputFiles.tooLarge(sourceName, content.length, "a PKCS#12 file");
    }
    byte[] data = InputFiles.stripBom(content);
    ContentKind kind = Pem.hasBlocks(data) ? ContentKind.CERTIFICATE : ContentKind.sniff(data);
    if (kind != ContentKind.PKCS12) {
      throw new InputRejectedException(sourceName + (Pem.hasBlocks(data) ? " holds PEM text" : " " + kind.description())
          + ", not a PKCS#12 file; give PEM, DER and PKCS#7 files with --cert, --chain and --key instead");
    }
    KeyStore store = load(sourceName, data, password);
    try {
      List<String> keyAliases = new ArrayList<>();
      for (String alias : Collections.list(store.aliases())) {
        if (store.isKeyEntry(alias)) keyAliases.add(alias);
      }
      if (keyAliases.isEmpty()) {
        throw new InputRejectedException(sourceName + " holds no private key; export it again with the key "
            + "(openssl pkcs12 -export -inkey key.pem -in cert.pem -certfile chain.pem)");
      }
      if (keyAliases.size() > 1) {
        throw new InputRejectedException(sourceName + " holds " + keyAliases.size()
            + " private keys; export a file with only the certificate to import and its key");
      }
      String alias = keyAliases.get(0);
      PrivateKey key = privateKey(sourceName, store, alias, password);
      return new Pkcs12Contents(key, certificates(store, alias));
    } catch (GeneralSecurityException e) {
      throw new InputRejectedException(sourceName + ": the PKCS#12 file is damaged (" + e.getClass().getSimpleName()
          + "); export it again", e);
    }
  }

  private static KeyStore load(String source, byte[] data, char[] password) throws InputRejectedException {
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(new ByteArrayInputStream(data), password);
      return store;
    } catch (IOException e) {
      if (e.getCause() instanceof UnrecoverableKeyException || String.valueOf(e.getMessage()).contains("password")) {
        throw wrongPassword(source);
      }
      if (e.getCause() instanceof NoSuchAlgorithmException) {
        throw unsupported(source, e);
      }
      throw new InputRejectedException(source + ": the PKCS#12 file is damaged or uses an encryption this Java cannot "
          + "read; export it again with openssl 3 (openssl pkcs12 -export)", e);
    } catch (GeneralSecurityException e) {
      throw unsupported(source, e);
    }
  }

  private static PrivateKey privateKey(String source, KeyStore store, String alias, char[] password)
      throws InputRejectedException, GeneralSecurityException {
    Key key;
    try {
      key = store.getKey(alias, password);
    } catch (UnrecoverableKeyException e) {
      throw new InputRejectedException(source + ": the private key inside has a different password than the file; "
          + "export it again with one password", e);
    }
    if (!(key instanceof PrivateKey pk)) {
      throw new InputRejectedException(source + " holds a secret key, not a private key; export the certificate's key");
    }
    return pk;
  }

  private static List<X509Certificate> certificates(KeyStore store, String keyAlias) throws GeneralSecurityException {
    Set<X509Certificate> certs = new LinkedHashSet<>();
    Certificate[] chain = store.getCertificateChain(keyAlias);
    if (chain != null) {
      for (Certificate c : chain) certs.add((X509Certificate) c);
    }
    for (String alias : Collections.list(store.aliases())) {
      if (store.isCertificateEntry(alias)) certs.add((X509Certificate) store.getCertificate(alias));
    }
    return List.copyOf(certs);
  }

  private static InputRejectedException wrongPassword(String source) {
    return new InputRejectedException(source + ": the password does not open the PKCS#12 file; check the password file "
        + "(its first line is the password)");
  }

  private static InputRejectedException unsupported(String source, Exception e) {
    return new InputRejectedException(source + ": the PKCS#12 file uses an encryption this Java cannot read; export it "
        + "again with openssl 3's defaults (openssl pkcs12 -export)", e);
  }
}
