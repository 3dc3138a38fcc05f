package io.certferry.examples.netty;

import io.certferry.core.CertManager;
import io.certferry.core.ManagedCertificate;
import io.certferry.core.ReconcileReport;
import io.certferry.core.Sleeper;
import io.certferry.core.issue.acme.AcmeDirectories;
import io.certferry.core.issue.acme.AcmeIssuer;
import io.certferry.core.issue.local.LocalCaIssuer;
import io.certferry.core.serve.AcmeTlsAlpn;
import io.certferry.core.serve.ManagedKeyManager;
import io.certferry.core.store.FileStore;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Netty 4.2 with managed TLS: {@code SslContextBuilder.forServer(keyManager)}, and each connection's engine
 * answers tls-alpn-01 on the server's own port ({@link AcmeTlsAlpn#enable}). A public name from an ACME CA
 * and an internal name from the store's local CA; every new version is served from the moment it is
 * stored, without a restart.
 *
 * @since 0.1
 */
public final class NettyExample implements AutoCloseable {
  private final EventLoopGroup group;
  private final Channel channel;
  private final CertManager certificates;

  private NettyExample(EventLoopGroup group, Channel channel, CertManager certificates) {
    this.group = group;
    this.channel = channel;
    this.certificates = certificates;
  }

  /**
   * Starts serving HTTPS on {@code address}; call {@link #keepRenewing} (or {@code certificates().reconcile()})
   * to obtain and renew the certificates.
   *
   * @param acme the ACME CA to use (directory, terms of service, e-mail); the store and solver are added here
   * @since 0.1
   */
  public static NettyExample start(Path storeDir, InetSocketAddress address, String publicName,
                                   String internalName, AcmeIssuer.Builder acme) throws Exception {
    FileStore store = FileStore.open(storeDir);
    ManagedKeyManager keys = ManagedKeyManager.builder(store).defaultCertificate("site").build();
    CertManager certificates = CertManager.builder().store(store).listener(keys.listener())
        .certificate(ManagedCertificate.of("site", List.of(publicName), "acme")
            .withIssuer(acme.store(store).solver(keys.tlsAlpn01Solver()).build()))
        .certificate(ManagedCertificate.of("internal", List.of(internalName), "local")
            .withIssuer(LocalCaIssuer.builder(store).create()))
        .build();

    // The JDK provider: its engines ask the key manager per handshake and take an ALPN selector.
    SslContext tls = SslContextBuilder.forServer(keys).sslProvider(SslProvider.JDK).build();
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(NioIoHandler.newFactory());
    ServerBootstrap bootstrap = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            SslHandler ssl = tls.newHandler(ch.alloc());
            AcmeTlsAlpn.enable(ssl.engine());
            ch.pipeline().addLast(ssl, new HttpServerCodec(), new HttpObjectAggregator(64 * 1024), new Hello());
          }
        });
    try {
      return new NettyExample(group, bootstrap.bind(address).sync().channel(), certificates);
    } catch (Exception e) {
      group.shutdownGracefully();
      certificates.close();
      throw e;
    }
  }

  /**
   * The engine that keeps the certificates: force a renewal with {@code renew(name, true)}.
   *
   * @since 0.1
   */
  public CertManager certificates() { return certificates; }

  /**
   * The port the server listens on.
   *
   * @since 0.1
   */
  public int port() { return ((InetSocketAddress) channel.localAddress()).getPort(); }

  /**
   * Obtains what is missing and renews what is due, now and whenever the engine says; returns only when
   * interrupted.
   *
   * @since 0.1
   */
  public void keepRenewing(Clock clock, Sleeper sleeper) throws InterruptedException {
    while (true) {
      ReconcileReport report = certificates.reconcile();
      sleeper.sleep(Duration.between(clock.instant(), report.nextWakeUp()));
    }
  }

  /** Answers every request with a line naming the host asked for, then closes the connection. */
  private static final class Hello extends SimpleChannelInboundHandler<FullHttpRequest> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
      byte[] body = ("hello from " + request.headers().get(HttpHeaderNames.HOST) + "\n").getBytes(StandardCharsets.UTF_8);
      FullHttpResponse response = new DefaultFullHttpResponse(request.protocolVersion(), HttpResponseStatus.OK,
          Unpooled.wrappedBuffer(body));
      response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8")
          .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
      ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }
  }

  /**
   * Stops the server and the engine.
   *
   * @since 0.1
   */
  @Override
  public void close() {
    try {
      channel.close().syncUninterruptibly();
      group.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly();
    } finally {
      certificates.close();
    }
  }

  /**
   * {@code STORE_DIR PUBLIC_NAME INTERNAL_NAME}: serves both names on port 443 with Let's Encrypt and the local CA.
   *
   * @since 0.1
   */
  public static void main(String[] args) throws Exception {
    if (args.length != 3) {
      System.err.println("usage: NettyExample STORE_DIR PUBLIC_NAME INTERNAL_NAME");
      System.exit(2);
    }
    AcmeIssuer.Builder acme = AcmeIssuer.builder().directory(AcmeDirectories.resolve("letsencrypt"))
        .agreeToTermsOfService(true);
    try (NettyExample example = start(Path.of(args[0]), new InetSocketAddress(443), args[1], args[2], acme)) {
      example.keepRenewing(Clock.systemUTC(), Sleeper.SYSTEM);
    }
  }
}
