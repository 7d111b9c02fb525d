import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';

export type Db = Database.Database;

/**
 * The page size of a database this service creates. A confirmation changes
 * about ten rows that lie far apart — the transfer and its indexes, the
 * company's balance, the token, the session, the rate-limit count, the audit
 * and outbox rows' company indexes — and a WAL commit writes every page it
 * changed whole, so each of those rows costs a page of WAL, of fdatasync and
 * of checkpoint. 2 KiB pages halve those bytes against SQLite's 4 KiB and
 * still hold a notice's row (about 1.2 KiB) without an overflow page, which 1
 * KiB pages do not. Measured with `npm run bench:ab`, each build on its own
 * newly seeded database: confirmations +10–14% (1 KiB: +8%), the menu +2–4%
 * (issue 11) — a figure that includes the checkpoint, which there runs during
 * the measured slices; in `npm run bench`, whose checkpoint finishes between
 * its confirmation windows, +0–6% (README, Performance). An existing database keeps the page size it was created with
 * (SQLite changes it only by a VACUUM outside WAL mode; README, Operations).
 */
export const PAGE_SIZE = 2048;

/**
 * Opens the database with the settings a bank ledger needs: WAL for concurrent
 * readers, synchronous=FULL so that a confirmed transfer survives a power cut,
 * foreign keys enforced and a busy timeout instead of immediate SQLITE_BUSY.
 * A new database gets PAGE_SIZE (set before WAL, while the file is empty).
 */
export function openDatabase(file: string): Db {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const db = new Database(file);
  db.pragma(`page_size = ${PAGE_SIZE}`);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  return db;
}
