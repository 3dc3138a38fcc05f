-- Certferry's PostgreSQL store, schema version 2: the fleet's leader lease. One row: the agent that does the
-- work, until when its lease lasts unless renewed, and the term, which grows by one each time any agent
-- takes the lease (a leader that renews keeps its term).
CREATE TABLE certferry_leader (
  id             boolean PRIMARY KEY DEFAULT true CHECK (id),
  leader         text,
  lease_expires  timestamptz,
  term           bigint NOT NULL DEFAULT 0,
  CHECK ((leader IS NULL) = (lease_expires IS NULL))
);
