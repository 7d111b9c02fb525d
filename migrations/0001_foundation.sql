-- WEB-FB foundation: contracts, users, credential locks, transfers, staff,
-- sessions and the append-only audit log. Times are epoch milliseconds (UTC).

-- 契約先: a customer company with its representative account (代表口座).
CREATE TABLE companies (
  id              INTEGER PRIMARY KEY,
  name            TEXT    NOT NULL,
  account_number  TEXT    NOT NULL UNIQUE CHECK (length(account_number) = 7),
  balance         INTEGER NOT NULL CHECK (balance >= 0),
  opening_balance INTEGER NOT NULL CHECK (opening_balance >= 0),
  created_at      INTEGER NOT NULL
) STRICT;

-- 管理者 (role admin, exactly one per company) and 利用者 (role user).
CREATE TABLE users (
  id                      INTEGER PRIMARY KEY,
  company_id              INTEGER NOT NULL REFERENCES companies(id),
  login_id                TEXT    NOT NULL UNIQUE,
  name                    TEXT    NOT NULL,
  role                    TEXT    NOT NULL CHECK (role IN ('admin', 'user')),
  password_hash           TEXT    NOT NULL,
  transfer_password_hash  TEXT    NOT NULL,
  approval_password_hash  TEXT,
  can_transfer            INTEGER NOT NULL CHECK (can_transfer IN (0, 1)),
  created_at              INTEGER NOT NULL,
  CHECK ((role = 'admin') = (approval_password_hash IS NOT NULL))
) STRICT;
CREATE UNIQUE INDEX users_one_admin_per_company ON users(company_id) WHERE role = 'admin';
CREATE INDEX users_company ON users(company_id, id);

-- Consecutive-failure counters per user and per secret (R9): a login password,
-- a 送信確認パスワード, an 承認用パスワード and (later) a one-time password each
-- lock on their own, so guessing one never locks another.
CREATE TABLE credential_locks (
  user_id    INTEGER NOT NULL REFERENCES users(id),
  kind       TEXT    NOT NULL CHECK (kind IN ('login', 'transferPassword', 'approvalPassword', 'otp')),
  failures   INTEGER NOT NULL DEFAULT 0 CHECK (failures >= 0),
  locked_at  INTEGER,
  PRIMARY KEY (user_id, kind)
) STRICT;

-- 都度振込: drafted, confirmed once, completed with a 受付番号 (R10).
CREATE TABLE transfers (
  id              INTEGER PRIMARY KEY,
  company_id      INTEGER NOT NULL REFERENCES companies(id),
  user_id         INTEGER NOT NULL REFERENCES users(id),
  bank_code       TEXT    NOT NULL CHECK (length(bank_code) = 4),
  branch_code     TEXT    NOT NULL CHECK (length(branch_code) = 3),
  account_type    TEXT    NOT NULL CHECK (account_type IN ('ordinary', 'current')),
  account_number  TEXT    NOT NULL CHECK (length(account_number) = 7),
  payee_name      TEXT    NOT NULL,
  amount          INTEGER NOT NULL CHECK (amount > 0),
  status          TEXT    NOT NULL CHECK (status IN ('draft', 'completed')),
  receipt_number  TEXT    UNIQUE,
  confirmed_with  TEXT    CHECK (confirmed_with IN ('transferPassword', 'otp')),
  created_at      INTEGER NOT NULL,
  expires_at      INTEGER NOT NULL,
  completed_at    INTEGER,
  CHECK ((status = 'completed') = (receipt_number IS NOT NULL))
) STRICT;
CREATE INDEX transfers_company ON transfers(company_id, id);
CREATE INDEX transfers_user ON transfers(user_id, id);

-- 行員: branch staff accounts for the console.
CREATE TABLE staff (
  id             INTEGER PRIMARY KEY,
  staff_id       TEXT    NOT NULL UNIQUE,
  name           TEXT    NOT NULL,
  password_hash  TEXT    NOT NULL,
  failures       INTEGER NOT NULL DEFAULT 0,
  locked_at      INTEGER,
  created_at     INTEGER NOT NULL
) STRICT;

-- express-session rows; realm keeps customer and staff sessions apart.
CREATE TABLE sessions (
  sid         TEXT    PRIMARY KEY,
  realm       TEXT    NOT NULL CHECK (realm IN ('customer', 'staff')),
  data        TEXT    NOT NULL,
  expires_at  INTEGER NOT NULL
) STRICT;
CREATE INDEX sessions_expires ON sessions(expires_at);

-- Append-only audit log (R11): never updated, never deleted.
CREATE TABLE audit_log (
  id           INTEGER PRIMARY KEY,
  occurred_at  INTEGER NOT NULL,
  company_id   INTEGER REFERENCES companies(id),
  actor_type   TEXT    NOT NULL CHECK (actor_type IN ('user', 'staff', 'anonymous', 'system')),
  actor        TEXT    NOT NULL,
  event        TEXT    NOT NULL,
  subject      TEXT,
  client_ip    TEXT,
  outcome      TEXT    NOT NULL CHECK (outcome IN ('success', 'failure')),
  detail       TEXT
) STRICT;
CREATE INDEX audit_company ON audit_log(company_id, id);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
