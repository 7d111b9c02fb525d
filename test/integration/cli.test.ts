import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCli } from '../../src/cli/run';
import { openDatabase, type Db } from '../../src/db/connection';
import { MIGRATIONS_DIR } from '../../src/db/migrate';
import { DEMO } from '../../src/demo/seed';
import { describeSqliteOnly } from '../helpers/engine';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

describeSqliteOnly('command-line tool (npm run cli)', 'reads the SQLite file the commands wrote; test/pg/cli.test.ts runs the commands on PostgreSQL', () => {
  let dir: string;
  let databaseFile: string;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'webfb-cli-'));
    databaseFile = path.join(dir, 'cli.db');
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function cli(...argv: string[]): Promise<Run> {
    return cliWith({}, ...argv);
  }

  async function cliWith(extraEnv: Record<string, string>, ...argv: string[]): Promise<Run> {
    let stdout = '';
    let stderr = '';
    const env = { NODE_ENV: 'test', DATABASE_FILE: databaseFile, BCRYPT_COST: '4', LOG_LEVEL: 'silent', ...extraEnv };
    const code = await runCli(argv, {
      env,
      stdout: { write: (t: string) => (stdout += t) },
      stderr: { write: (t: string) => (stderr += t) },
    });
    return { code, stdout, stderr };
  }

  /** Reads the file the CLI wrote with a connection of its own (the CLI closed its one). */
  function inDb<T>(read: (db: Db) => T): T {
    const db = openDatabase(databaseFile);
    try {
      return read(db);
    } finally {
      db.close();
    }
  }

  const staffRow = (staffId: string) =>
    inDb((db) => db.prepare(`SELECT s.staff_id AS staffId, s.name, s.password_hash AS hash, COALESCE(l.failures, 0) AS failures, l.locked_at AS lockedAt
      FROM staff s LEFT JOIN staff_locks l ON l.staff_id = s.id WHERE s.staff_id = ?`).get(staffId)) as
      | { staffId: string; name: string; hash: string; failures: number; lockedAt: number | null }
      | undefined;

  test('when migrate runs twice, then the schema is applied once and the second run says it is up to date', async () => {
    const first = await cli('migrate');
    expect(first).toMatchObject({ code: 0, stderr: '' });
    expect(first.stdout).toContain('Applied migration 0001_foundation.sql');
    const second = await cli('migrate');
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('up to date');
    expect(second.stdout).not.toContain('Applied migration');
    expect(inDb((db) => db.prepare('SELECT count(*) FROM schema_migrations').pluck().get())).toBe(fs.readdirSync(MIGRATIONS_DIR).filter((f) => f.endsWith('.sql')).length);
  });

  test('when staff add is given a good ID and password, then the account exists with a bcrypt hash and the password is not printed', async () => {
    const res = await cli('staff', 'add', 'madoguchi01', '--password', 'Good-Pass-123', '--name', '窓口 花子');
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('"madoguchi01"');
    expect(res.stdout + res.stderr).not.toContain('Good-Pass-123');
    const row = staffRow('madoguchi01')!;
    expect(row).toMatchObject({ name: '窓口 花子', failures: 0, lockedAt: null });
    expect(row.hash).toMatch(/^\$2[aby]\$04\$/);
    const audit = inDb((db) => db.prepare("SELECT actor, subject FROM audit_log WHERE event = 'staff.add'").all());
    expect(audit).toEqual([{ actor: 'cli', subject: 'madoguchi01' }]);
  });

  test('when staff add names an existing ID, then it is refused with exit code 1 and the first account is kept', async () => {
    await cli('staff', 'add', 'madoguchi01', '--password', 'Good-Pass-123');
    const before = staffRow('madoguchi01')!.hash;
    const res = await cli('staff', 'add', 'madoguchi01', '--password', 'Other-Pass-456');
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('already exists');
    expect(res.stderr).not.toContain('Other-Pass-456');
    expect(staffRow('madoguchi01')!.hash).toBe(before);
  });

  test.each([
    ['a weak password', ['staff', 'add', 'madoguchi02', '--password', 'password'], '英字と数字をそれぞれ1文字以上'],
    ['no password', ['staff', 'add', 'madoguchi02'], 'パスワードを入力してください。'],
    ['an invalid ID', ['staff', 'add', 'm!', '--password', 'Good-Pass-123'], '行員IDは半角英数字'],
    ['an unknown option', ['staff', 'add', 'madoguchi02', '--pass', 'Good-Pass-123'], 'Usage: staff add'],
    ['a missing ID', ['staff', 'add', '--password', 'Good-Pass-123'], 'Usage: staff add'],
  ])('when staff add gets %s, then it is refused with exit code 1 and no account is written', async (_case, argv, message) => {
    await cli('migrate');
    const res = await cli(...argv);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain(message);
    expect(res.stdout + res.stderr).not.toContain('Good-Pass-123');
    expect(inDb((db) => db.prepare('SELECT count(*) FROM staff').pluck().get())).toBe(0);
  });

  test('when staff unlock names a locked account, then the lock is lifted and the unlock is audited', async () => {
    await cli('staff', 'add', 'madoguchi01', '--password', 'Good-Pass-123');
    inDb((db) => db.prepare("INSERT INTO staff_locks (staff_id, kind, failures, locked_at) SELECT id, 'login', 6, 1 FROM staff WHERE staff_id = 'madoguchi01'").run());
    const res = await cli('staff', 'unlock', 'madoguchi01');
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('unlocked');
    expect(staffRow('madoguchi01')).toMatchObject({ failures: 0, lockedAt: null });
    const audit = inDb((db) => db.prepare("SELECT actor_type AS actorType, subject, detail FROM audit_log WHERE event = 'unlock'").all());
    expect(audit).toEqual([{ actorType: 'system', subject: 'madoguchi01', detail: 'staff' }]);
  });

  test('when staff unlock names an unknown account, then it fails with exit code 1', async () => {
    const res = await cli('staff', 'unlock', 'nobody');
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('No staff account "nobody"');
  });

  test('when seed-demo runs twice, then the demo contract is loaded once', async () => {
    const first = await cli('seed-demo');
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('Applied migration 0001_foundation.sql');
    expect(first.stdout).toContain('Demo data loaded');
    const second = await cli('seed-demo');
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('Demo data not loaded');
    expect(inDb((db) => db.prepare('SELECT name FROM companies').pluck().all())).toEqual([DEMO.companyName]);
    expect(staffRow(DEMO.staff.staffId)).toBeDefined();
    expect(first.stdout + second.stdout).not.toContain(DEMO.admin.password);
  });

  test('when demo mode is off, then seed-demo refuses to load the published demo credentials', async () => {
    const production = { NODE_ENV: 'production', SECRET_KEY: 'k'.repeat(44), SESSION_SECRET: 's'.repeat(44), SMTP_URL: 'smtp://127.0.0.1:2525' };
    const res = await cliWith(production, 'seed-demo');
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('Demo mode is off');
    expect(fs.existsSync(databaseFile)).toBe(false);
    expect((await cliWith({ ...production, DEMO: '1' }, 'seed-demo')).stdout).toContain('Demo data loaded');
  });

  test('when help is asked, then every command is listed; an unknown command fails with the list', async () => {
    const help = await cli('help');
    expect(help.code).toBe(0);
    for (const usage of ['migrate', 'seed-demo', 'staff add <staffId> --password P [--name N]', 'staff unlock <staffId>']) {
      expect(help.stdout).toContain(usage);
    }
    const unknown = await cli('frobnicate');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('Unknown command: frobnicate');
    expect(unknown.stderr).toContain('staff add');
    expect((await cli()).code).toBe(1);
  });

  test('when the configuration is invalid, then the command fails with the reason and exit code 1', async () => {
    let stderr = '';
    const code = await runCli(['migrate'], {
      env: { BCRYPT_COST: 'lots' },
      stdout: { write: () => true },
      stderr: { write: (t: string) => (stderr += t) },
    });
    expect(code).toBe(1);
    expect(stderr).toContain('BCRYPT_COST');
  });
});
