/**
 * Serving: the last step of a certificate's life, into the JVM process that serves TLS.
 *
 * <p>{@link io.certferry.core.serve.ManagedKeyManager} is an {@code X509ExtendedKeyManager} that serves the
 * current version of each lineage by SNI and swaps to a new version the moment
 * {@link io.certferry.core.CertManager} stores it, without a restart;
 * {@link io.certferry.core.serve.ManagedKeyManager#sslContext()} is a ready {@code SSLContext} on it.
 * {@link io.certferry.core.serve.AcmeTlsAlpn} lets the same server answer tls-alpn-01 (RFC 8737) on its
 * own port.
 *
 * @since 0.1
 */
package io.certferry.core.serve;
