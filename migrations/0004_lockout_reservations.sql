-- Issue 10 (R15): a lockout that holds under concurrency. An attempt at a
-- secret is reserved before its compare (pending) and settled after it, so
-- that failures + attempts in flight never pass the threshold: at most the
-- threshold's number of wrong entries are ever compared between two
-- successes, on any number of processes. pending_at is the time of the
-- latest reservation; reservations older than a lease are taken as
-- abandoned (a process died mid-compare, its answer never reached anyone).
ALTER TABLE credential_locks ADD COLUMN pending INTEGER NOT NULL DEFAULT 0 CHECK (pending >= 0);
ALTER TABLE credential_locks ADD COLUMN pending_at INTEGER;

-- The staff password's lock moves into a table of the same shape, so that
-- customers and staff share one lock counter (one code path, one rule).
CREATE TABLE staff_locks (
  staff_id   INTEGER NOT NULL REFERENCES staff(id),
  kind       TEXT    NOT NULL CHECK (kind = 'login'),
  failures   INTEGER NOT NULL DEFAULT 0 CHECK (failures >= 0),
  locked_at  INTEGER,
  pending    INTEGER NOT NULL DEFAULT 0 CHECK (pending >= 0),
  pending_at INTEGER,
  PRIMARY KEY (staff_id, kind)
) STRICT;

INSERT INTO staff_locks (staff_id, kind, failures, locked_at)
  SELECT id, 'login', failures, locked_at FROM staff WHERE failures > 0 OR locked_at IS NOT NULL;
ALTER TABLE staff DROP COLUMN failures;
ALTER TABLE staff DROP COLUMN locked_at;
