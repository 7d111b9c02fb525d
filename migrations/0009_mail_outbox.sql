-- E-mail notices (issue 14): addresses, the address-change codes, the
-- transactional outbox the notices are written to, and the demo mailbox.

-- A user's e-mail address, stored normalised (NFKC, trimmed, lower case); NULL: none given.
ALTER TABLE users ADD COLUMN email TEXT CHECK (email IS NULL OR (length(email) BETWEEN 3 AND 254 AND email = lower(email)));

-- A user's own address change waiting for the code sent to the new address (one per user).
CREATE TABLE email_changes (
  user_id     INTEGER PRIMARY KEY REFERENCES users(id),
  email       TEXT    NOT NULL,
  code_hash   TEXT    NOT NULL,
  attempts    INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  created_at  INTEGER NOT NULL,
  expires_at  INTEGER NOT NULL
) STRICT;

-- The transactional outbox (R16): each notice is inserted in the transaction of
-- the event it reports, and delivered later by the worker (src/mail/worker.ts).
-- A worker claims a row by setting lease_owner/lease_until in one statement;
-- a lease that runs out (the worker died) makes the row claimable again.
CREATE TABLE mail_outbox (
  id               INTEGER PRIMARY KEY,
  company_id       INTEGER REFERENCES companies(id),
  user_id          INTEGER REFERENCES users(id),
  kind             TEXT    NOT NULL,
  recipient        TEXT    NOT NULL,
  subject          TEXT    NOT NULL,
  body             TEXT    NOT NULL,
  message_id       TEXT    NOT NULL UNIQUE,
  status           TEXT    NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
  attempts         INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  next_attempt_at  INTEGER NOT NULL,
  lease_owner      TEXT,
  lease_until      INTEGER,
  last_error       TEXT,
  created_at       INTEGER NOT NULL,
  sent_at          INTEGER
) STRICT;
CREATE INDEX mail_outbox_due ON mail_outbox(next_attempt_at, id) WHERE status = 'pending';
CREATE INDEX mail_outbox_company ON mail_outbox(company_id, status, id);
-- /healthz counts what is not sent (pending, failed) without reading the sent ones.
CREATE INDEX mail_outbox_status ON mail_outbox(status, created_at);
-- The spacing of repeated notices of one kind to one user (a replayed code).
CREATE INDEX mail_outbox_user_kind ON mail_outbox(user_id, kind, created_at);

-- Demo mode without SMTP_URL: what would have gone out, shown on /staff/mail.
CREATE TABLE mail_mailbox (
  id            INTEGER PRIMARY KEY,
  outbox_id     INTEGER NOT NULL REFERENCES mail_outbox(id),
  message_id    TEXT    NOT NULL,
  recipient     TEXT    NOT NULL,
  subject       TEXT    NOT NULL,
  body          TEXT    NOT NULL,
  delivered_at  INTEGER NOT NULL
) STRICT;
