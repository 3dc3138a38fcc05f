package io.certferry.agent.config;

import io.certferry.core.ProviderFactory;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.SortedSet;
import java.util.TreeSet;

/** The installed {@link ProviderFactory}s by kind (target, DNS provider, notifier) and type. */
final class ProviderTypes {
  private final Map<String, ProviderFactory> factories;

  private ProviderTypes(Map<String, ProviderFactory> factories) { this.factories = factories; }

  /** Every factory on the class path; the first of a kind and type wins. */
  static ProviderTypes installed() {
    Map<String, ProviderFactory> all = new LinkedHashMap<>();
    ServiceLoader.load(ProviderFactory.class).stream().map(ServiceLoader.Provider::get)
        .forEach(f -> all.putIfAbsent(key(f.kind(), f.type()), f));
    return new ProviderTypes(all);
  }

  Optional<ProviderFactory> factory(Class<?> kind, String type) {
    return Optional.ofNullable(factories.get(key(kind, type)));
  }

  /** The types installed for {@code kind}, sorted, for "installed: ..." in messages. */
  SortedSet<String> types(Class<?> kind) {
    TreeSet<String> out = new TreeSet<>();
    factories.values().stream().filter(f -> f.kind() == kind).forEach(f -> out.add(f.type()));
    return out;
  }

  private static String key(Class<?> kind, String type) { return kind.getSimpleName() + ":" + type; }
}
