/**
 * The engine's inner workings: one certificate's pass (decide, renew, deploy, alert), the issuance journal,
 * maintenance-window gating, status reading, the shared settings-block reader. Public only so that other
 * Certferry modules can call it; not API: anything here may change in any release without notice. Embed
 * Certferry through {@link io.certferry.core.CertManager} and the types its methods take and return.
 *
 * @since 0.1
 */
package io.certferry.core.internal;
