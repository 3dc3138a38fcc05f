package io.certferry.agent.config;

import com.fasterxml.jackson.databind.JsonNode;
import io.certferry.core.notify.Notifier;

import java.util.ArrayList;
import java.util.List;

/** {@code notifications:} the list of notifiers (log, webhook, sendgrid, any installed type). */
final class NotificationsSection {
  private final Problems problems;
  private final ProviderBlocks blocks;

  NotificationsSection(Problems problems, ProviderBlocks blocks) {
    this.problems = problems;
    this.blocks = blocks;
  }

  List<AgentConfig.Block> check(JsonNode n) {
    List<AgentConfig.Block> out = new ArrayList<>();
    if (n == null || n.isNull()) {
      return out;
    }
    if (!n.isArray()) {
      problems.error("/notifications", "expected a list of notifiers, e.g. - type: webhook");
      return out;
    }
    for (int i = 0; i < n.size(); i++) {
      blocks.check("/notifications/" + i, n.get(i), Notifier.class, "notifier").ifPresent(out::add);
    }
    return out;
  }
}
