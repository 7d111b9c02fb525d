-- The pages a confirmation writes (issue 11). Every page a transaction
-- changes is written to the WAL at its COMMIT and copied into the database by
-- the next checkpoint. A confirmation's rows land at random places in their
-- indexes, so each index it enters costs about one page of its own, and with
-- about fourteen pages a confirmation this I/O was a tenth of the server's
-- CPU in the benchmark. Three of those indexes served rare or bounded reads:
--
-- * The day's totals for 振込限度額 read the company's completed transfers of
--   the day and, of them, the user's. One index of the company's completed
--   transfers that carries the user and the amount answers both sums (the
--   user's transfers are a subset of the company's), from the index alone:
--   no table row is read, and a completion enters one index instead of two.
-- * 契約先詳細 lists a company's notices not yet delivered. The backlog's own
--   index now carries the company, so that list reads the undelivered entries
--   (a handful while mail flows; the whole backlog during an SMTP outage)
--   without a table row for the others, and a notice no longer enters an
--   index at its company's place.
-- * Ended rate-limit windows are deleted once a window by a scan of the
--   table, which holds only the keys hit in about the last window; an index
--   on reset_at made every hit move the key's entry.
--
-- Measured with better-sqlite3 on a copy of the benchmark's large database,
-- in batches of 17–20 confirmations, WAL pages per confirmation: the
-- transfer's completion 5.3 → 4.3 (after 6,000 completions, both versions
-- built fresh), its two notices 4.2 → 3.2, the rate-limit hit 1.8 → 1.1.
DROP INDEX transfers_company_completed;
DROP INDEX transfers_user_completed;
CREATE INDEX transfers_company_completed ON transfers(company_id, completed_at, user_id, amount) WHERE status = 'completed';

DROP INDEX mail_outbox_company_undelivered;
DROP INDEX mail_outbox_undelivered;
CREATE INDEX mail_outbox_undelivered ON mail_outbox(status, created_at, company_id) WHERE status IN ('pending', 'failed');

DROP INDEX rate_limits_reset;
