package io.certferry.core;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;

/**
 * The {@link ProviderFactory}s on the class path, found once through {@link ServiceLoader} and looked up
 * by kind and {@code type:}. The one place providers are discovered: the config loader, the issuers'
 * settings (a DNS provider inside an ACME block) and the CLI all ask it.
 *
 * @since 0.1
 */
public final class ProviderRegistry {
  private static volatile ProviderRegistry installed;
  private final Map<String, ProviderFactory> factories;

  private ProviderRegistry(Map<String, ProviderFactory> factories) { this.factories = Map.copyOf(factories); }

  /**
   * Every factory registered in {@code META-INF/services/io.certferry.core.ProviderFactory}; scanned once.
   *
   * @since 0.1
   */
  public static ProviderRegistry installed() {
    ProviderRegistry r = installed;
    if (r == null) {
      Map<String, ProviderFactory> all = new LinkedHashMap<>();
      ServiceLoader.load(ProviderFactory.class).stream().map(ServiceLoader.Provider::get)
          .forEach(f -> all.putIfAbsent(key(f.kind(), f.type()), f));
      r = new ProviderRegistry(all);
      installed = r;
    }
    return r;
  }

  /**
   * A registry of exactly these factories (tests, embedding tools).
   *
   * @since 0.1
   */
  public static ProviderRegistry of(ProviderFactory... factories) {
    Map<String, ProviderFactory> all = new LinkedHashMap<>();
    for (ProviderFactory f : factories) {
      all.putIfAbsent(key(f.kind(), f.type()), f);
    }
    return new ProviderRegistry(all);
  }

  /**
   * The factory registering {@code type} for {@code kind} ({@code DeployTarget}, {@code DnsProvider}, ...), if installed.
   *
   * @since 0.1
   */
  public Optional<ProviderFactory> factory(Class<?> kind, String type) {
    return Optional.ofNullable(factories.get(key(kind, type)));
  }

  /**
   * The {@code type:} values registered for a kind, sorted.
   *
   * @since 0.1
   */
  public Set<String> types(Class<?> kind) {
    TreeSet<String> out = new TreeSet<>();
    factories.values().stream().filter(f -> f.kind() == kind).forEach(f -> out.add(f.type()));
    return out;
  }

  private static String key(Class<?> kind, String type) { return kind.getName() + ":" + type; }
}
