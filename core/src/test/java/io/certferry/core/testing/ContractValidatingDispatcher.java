package io.certferry.core.testing;

import java.util.ArrayList;
import java.util.List;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;

/**
 * A MockWebServer dispatcher that validates every request against a contract before the wrapped fake
 * sees it. A request the spec rejects is answered {@code 400} (so the code under test fails loudly
 * too) and recorded; a test calls {@link #assertNoViolations()} at its end, because a 400 the code
 * under test handles gracefully must still fail the test.
 */
public final class ContractValidatingDispatcher extends Dispatcher {
  private final ContractValidator contract;
  private final Dispatcher fake;
  private final List<String> violations = new ArrayList<>();
  private final List<RecordedRequest> requests = new ArrayList<>();
  private final List<String> uncoveredPrefixes;
  private final List<String> uncovered = new ArrayList<>();

  ContractValidatingDispatcher(ContractValidator contract, Dispatcher fake, List<String> uncoveredPrefixes) {
    this.contract = contract;
    this.fake = fake;
    this.uncoveredPrefixes = List.copyOf(uncoveredPrefixes);
  }

  @Override
  public MockResponse dispatch(RecordedRequest request) throws InterruptedException {
    List<String> v = contract.violations(request);
    String path = request.getUrl().encodedPath();
    if (ContractValidator.onlyPathMissing(v) && uncoveredPrefixes.stream().anyMatch(path::startsWith)) {
      synchronized (this) {
        requests.add(request);
        uncovered.add(ContractValidator.describe(request));
      }
      return fake.dispatch(request); // not in the spec file: the fake checks what it can
    }
    synchronized (this) {
      requests.add(request);
      if (!v.isEmpty()) {
        violations.add(ContractValidator.describe(request) + " violates " + contract.spec() + ": " + String.join("; ", v));
      }
    }
    if (!v.isEmpty()) {
      String msg = String.join("; ", v).replace("\\", "\\\\").replace("\"", "'").replace("\n", " ");
      return new MockResponse.Builder().code(400).setHeader("Content-Type", "application/json")
          .body("{\"id\":\"contract_violation\",\"message\":\"" + msg + "\"}").build();
    }
    return fake.dispatch(request);
  }

  /** Every contract violation seen so far. */
  public synchronized List<String> violations() { return List.copyOf(violations); }

  /** The requests to paths the spec does not hold and the fake checked instead, as {@code METHOD /path}. */
  public synchronized List<String> uncovered() { return List.copyOf(uncovered); }

  /** Every request received (valid or not), in order. */
  public synchronized List<RecordedRequest> requests() { return List.copyOf(requests); }

  /** Fails listing each request the spec rejected. */
  public void assertNoViolations() {
    List<String> v = violations();
    if (!v.isEmpty()) {
      throw new AssertionError(v.size() + " request(s) broke the API contract:\n  " + String.join("\n  ", v));
    }
  }

  @Override
  public void close() { fake.close(); }
}
