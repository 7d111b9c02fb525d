-- Issue 13, items 1 and 5: 振込限度額 and ログイン履歴.

-- 振込限度額 (bank ≥ company ≥ user), in yen of the transfer amount (the fee
-- is not counted). bank_*: set by the branch at 契約登録 and on 契約先詳細;
-- NULL on contracts opened before this migration means the configured
-- default (DEFAULT_PER_TRANSFER_LIMIT, DEFAULT_DAILY_LIMIT). The company's
-- and the user's own limits are set by the administrator and may only be
-- lower; NULL means "no lower limit of its own".
ALTER TABLE companies ADD COLUMN bank_per_transfer_limit INTEGER CHECK (bank_per_transfer_limit > 0);
ALTER TABLE companies ADD COLUMN bank_daily_limit INTEGER CHECK (bank_daily_limit > 0);
ALTER TABLE companies ADD COLUMN per_transfer_limit INTEGER CHECK (per_transfer_limit > 0);
ALTER TABLE companies ADD COLUMN daily_limit INTEGER CHECK (daily_limit > 0);
ALTER TABLE users ADD COLUMN per_transfer_limit INTEGER CHECK (per_transfer_limit > 0);
ALTER TABLE users ADD COLUMN daily_limit INTEGER CHECK (daily_limit > 0);

-- The day's total (a JST calendar day) is summed from the completed
-- transfers of the company and of the user, inside the confirmation's
-- transaction: these indexes bound each sum to that day's rows.
CREATE INDEX transfers_company_completed ON transfers(company_id, completed_at) WHERE status = 'completed';
CREATE INDEX transfers_user_completed ON transfers(user_id, completed_at) WHERE status = 'completed';

-- ログイン履歴 reads the login attempts the audit log already holds
-- (event 'login', subject = the login ID typed, company of that ID): the
-- user's last attempts, the company's, and the 前回ログイン日時 on the メニュー.
CREATE INDEX audit_logins_user ON audit_log(company_id, subject, occurred_at) WHERE event = 'login';
CREATE INDEX audit_logins_company ON audit_log(company_id, occurred_at) WHERE event = 'login';
