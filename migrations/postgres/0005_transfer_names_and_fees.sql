-- migrations/0005_transfer_names_and_fees.sql on PostgreSQL (issue 15): the
-- bank and branch names as confirmed, and the 振込手数料 computed at draft time.
ALTER TABLE transfers ADD COLUMN bank_name TEXT;
ALTER TABLE transfers ADD COLUMN branch_name TEXT;
ALTER TABLE transfers ADD COLUMN fee BIGINT NOT NULL DEFAULT 0 CHECK (fee >= 0);
