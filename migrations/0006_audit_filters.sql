-- 操作履歴 filters (issue 15): pages are read newest first by time, within a
-- date range, for one company (the customer's page) or for all (the branch
-- console). Each index orders and bounds its page, so a page stops after its
-- rows; the event column makes the pager's count a covering-index read.
-- audit_company (company_id, id) served only the old id-ordered page.
DROP INDEX audit_company;
CREATE INDEX audit_company_time ON audit_log(company_id, occurred_at, event);
CREATE INDEX audit_time ON audit_log(occurred_at, event);
