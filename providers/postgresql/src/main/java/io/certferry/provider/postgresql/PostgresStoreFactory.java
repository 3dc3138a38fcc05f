package io.certferry.provider.postgresql;

import com.fasterxml.jackson.databind.JsonNode;
import io.certferry.core.ProviderContext;
import io.certferry.core.ProviderFactory;
import io.certferry.core.store.CertificateStore;

import java.util.List;

/**
 * Creates the {@code postgresql} store from a config block (see {@link PostgresSettings}); found through
 * {@link java.util.ServiceLoader} with {@code kind() == CertificateStore.class}.
 *
 * @since 0.1
 */
public final class PostgresStoreFactory implements ProviderFactory {
  @Override
  public String type() { return "postgresql"; }

  @Override
  public Class<?> kind() { return CertificateStore.class; }

  @Override
  public List<String> validate(JsonNode settings) { return PostgresSettings.problems(settings); }

  @Override
  public PostgresStore create(JsonNode settings, ProviderContext context) {
    return PostgresSettings.parse(settings).open(context);
  }
}
