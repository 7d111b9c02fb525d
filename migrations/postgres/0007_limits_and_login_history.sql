-- migrations/0007_limits_and_login_history.sql on PostgreSQL (issue 13,
-- items 1 and 5): 振込限度額 (bank ≥ company ≥ user, NULL = none of its own)
-- and the indexes of the day's sums and of ログイン履歴.
ALTER TABLE companies ADD COLUMN bank_per_transfer_limit BIGINT CHECK (bank_per_transfer_limit > 0);
ALTER TABLE companies ADD COLUMN bank_daily_limit BIGINT CHECK (bank_daily_limit > 0);
ALTER TABLE companies ADD COLUMN per_transfer_limit BIGINT CHECK (per_transfer_limit > 0);
ALTER TABLE companies ADD COLUMN daily_limit BIGINT CHECK (daily_limit > 0);
ALTER TABLE users ADD COLUMN per_transfer_limit BIGINT CHECK (per_transfer_limit > 0);
ALTER TABLE users ADD COLUMN daily_limit BIGINT CHECK (daily_limit > 0);

CREATE INDEX transfers_company_completed ON transfers(company_id, completed_at) WHERE status = 'completed';
CREATE INDEX transfers_user_completed ON transfers(user_id, completed_at) WHERE status = 'completed';

CREATE INDEX audit_logins_user ON audit_log(company_id, subject, occurred_at) WHERE event = 'login';
CREATE INDEX audit_logins_company ON audit_log(company_id, occurred_at) WHERE event = 'login';
