import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { PAGE_SIZE } from '../db/connection';
import type { SqliteStorage } from '../storage/sqlite';
import { CliError, type Command, type CommandContext } from './command';

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
    await copyDatabase(ctx, 'backup', async (sqlite, partial) => {
      // Every page in one step: one read transaction, so one consistent moment,
      // and writers (WAL) are not held back; in small steps each write of the
      // service between two steps would start the copy over.
      await sqlite.db.backup(partial, { progress: () => 0x7fffffff });
    });
  },
};

/**
 * `repack <file>`: the same online copy written anew by SQLite (VACUUM
 * INTO) with the page size this service gives a new database (PAGE_SIZE,
 * src/db/connection.ts), defragmented. A database created before 2 KiB pages
 * keeps its 4 KiB pages for good; this is how it changes them: repack, stop
 * the service, put the copy in DATABASE_FILE's place, start (README).
 */
export const repackCommand: Command = {
  name: 'repack',
  usage: 'repack <file>',
  summary: `copy DATABASE_FILE to <file> while the service runs, rewritten with ${PAGE_SIZE}-byte pages (VACUUM INTO), then check the copy`,
  args: 1,
  async run(ctx) {
    await copyDatabase(ctx, 'repack', (sqlite, partial) => {
      // VACUUM runs outside any transaction; the page size is what VACUUM INTO gives its copy (the live
      // database's own stays as it is in WAL mode).
      sqlite.settleReads();
      sqlite.db.pragma(`page_size = ${PAGE_SIZE}`);
      sqlite.db.prepare('VACUUM INTO ?').run(partial);
    });
  },
};

/**
 * What backup and repack share: the refusals, the copy written beside the
 * target, its integrity check, fsync, rename and directory sync.
 */
async function copyDatabase(ctx: CommandContext, name: string, write: (sqlite: SqliteStorage, partial: string) => Promise<void> | void): Promise<void> {
  if (ctx.config().databaseUrl) {
    throw new CliError(`${name} copies the embedded SQLite database (DATABASE_FILE); `
      + 'on PostgreSQL (DATABASE_URL) use pg_dump, or WAL archiving for point-in-time recovery (README).');
  }
  const target = path.resolve(ctx.args[0]!);
  if (fs.existsSync(target)) throw new CliError(`${target} exists; give a new file name (a ${name} never overwrites).`);
  if (!fs.existsSync(path.dirname(target))) throw new CliError(`The directory ${path.dirname(target)} does not exist.`);
  const source = path.resolve(ctx.config().databaseFile);
  if (source === target) throw new CliError(`The ${name} cannot be the database file itself.`);
  const { deps } = await ctx.open();
  if (!deps.sqlite) throw new CliError(`${name} copies the embedded SQLite database; on PostgreSQL use pg_dump (README).`);
  const partial = `${target}.partial`;
  fs.rmSync(partial, { force: true });
  try {
    await write(deps.sqlite, partial);
    const copy = new Database(partial);
    try {
      const check = copy.pragma('integrity_check', { simple: true });
      if (check !== 'ok') throw new CliError(`The copy failed its integrity check: ${String(check)}`);
      const pages = copy.pragma('page_count', { simple: true }) as number;
      const pageSize = copy.pragma('page_size', { simple: true }) as number;
      const counts = copy.prepare(`SELECT (SELECT count(*) FROM companies) AS companies,
        (SELECT count(*) FROM transfers) AS transfers, (SELECT count(*) FROM schema_migrations) AS migrations`).get() as
        { companies: number; transfers: number; migrations: number };
      copy.close();
      syncFile(partial);
      fs.renameSync(partial, target);
      // The rename itself survives a power cut only once the directory is synced.
      syncFile(path.dirname(target));
      ctx.print(
        `${name === 'backup' ? 'Backup' : 'Repacked copy'} written to ${target}: ${pages} pages of ${pageSize} bytes, integrity ok; ` +
          `${counts.companies} contract(s), ${counts.transfers} transfer(s), ${counts.migrations} migration(s). ` +
          'Restore: stop the service, copy it to DATABASE_FILE, start.',
      );
    } finally {
      if (copy.open) copy.close();
    }
  } finally {
    fs.rmSync(partial, { force: true });
  }
}

function syncFile(file: string): void {
  const fd = fs.openSync(file, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}
