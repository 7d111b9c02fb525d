-- migrations/0004_lockout_reservations.sql on PostgreSQL (issue 10, R15):
-- attempts reserved before their compare and settled after it; the staff
-- password's lock in a table of the same shape.
ALTER TABLE credential_locks ADD COLUMN pending BIGINT NOT NULL DEFAULT 0 CHECK (pending >= 0);
ALTER TABLE credential_locks ADD COLUMN pending_at BIGINT;

CREATE TABLE staff_locks (
  staff_id   BIGINT  NOT NULL REFERENCES staff(id),
  kind       TEXT    NOT NULL CHECK (kind = 'login'),
  failures   BIGINT  NOT NULL DEFAULT 0 CHECK (failures >= 0),
  locked_at  BIGINT,
  pending    BIGINT  NOT NULL DEFAULT 0 CHECK (pending >= 0),
  pending_at BIGINT,
  PRIMARY KEY (staff_id, kind)
);

INSERT INTO staff_locks (staff_id, kind, failures, locked_at)
  SELECT id, 'login', failures, locked_at FROM staff WHERE failures > 0 OR locked_at IS NOT NULL;
ALTER TABLE staff DROP COLUMN failures;
ALTER TABLE staff DROP COLUMN locked_at;
