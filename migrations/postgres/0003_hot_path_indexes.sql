-- migrations/0003_hot_path_indexes.sql on PostgreSQL: a confirmation's lookup
-- of its user's registration, and the OTP screen's list, by company.
CREATE INDEX token_registrations_company ON token_registrations(company_id, user_id);
