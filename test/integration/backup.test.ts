import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCli } from '../../src/cli/run';
import Database from 'better-sqlite3';
import { openDatabase, PAGE_SIZE } from '../../src/db/connection';
import { DEMO } from '../../src/demo/seed';
import { createTestContext } from '../helpers/app';
import { FormClient } from '../helpers/client';
import { describeSqliteOnly } from '../helpers/engine';

describeSqliteOnly('online backup of the embedded database (issue 12: npm run cli -- backup <file>)', 'SQLite\'s online backup API; PostgreSQL is backed up with pg_dump', () => {
  let dir: string;
  let databaseFile: string;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'webfb-backup-'));
    databaseFile = path.join(dir, 'live.db');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
    let out = '';
    let err = '';
    const code = await runCli(argv, {
      env: { NODE_ENV: 'test', DEMO: '1', DATABASE_FILE: databaseFile, BCRYPT_COST: '4', LOG_LEVEL: 'silent' },
      stdout: { write: (t: string) => (out += t) },
      stderr: { write: (t: string) => (err += t) },
    });
    return { code, out, err };
  }

  test('when the service writes during the backup, then the copy is one consistent moment, and restoring it gives a working service', async () => {
    expect((await cli('seed-demo')).code).toBe(0);
    // The running service: its own connection, writing audit rows all along.
    const service = openDatabase(databaseFile);
    const write = service.prepare("INSERT INTO audit_log (occurred_at, actor_type, actor, event, outcome) VALUES (?, 'system', 'probe', 'backupProbe', 'success')");
    const count = () => service.prepare("SELECT count(*) FROM audit_log WHERE event = 'backupProbe'").pluck().get() as number;
    service.transaction(() => {
      for (let i = 0; i < 2000; i++) write.run(i); // enough pages that the copy takes more than a moment
    })();
    let writing = true;
    const writer = (async () => {
      while (writing) {
        write.run(Date.now());
        await new Promise((r) => setImmediate(r));
      }
    })();
    const before = count();
    const target = path.join(dir, 'copy.db');
    const run = await cli('backup', target);
    writing = false;
    await writer;
    const after = count();
    service.close();

    expect(run.err).toBe('');
    expect(run.code).toBe(0);
    expect(run.out).toMatch(/integrity ok; 1 contract\(s\)/);
    expect(fs.existsSync(`${target}.partial`)).toBe(false);
    const copy = openDatabase(target);
    const copied = copy.prepare("SELECT count(*) FROM audit_log WHERE event = 'backupProbe'").pluck().get() as number;
    expect(copy.pragma('integrity_check', { simple: true })).toBe('ok');
    copy.close();
    expect(copied).toBeGreaterThanOrEqual(before);
    expect(copied).toBeLessThanOrEqual(after);

    // Restored: the demo administrator signs in on the copy.
    const restored = await createTestContext({}, target);
    const client = new FormClient(restored.app);
    const login = await client.login(DEMO.admin.loginId, DEMO.admin.password);
    expect(login.status).toBe(303);
    expect(login.headers.location).toBe('/');
    restored.db.close();
  });

  test('when a database made with 4 KiB pages is repacked while the service has it open, then the copy has PAGE_SIZE pages, every row, and serves', async () => {
    // A database as this service created them before 2 KiB pages.
    const older = new Database(databaseFile);
    older.pragma('page_size = 4096');
    older.pragma('journal_mode = WAL');
    older.close();
    expect((await cli('seed-demo')).code).toBe(0);
    const service = openDatabase(databaseFile);
    expect(service.pragma('page_size', { simple: true })).toBe(4096);
    const write = service.prepare("INSERT INTO audit_log (occurred_at, actor_type, actor, event, outcome) VALUES (?, 'system', 'probe', 'repackProbe', 'success')");
    service.transaction(() => {
      for (let i = 0; i < 2000; i++) write.run(i);
    })();
    const tables = ['companies', 'users', 'tokens', 'token_registrations', 'transfers', 'audit_log'];
    const counts = (db: Database.Database): number[] => tables.map((t) => db.prepare(`SELECT count(*) FROM ${t}`).pluck().get() as number);
    const before = counts(service);

    const target = path.join(dir, 'repacked.db');
    const run = await cli('repack', target);
    write.run(Date.now()); // the service goes on writing to its own file
    service.close();

    expect(run.err).toBe('');
    expect(run.code).toBe(0);
    expect(run.out).toMatch(new RegExp(`Repacked copy written to .*: \\d+ pages of ${PAGE_SIZE} bytes, integrity ok; 1 contract\\(s\\)`));
    expect(fs.existsSync(`${target}.partial`)).toBe(false);
    const copy = openDatabase(target);
    expect(copy.pragma('page_size', { simple: true })).toBe(PAGE_SIZE);
    expect(copy.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(counts(copy)).toEqual(before);
    copy.close();

    const restored = await createTestContext({}, target);
    const client = new FormClient(restored.app);
    const login = await client.login(DEMO.admin.loginId, DEMO.admin.password);
    expect(login.headers.location).toBe('/');
    restored.db.close();
  });

  test('when the target exists, then nothing is overwritten and the operator is told why', async () => {
    expect((await cli('migrate')).code).toBe(0);
    const target = path.join(dir, 'exists.db');
    fs.writeFileSync(target, 'keep me');
    for (const command of ['backup', 'repack']) {
      const run = await cli(command, target);
      expect(run.code).toBe(1);
      expect(run.err).toContain('never overwrites');
    }
    expect(fs.readFileSync(target, 'utf8')).toBe('keep me');
  });

  test('when the target is the database itself or its directory is missing, then the backup is refused', async () => {
    expect((await cli('migrate')).code).toBe(0);
    expect((await cli('backup', path.join(dir, 'missing', 'copy.db'))).err).toContain('does not exist');
    expect((await cli('backup')).code).toBe(1);
  });
});
