-- The outbox's indexes sized for its write rate (issue 11): every confirmed
-- transfer writes two notices, and each row used to enter four full indexes
-- besides its primary key. What the readers need is only the rows not yet
-- delivered (契約先詳細, /healthz's backlog) and the replayed-code notices
-- (their spacing), so those indexes are partial: a delivered row leaves them,
-- and they stay as small as the backlog. Message-IDs are now time-ordered
-- (src/services/notices.ts), so the UNIQUE index on them grows at its end.
-- Measured with better-sqlite3 on 40,000 rows in batches of sixteen: about
-- 100 µs a row before, 40 µs after.
DROP INDEX mail_outbox_company;
DROP INDEX mail_outbox_status;
DROP INDEX mail_outbox_user_kind;
CREATE INDEX mail_outbox_company_undelivered ON mail_outbox(company_id, id) WHERE status IN ('pending', 'failed');
CREATE INDEX mail_outbox_undelivered ON mail_outbox(status, created_at) WHERE status IN ('pending', 'failed');
CREATE INDEX mail_outbox_replayed ON mail_outbox(user_id, created_at) WHERE kind = 'otp.replayed';
