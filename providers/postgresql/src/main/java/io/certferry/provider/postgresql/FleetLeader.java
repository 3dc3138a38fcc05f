package io.certferry.provider.postgresql;

import io.certferry.core.store.Leadership;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Optional;

/**
 * The fleet's leader lease in {@code certferry_leader}: one row naming the agent that does the work, its expiry
 * and its term. {@link #campaign} is one statement that takes the lease when it is free or lapsed (a new term),
 * renews it when this agent holds it and it has not lapsed by this agent's clock (the same term), and otherwise
 * reports who holds it. An agent whose own lease lapsed (paused, cut off) takes it again as a new term, so it
 * knows another agent may have led in between.
 */
final class FleetLeader {
  private static final String CAMPAIGN = "WITH taken AS ("
      + "INSERT INTO certferry_leader AS l (id, leader, lease_expires, term) VALUES (true, ?, ?, 1) "
      + "ON CONFLICT (id) DO UPDATE SET leader = EXCLUDED.leader, lease_expires = EXCLUDED.lease_expires, "
      + "term = CASE WHEN l.leader = EXCLUDED.leader AND l.lease_expires > ? THEN l.term ELSE l.term + 1 END "
      + "WHERE l.leader IS NULL OR l.lease_expires <= ? OR l.leader = EXCLUDED.leader "
      + "RETURNING leader, lease_expires, term) "
      + "SELECT leader, lease_expires, term, true FROM taken "
      + "UNION ALL SELECT leader, lease_expires, term, false FROM certferry_leader WHERE NOT EXISTS (SELECT 1 FROM taken)";

  private final Database db;
  private final String owner;
  private final Clock clock;
  private final Duration leaseTime;

  FleetLeader(Database db, String owner, Clock clock, Duration leaseTime) {
    this.db = db;
    this.owner = owner;
    this.clock = clock;
    this.leaseTime = leaseTime;
  }

  Leadership campaign() {
    Instant now = clock.instant();
    return db.write("campaign for the fleet's leader lease", c -> Database.one(c, CAMPAIGN, FleetLeader::row,
        owner, now.plus(leaseTime), now, now)).or(this::current).orElse(none(0));
  }

  /**
   * Who holds the lease, read on its own: a campaign that lost a race with another agent's first insert does not
   * see that row in its statement's snapshot, a new statement does.
   */
  private Optional<Leadership> current() {
    return db.one("read the fleet's leader lease", "SELECT leader, lease_expires, term, leader = ? FROM certferry_leader",
        FleetLeader::row, owner);
  }

  private static Leadership row(ResultSet rs) throws SQLException {
    String leader = rs.getString(1);
    OffsetDateTime until = rs.getObject(2, OffsetDateTime.class);
    return leader == null ? none(rs.getLong(3)) : new Leadership(leader, until.toInstant(), rs.getLong(3), rs.getBoolean(4));
  }

  /** Frees the lease if this agent holds it, so a standby takes over at its next campaign instead of after a lapse. */
  void resign() {
    db.update("give up the fleet's leader lease", "UPDATE certferry_leader SET leader = NULL, lease_expires = NULL "
        + "WHERE leader = ?", owner);
  }

  private static Leadership none(long term) { return new Leadership("", Instant.EPOCH, term, false); }
}
