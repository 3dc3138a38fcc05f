package io.certferry.agent.run;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers requests from {@link HttpRoutes}: an unknown path is 404 (whatever the method), a known
 * one 405 with {@code Allow} for other methods than GET and HEAD; a route that fails is 500 with
 * its cause in the log only (a message could carry what a page must not show). With {@code http.auth}, a request
 * without the right credentials is 401 (the probes excepted: {@link BasicAuthGate}).
 */
final class RouteHandler extends Handler.Abstract {
  private static final Logger LOG = LoggerFactory.getLogger(RouteHandler.class);

  private final HttpRoutes routes;
  private final RequestDeadline deadline;
  private final Optional<BasicAuthGate> auth;

  RouteHandler(HttpRoutes routes, RequestDeadline deadline, Optional<BasicAuthGate> auth) {
    this.routes = routes;
    this.deadline = deadline;
    this.auth = auth;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    deadline.arrived(request);
    Callback done = Callback.from(() -> {
      deadline.answered(request);
      callback.succeeded();
    }, callback::failed);
    String path = Request.getPathInContext(request);
    Optional<HttpRoutes.Route> route = routes.find(path);
    String method = request.getMethod();
    if (auth.isPresent() && !auth.get().allows(path, request.getHeaders().get(HttpHeader.AUTHORIZATION))) {
      response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, BasicAuthGate.CHALLENGE);
      reply(response, HttpRoutes.Reply.text(401, "this agent's status needs the user and password of http.auth\n"),
          method, done);
    } else if (route.isEmpty()) {
      reply(response, HttpRoutes.Reply.text(404, "no such path: " + path + "; this agent answers "
          + String.join(", ", routes.paths()) + "\n"), method, done);
    } else if (!method.equals("GET") && !method.equals("HEAD")) {
      response.getHeaders().put(HttpHeader.ALLOW, "GET, HEAD");
      reply(response, HttpRoutes.Reply.text(405, method + " is not allowed here; use GET or HEAD\n"), method, done);
    } else {
      reply(response, answer(path, route.get()), method, done);
    }
    return true;
  }

  private static HttpRoutes.Reply answer(String path, HttpRoutes.Route route) {
    try {
      return route.answer();
    } catch (Exception e) {
      LOG.warn("{} failed: {}", path, e.toString());
      return HttpRoutes.Reply.text(500, path + " failed; the agent's log says why\n");
    }
  }

  private static void reply(Response response, HttpRoutes.Reply reply, String method, Callback done) {
    byte[] body = reply.body().getBytes(StandardCharsets.UTF_8);
    response.setStatus(reply.status());
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, reply.contentType());
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
    response.write(true, method.equals("HEAD") ? null : ByteBuffer.wrap(body), done);
  }
}
