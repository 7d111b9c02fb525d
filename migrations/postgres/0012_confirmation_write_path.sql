-- migrations/0012_confirmation_write_path.sql on PostgreSQL (issue 11): one
-- index of the company's completed transfers, carrying the user and the
-- amount, serves both of the day's sums for 振込限度額; the backlog's index
-- carries the company for 契約先詳細; ended rate-limit windows are pruned by a
-- scan. Each confirmation then enters three indexes fewer.
DROP INDEX transfers_company_completed;
DROP INDEX transfers_user_completed;
CREATE INDEX transfers_company_completed ON transfers(company_id, completed_at, user_id, amount) WHERE status = 'completed';

DROP INDEX mail_outbox_company_undelivered;
DROP INDEX mail_outbox_undelivered;
CREATE INDEX mail_outbox_undelivered ON mail_outbox(status, created_at, company_id) WHERE status IN ('pending', 'failed');

DROP INDEX rate_limits_reset;
