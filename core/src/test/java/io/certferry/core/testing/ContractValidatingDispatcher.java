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

  ContractValidatingDispatcher(ContractValidator contract, Dispatcher fake) {
    this.contract = contract;
    this.fake = fake;
  }

  @Override
  public MockResponse dispatch(RecordedRequest request) throws InterruptedException {
    List<String> v = contract.violations(request);
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
