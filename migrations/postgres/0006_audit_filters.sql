-- migrations/0006_audit_filters.sql on PostgreSQL: 操作履歴 pages by time,
-- per company or for all, each bounded by its index.
DROP INDEX audit_company;
CREATE INDEX audit_company_time ON audit_log(company_id, occurred_at, event);
CREATE INDEX audit_time ON audit_log(occurred_at, event);
