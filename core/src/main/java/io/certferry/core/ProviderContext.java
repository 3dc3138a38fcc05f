package io.certferry.core;

import io.certferry.core.deploy.TlsProbe;
import io.certferry.core.http.HttpApi;
import io.certferry.core.http.HttpApiBuilder;

import java.time.Clock;
import java.util.Objects;
import okhttp3.OkHttpClient;

/**
 * What every plug-in made by a {@link ProviderFactory} gets from its host: the time source, the
 * secrets, one shared HTTP client, the TLS probe and the other installed plug-ins. A provider takes all of these from here and never
 * reaches for the system clock, {@link Sleeper#SYSTEM}, its own HTTP client or a default probe, so that
 * an embedding tool (or a test) can run every provider on a virtual clock and one connection pool.
 *
 * <pre>
 * ProviderContext context = ProviderContext.defaults(ReferenceSecrets.system());
 * DeployTarget lb = (DeployTarget) factory.create(settings, context);
 *
 * // a test: virtual time, nothing sleeps
 * ProviderContext virtual = ProviderContext.builder(secrets).clock(fakeTime).sleeper(fakeTime).build();
 * </pre>
 *
 * <p>Immutable and thread-safe; build variants with {@link #newBuilder()}.
 *
 * @since 0.1
 */
public final class ProviderContext {
  private final Clock clock;
  private final Sleeper sleeper;
  private final Secrets secrets;
  private final OkHttpClient httpClient;
  private final TlsProbe tlsProbe;
  private final ProviderRegistry providers;

  private ProviderContext(Builder b) {
    this.clock = b.clock;
    this.sleeper = b.sleeper;
    this.secrets = b.secrets;
    this.httpClient = b.httpClient;
    this.tlsProbe = b.tlsProbe;
    this.providers = b.providers;
  }

  /**
   * The production context: the system clock, real sleeping, the process-wide HTTP client
   * ({@link HttpApi#sharedClient()}) and a TLS probe with a 10 second timeout.
   *
   * @since 0.1
   */
  public static ProviderContext defaults(Secrets secrets) { return builder(secrets).build(); }

  /**
   * A builder starting from {@link #defaults(Secrets)}.
   *
   * @since 0.1
   */
  public static Builder builder(Secrets secrets) { return new Builder(secrets); }

  /**
   * A builder holding this context's values, to change one of them.
   *
   * @since 0.1
   */
  public Builder newBuilder() {
    Builder b = new Builder(secrets).clock(clock).sleeper(sleeper).tlsProbe(tlsProbe).providers(providers);
    b.httpClient = httpClient; // null stays null: the shared client, made on first use
    return b;
  }

  /**
   * The time every provider reads: deadlines, receipts, rate-limit windows.
   *
   * @since 0.1
   */
  public Clock clock() { return clock; }

  /**
   * How providers wait between attempts and polls.
   *
   * @since 0.1
   */
  public Sleeper sleeper() { return sleeper; }

  /**
   * Resolves the secret references ({@code ${env:X}}, {@code ${file:/p}}) of a provider's settings.
   *
   * @since 0.1
   */
  public Secrets secrets() { return secrets; }

  /**
   * The one OkHttp client whose connection pool and dispatcher every provider shares; an
   * {@link HttpApi} derives its own timeouts from it (see {@link HttpApiBuilder#context}).
   *
   * @since 0.1
   */
  public OkHttpClient httpClient() { return httpClient != null ? httpClient : HttpApi.sharedClient(); }

  /**
   * The TLS handshake check targets use to prove what an endpoint serves.
   *
   * @since 0.1
   */
  public TlsProbe tlsProbe() { return tlsProbe; }

  /**
   * The installed plug-ins, for a provider that builds on another one's (an nginx target whose frontends a
   * DigitalOcean tag lists) without depending on it: it asks for a {@code kind} and {@code type} here.
   *
   * @since 0.1
   */
  public ProviderRegistry providers() { return providers; }

  @Override
  public String toString() { return "ProviderContext{clock=" + clock + "}"; }

  /**
   * Builds a {@link ProviderContext}; every value not set keeps its production default.
   *
   * @since 0.1
   */
  public static final class Builder {
    private final Secrets secrets;
    private Clock clock = Clock.systemUTC();
    private Sleeper sleeper = Sleeper.SYSTEM;
    private OkHttpClient httpClient; // null: the shared one, made when a provider first asks for it
    private TlsProbe tlsProbe = TlsProbe.withDefaults();
    private ProviderRegistry providers;

    private Builder(Secrets secrets) { this.secrets = Objects.requireNonNull(secrets, "secrets"); }

    /**
     * The clock providers read (default: the system clock, UTC).
     *
     * @since 0.1
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * How providers wait (default {@link Sleeper#SYSTEM}).
     *
     * @since 0.1
     */
    public Builder sleeper(Sleeper sleeper) {
      this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
      return this;
    }

    /**
     * Shares this client's pool and dispatcher; never one with a logging interceptor or trust switched off.
     *
     * @since 0.1
     */
    public Builder httpClient(OkHttpClient httpClient) {
      this.httpClient = Objects.requireNonNull(httpClient, "httpClient");
      return this;
    }

    /**
     * How targets prove what an endpoint serves (default: {@link TlsProbe#withDefaults()}).
     *
     * @since 0.1
     */
    public Builder tlsProbe(TlsProbe tlsProbe) {
      this.tlsProbe = Objects.requireNonNull(tlsProbe, "tlsProbe");
      return this;
    }

    /**
     * The plug-ins providers may build on (default: {@link ProviderRegistry#installed()}).
     *
     * @since 0.1
     */
    public Builder providers(ProviderRegistry providers) {
      this.providers = Objects.requireNonNull(providers, "providers");
      return this;
    }

    /**
     * The context.
     *
     * @since 0.1
     */
    public ProviderContext build() {
      if (providers == null) {
        providers = ProviderRegistry.installed(); // scanned only when a context is built without one
      }
      return new ProviderContext(this);
    }
  }
}
