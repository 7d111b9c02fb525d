import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCli } from '../../src/cli/run';
import { openDatabase } from '../../src/db/connection';
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

  test('when the target exists, then nothing is overwritten and the operator is told why', async () => {
    expect((await cli('migrate')).code).toBe(0);
    const target = path.join(dir, 'exists.db');
    fs.writeFileSync(target, 'keep me');
    const run = await cli('backup', target);
    expect(run.code).toBe(1);
    expect(run.err).toContain('never overwrites');
    expect(fs.readFileSync(target, 'utf8')).toBe('keep me');
  });

  test('when the target is the database itself or its directory is missing, then the backup is refused', async () => {
    expect((await cli('migrate')).code).toBe(0);
    expect((await cli('backup', path.join(dir, 'missing', 'copy.db'))).err).toContain('does not exist');
    expect((await cli('backup')).code).toBe(1);
  });
});
