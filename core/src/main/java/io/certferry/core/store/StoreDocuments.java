package io.certferry.core.store;

import io.certferry.core.x509.PemWriter;

import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * The encodings of what a {@link CertificateStore} keeps, for a store other than {@link FileStore}: the
 * JSON of {@link LineageSpec}, {@link LineageState}, {@link Deployments} and {@link StoredVersion}, and
 * the PEM of certificates and keys. Every store writes and reads them through this one codec, so a store
 * never depends on the documents' field lists and a lineage copied between stores reads the same.
 *
 * <p>JSON: instants as ISO-8601 text, unknown fields ignored (a document written by a newer release
 * still reads). Reads throw {@link StoreException} naming {@code where} (a file, a table row), never
 * quoting key material.
 *
 * @since 0.1
 */
public final class StoreDocuments {
  private StoreDocuments() {}

  /**
   * The JSON of a spec.
   *
   * @since 0.1
   */
  public static byte[] toJson(LineageSpec spec) { return StoreJson.write(spec); }

  /**
   * The JSON of a renewal state.
   *
   * @since 0.1
   */
  public static byte[] toJson(LineageState state) { return StoreJson.write(state); }

  /**
   * The JSON of a lineage's deployment records.
   *
   * @since 0.1
   */
  public static byte[] toJson(Deployments deployments) { return StoreJson.write(deployments); }

  /**
   * The JSON of a version's metadata ({@code meta.json}).
   *
   * @since 0.1
   */
  public static byte[] toJson(StoredVersion version) { return StoreJson.write(version); }

  /**
   * Reads a lineage's {@code spec.json}; {@code where} names it in errors.
   *
   * @since 0.1
   */
  public static LineageSpec spec(byte[] json, String where) { return StoreJson.readSpec(json, where); }

  /**
   * Reads a lineage's {@code state.json}; {@code where} names it in errors.
   *
   * @since 0.1
   */
  public static LineageState state(byte[] json, String where) { return StoreJson.read(json, LineageState.class, where); }

  /**
   * Reads a lineage's {@code deployments.json}; {@code where} names it in errors.
   *
   * @since 0.1
   */
  public static Deployments deployments(byte[] json, String where) {
    return StoreJson.read(json, Deployments.class, where);
  }

  /**
   * A version's metadata; mapped by hand, as {@code list} reads one per lineage.
   *
   * @since 0.1
   */
  public static StoredVersion version(byte[] json, String where) { return StoreJson.readVersion(json, where); }

  /**
   * {@code CERTIFICATE} blocks in order; empty text for none (the chain of a leaf issued by a root).
   *
   * @since 0.1
   */
  public static String certificatesPem(List<X509Certificate> certificates) { return StorePem.certificates(certificates); }

  /**
   * Reads {@code CERTIFICATE} blocks in order; {@code where} names the text in errors.
   *
   * @since 0.1
   */
  public static List<X509Certificate> certificates(String pem, String where) {
    return StorePem.readCertificates(pem.getBytes(StandardCharsets.US_ASCII), where);
  }

  /**
   * An unencrypted PKCS#8 {@code PRIVATE KEY} block: what a store seals or protects before keeping it.
   *
   * @throws StoreException when the key cannot be exported (held in hardware)
   * @since 0.1
   */
  public static String privateKeyPem(PrivateKey key) { return StorePem.privateKey(key); }

  /**
   * Reads an unencrypted PKCS#8 {@code PRIVATE KEY} block; {@code where} names it in errors, never the key.
   *
   * @since 0.1
   */
  public static PrivateKey privateKey(byte[] pem, String where) { return StorePem.readPrivateKey(pem, where); }

  /**
   * An X.509 {@code PUBLIC KEY} block, as kept beside an ACME account key.
   *
   * @since 0.1
   */
  public static String publicKeyPem(PublicKey key) { return PemWriter.publicKey(key); }

  /**
   * Reads an X.509 {@code PUBLIC KEY} block; {@code where} names it in errors.
   *
   * @since 0.1
   */
  public static PublicKey publicKey(byte[] pem, String where) { return StorePem.readPublicKey(pem, where); }
}
