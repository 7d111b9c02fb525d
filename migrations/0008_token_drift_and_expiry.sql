-- 同期ズレ補正 and 有効期限 (issue 13, items 3 and 4; DESIGN §5: "the replay
-- mark and drift live with the token").
--
-- tokens.drift (0002) becomes what RFC 6238 §6 asks for: the token's clock
-- offset in time steps, recorded by 同期ズレ補正 (two consecutive codes) and
-- reset by branch staff; the ±OTP_WINDOW window is centred on it. Until now it
-- was overwritten by every accepted code and read by nothing, so it is zeroed.
UPDATE tokens SET drift = 0;
ALTER TABLE tokens ADD COLUMN drift_set_at INTEGER;

-- 有効期限: the last JST calendar day on which the token's codes are accepted
-- (valid through 23:59:59 JST that day). The default only serves this ALTER —
-- the register always writes the date — and it is a day long past, so a row
-- written without one fails closed (expired) instead of living for ever.
ALTER TABLE tokens ADD COLUMN expires_on TEXT NOT NULL DEFAULT '2000-01-01'
  CHECK (expires_on GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]');

-- Tokens made before this migration: the day they were made (JST) plus three
-- years, as `token provision`/`token import` now default to; made on 29 February,
-- 28 February three years on (never more than three years).
UPDATE tokens SET expires_on = CASE
  WHEN strftime('%m-%d', created_at / 1000, 'unixepoch', '+9 hours') = '02-29'
    THEN date(created_at / 1000, 'unixepoch', '+9 hours', '-1 day', '+3 years')
  ELSE date(created_at / 1000, 'unixepoch', '+9 hours', '+3 years')
END;
