import fs from 'node:fs';
import { runCli } from '../../src/cli/run';
import { DEMO } from '../../src/demo/seed';
import { migrationFiles, POSTGRES_MIGRATIONS_DIR } from '../../src/storage/postgresMigrate';
import { createTestSchema, type PgTestSchema } from '../helpers/pgCluster';

// The command-line tool on PostgreSQL (issue 12): DATABASE_URL chooses the
// engine for every command, as it does for the service.

let schema: PgTestSchema;
beforeEach(async () => {
  schema = await createTestSchema({ migrate: false });
});
afterEach(() => schema.drop());

/** The tool run as an operator runs it on PostgreSQL: the nodes' DATABASE_URL, SECRET_KEY and SESSION_SECRET. */
async function cli(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return cliWithout({}, ...argv);
}

/** The same, with some variables taken away (set to undefined). */
async function cliWithout(without: Record<string, undefined>, ...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const env = { NODE_ENV: 'test', DATABASE_URL: schema.url, BCRYPT_COST: '4', LOG_LEVEL: 'silent', SECRET_KEY: 'k'.repeat(44), SESSION_SECRET: 's'.repeat(44), DEMO: '1', ...without };
  const code = await runCli(argv, { env, stdout: { write: (t: string) => (stdout += t) }, stderr: { write: (t: string) => (stderr += t) } });
  return { code, stdout, stderr };
}

describe('command-line tool on PostgreSQL (DATABASE_URL)', () => {
  test('when migrate runs twice, then migrations/postgres is applied once and the second run says the database is up to date', async () => {
    const first = await cli('migrate');
    expect(first).toMatchObject({ code: 0, stderr: '' });
    expect(first.stdout).toContain('Applied migration 0001_foundation.sql');
    expect(first.stdout).toContain(`${migrationFiles(POSTGRES_MIGRATIONS_DIR).length} migration(s) applied to PostgreSQL`);
    expect(first.stdout).not.toContain('webfb@'); // no credentials in the message
    const second = await cli('migrate');
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('up to date');
    expect(await schema.storage().get('SELECT count(*) AS n FROM schema_migrations')).toEqual({ n: migrationFiles(POSTGRES_MIGRATIONS_DIR).length });
  });

  test('when staff add, seed-demo and the token commands run, then they write to PostgreSQL as they do to SQLite', async () => {
    expect((await cli('staff', 'add', 'madoguchi01', '--password', 'Good-Pass-123', '--name', '窓口 花子')).code).toBe(0);
    expect((await cli('seed-demo')).stdout).toContain('Demo data loaded');
    expect((await cli('seed-demo')).stdout).toContain('Demo data not loaded');
    const provisioned = await cli('token', 'provision', '--platform', 'mobile');
    expect(provisioned.code).toBe(0);
    const listed = await cli('token', 'list');
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain(DEMO.tokens.admin.credentialId);
    const db = schema.storage();
    expect(await db.all('SELECT staff_id AS staffId FROM staff ORDER BY id')).toEqual([{ staffId: 'madoguchi01' }, { staffId: DEMO.staff.staffId }]);
    expect(await db.get('SELECT count(*) AS n FROM tokens')).toEqual({ n: Object.keys(DEMO.tokens).length + 1 });
  });

  test('when SECRET_KEY and SESSION_SECRET are missing, then the command is refused naming both, before the database is touched', async () => {
    const res = await cliWithout({ SECRET_KEY: undefined, SESSION_SECRET: undefined }, 'migrate');
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('Refusing to start on PostgreSQL (DATABASE_URL) without SECRET_KEY and SESSION_SECRET.');
    expect(await schema.storage().get("SELECT to_regclass('schema_migrations') AS t")).toEqual({ t: null });
  });

  test.each(['backup', 'repack'])('when %s is asked on PostgreSQL, then it refuses and points to pg_dump, without touching the database', async (command) => {
    const res = await cli(command, '/tmp/never-written.db');
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('pg_dump');
    expect(fs.existsSync('/tmp/never-written.db')).toBe(false);
    expect(await schema.storage().get("SELECT to_regclass('schema_migrations') AS t")).toEqual({ t: null });
  });
});
