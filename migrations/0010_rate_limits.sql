-- Issue 12, item 2: the rate limits (DESIGN §6 — login attempts per client
-- address, one-time passwords and 承認用パスワード per user) counted in the
-- database, so that every node behind the load balancer spends the same
-- count. One row per limiter and client: its key (the limiter's prefix and
-- the client, e.g. 'otp:user:42'), the hits of the current window and the
-- time that window ends (epoch ms). A window that has ended counts as none:
-- the next hit starts a new one in the same row, and rows of ended windows
-- are deleted from time to time (reset_at's index keeps that cheap).
CREATE TABLE rate_limits (
  key       TEXT    PRIMARY KEY,
  hits      INTEGER NOT NULL CHECK (hits >= 0),
  reset_at  INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
CREATE INDEX rate_limits_reset ON rate_limits(reset_at);
