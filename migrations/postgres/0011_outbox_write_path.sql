-- migrations/0011_outbox_write_path.sql on PostgreSQL (issue 11): the
-- outbox's secondary indexes hold only what their readers need — the rows not
-- yet delivered, and the replayed-code notices — so a notice enters small
-- indexes, and a delivered one leaves them.
DROP INDEX mail_outbox_company;
DROP INDEX mail_outbox_status;
DROP INDEX mail_outbox_user_kind;
CREATE INDEX mail_outbox_company_undelivered ON mail_outbox(company_id, id) WHERE status IN ('pending', 'failed');
CREATE INDEX mail_outbox_undelivered ON mail_outbox(status, created_at) WHERE status IN ('pending', 'failed');
CREATE INDEX mail_outbox_replayed ON mail_outbox(user_id, created_at) WHERE kind = 'otp.replayed';
