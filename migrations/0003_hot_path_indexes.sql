-- Indexes found by the benchmark (issue 5). Every confirmation looks up the
-- token registered for its user within the company (RegistrationsRepository
-- byUser) and the administrator's OTP screen lists the company's
-- registrations; without an index on company_id both scanned every
-- registration of every company — 10% of a confirmation's time with 40,000
-- registered tokens, and growing with the bank.
CREATE INDEX token_registrations_company ON token_registrations(company_id, user_id);
