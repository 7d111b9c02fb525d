-- migrations/0010_rate_limits.sql on PostgreSQL (issue 12, item 2): the rate
-- limits' counts in the database, shared by every node.
CREATE TABLE rate_limits (
  key       TEXT    PRIMARY KEY,
  hits      BIGINT  NOT NULL CHECK (hits >= 0),
  reset_at  BIGINT  NOT NULL
);
CREATE INDEX rate_limits_reset ON rate_limits(reset_at);
