-- One-time passwords (manual §1–§3, Q1; DESIGN §5, R2–R9).

-- The token authority's register of software tokens (VIP Access credentials).
-- The TOTP secret is stored only as AES-256-GCM ciphertext bound to its
-- credential ID; key_id names the key it is sealed under so a wrong or rotated
-- key is reported as such. last_step is the replay mark of R2: a code whose
-- time step is not later than it is refused. company_id is set at the first
-- registration and never cleared, so a token never serves two companies (R5).
CREATE TABLE tokens (
  id             INTEGER PRIMARY KEY,
  credential_id  TEXT    NOT NULL UNIQUE
                 CHECK (credential_id GLOB '[A-Z][A-Z][A-Z][A-Z][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]'),
  platform       TEXT    NOT NULL CHECK (platform IN ('mobile', 'desktop')),
  secret_sealed  TEXT    NOT NULL,
  key_id         TEXT    NOT NULL,
  status         TEXT    NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled')),
  last_step      INTEGER,
  drift          INTEGER NOT NULL DEFAULT 0,
  company_id     INTEGER REFERENCES companies(id),
  created_at     INTEGER NOT NULL
) STRICT;

-- 利用形態 (R5): 'individual' = A 「管理者、利用者が異なるトークンを利用する。」,
-- 'shared' = B 「管理者、利用者が同じトークンを利用する。」. otp_started_at is set
-- by the first registration of the administrator's (A) or the shared (B)
-- token and never cleared: there is no way back to the fixed password (R7).
ALTER TABLE companies ADD COLUMN usage_mode TEXT CHECK (usage_mode IN ('individual', 'shared'));
ALTER TABLE companies ADD COLUMN otp_started_at INTEGER;

-- Which token confirms whose transfers. In A one row per user (user_id set);
-- in B one row for the whole company (user_id NULL), serving every user,
-- present and future. A token is registered in one place at a time.
CREATE TABLE token_registrations (
  id             INTEGER PRIMARY KEY,
  company_id     INTEGER NOT NULL REFERENCES companies(id),
  user_id        INTEGER REFERENCES users(id),
  token_id       INTEGER NOT NULL UNIQUE REFERENCES tokens(id),
  registered_at  INTEGER NOT NULL,
  registered_by  TEXT    NOT NULL
) STRICT;
CREATE UNIQUE INDEX token_registrations_user ON token_registrations(user_id) WHERE user_id IS NOT NULL;
CREATE UNIQUE INDEX token_registrations_shared ON token_registrations(company_id) WHERE user_id IS NULL;

-- Q1: the paper request (書面) a branch records before unregistering an
-- administrator's or shared token, with the check of the 届出印.
CREATE TABLE paper_requests (
  id              INTEGER PRIMARY KEY,
  company_id      INTEGER NOT NULL REFERENCES companies(id),
  request_number  TEXT    NOT NULL,
  seal_verified   INTEGER NOT NULL CHECK (seal_verified = 1),
  credential_id   TEXT    NOT NULL,
  staff_id        TEXT    NOT NULL,
  recorded_at     INTEGER NOT NULL,
  UNIQUE (company_id, request_number)
) STRICT;
