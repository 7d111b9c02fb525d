-- migrations/0008_token_drift_and_expiry.sql on PostgreSQL (issue 13, items
-- 3 and 4): drift becomes the clock offset recorded by 同期ズレ補正, and every
-- token gets its 有効期限 (the last JST day its codes are accepted).
UPDATE tokens SET drift = 0;
ALTER TABLE tokens ADD COLUMN drift_set_at BIGINT;

ALTER TABLE tokens ADD COLUMN expires_on TEXT NOT NULL DEFAULT '2000-01-01'
  CHECK (expires_on ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$');

-- Tokens made before this migration: the JST day they were made plus three
-- years. PostgreSQL's date + interval keeps to the month, so 29 February
-- becomes 28 February three years on by itself, as SQLite's CASE arranges.
UPDATE tokens SET expires_on = to_char(
  (to_timestamp(created_at / 1000) AT TIME ZONE 'Asia/Tokyo')::date + interval '3 years', 'YYYY-MM-DD');
