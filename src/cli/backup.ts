import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { CliError, type Command } from './command';

/**
 * `backup <file>` (issue 12, operations): an online copy of the embedded
 * database with SQLite's backup API, safe while the service runs: the copy
 * is made inside one read transaction, so it is one consistent moment and
 * the service's writers go on (WAL). It is written beside the
 * target, checked (integrity_check), made durable, and only then renamed to
 * the name asked: a half-written file never carries the backup's name. An
 * existing file is never overwritten.
 */
export const backupCommand: Command = {
  name: 'backup',
  usage: 'backup <file>',
  summary: 'copy DATABASE_FILE to <file> while the service runs (SQLite online backup), then check the copy',
  args: 1,
  async run(ctx) {
    if (ctx.config().databaseUrl) {
      throw new CliError('backup copies the embedded SQLite database (DATABASE_FILE) with its online backup API; '
        + 'on PostgreSQL (DATABASE_URL) use pg_dump, or WAL archiving for point-in-time recovery (README).');
    }
    const target = path.resolve(ctx.args[0]!);
    if (fs.existsSync(target)) throw new CliError(`${target} exists; give a new file name (a backup never overwrites).`);
    if (!fs.existsSync(path.dirname(target))) throw new CliError(`The directory ${path.dirname(target)} does not exist.`);
    const source = path.resolve(ctx.config().databaseFile);
    if (source === target) throw new CliError('The backup cannot be the database file itself.');
    const { deps } = await ctx.open();
    if (!deps.sqlite) throw new CliError('backup copies the embedded SQLite database; on PostgreSQL use pg_dump (README).');
    const partial = `${target}.partial`;
    fs.rmSync(partial, { force: true });
    try {
      // Every page in one step: one read transaction, so one consistent moment,
      // and writers (WAL) are not held back; in small steps each write of the
      // service between two steps would start the copy over.
      const { totalPages } = await deps.sqlite.db.backup(partial, { progress: () => 0x7fffffff });
      const copy = new Database(partial);
      try {
        const check = copy.pragma('integrity_check', { simple: true });
        if (check !== 'ok') throw new CliError(`The copy failed its integrity check: ${String(check)}`);
        const counts = copy.prepare(`SELECT (SELECT count(*) FROM companies) AS companies,
          (SELECT count(*) FROM transfers) AS transfers, (SELECT count(*) FROM schema_migrations) AS migrations`).get() as
          { companies: number; transfers: number; migrations: number };
        copy.close();
        const fd = fs.openSync(partial, 'r');
        try {
          fs.fsyncSync(fd);
        } finally {
          fs.closeSync(fd);
        }
        fs.renameSync(partial, target);
        // The rename itself survives a power cut only once the directory is synced.
        const dir = fs.openSync(path.dirname(target), 'r');
        try {
          fs.fsyncSync(dir);
        } finally {
          fs.closeSync(dir);
        }
        ctx.print(
          `Backup written to ${target}: ${totalPages} pages, integrity ok; ${counts.companies} contract(s), ` +
            `${counts.transfers} transfer(s), ${counts.migrations} migration(s). Restore: stop the service, copy it to DATABASE_FILE, start.`,
        );
      } finally {
        if (copy.open) copy.close();
      }
    } finally {
      fs.rmSync(partial, { force: true });
    }
  },
};
