-- Issue 15: bank and branch names, and the 振込手数料, kept on the transfer.
-- The names are copied from the zengin-code dataset when the draft is made,
-- so that 振込内容確認, the receipt and 振込履歴 keep showing what the
-- customer confirmed even after the dataset is updated (banks merge, branches
-- close). Rows written before this migration have no names (NULL).
-- fee is the 振込手数料 computed at draft time from the configured fee table;
-- the debit takes amount + fee in one compare-and-set (R10, R14).
ALTER TABLE transfers ADD COLUMN bank_name TEXT;
ALTER TABLE transfers ADD COLUMN branch_name TEXT;
ALTER TABLE transfers ADD COLUMN fee INTEGER NOT NULL DEFAULT 0 CHECK (fee >= 0);
