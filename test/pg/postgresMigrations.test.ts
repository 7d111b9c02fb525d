import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { POSTGRES_MIGRATIONS_DIR, migratePostgres, migrationFiles } from '../../src/storage/postgresMigrate';
import { createTestSchema, type PgTestSchema } from '../helpers/pgCluster';

// PostgreSQL's migrations (issue 12): the schema of migrations/ in PostgreSQL's types.

let schema: PgTestSchema;
beforeEach(async () => {
  schema = await createTestSchema({ migrate: false });
});
afterEach(() => schema.drop());

const migrate = (dir?: string) => migratePostgres({ connectionString: schema.connectionString, searchPath: schema.schema, ...(dir ? { dir } : {}) });

it('when two nodes start together, then each migration runs once and both record the names SQLite records', async () => {
  const [first, second] = await Promise.all([migrate(), migrate()]);
  const all = migrationFiles(POSTGRES_MIGRATIONS_DIR);
  expect([...first!, ...second!].sort()).toEqual(all);
  expect(await migrate()).toEqual([]);
  const rows = await schema.storage().all<{ name: string }>('SELECT name FROM schema_migrations ORDER BY name');
  expect(rows.map((r) => r.name)).toEqual(migrationFiles(path.resolve(POSTGRES_MIGRATIONS_DIR, '..')));
});

it('when audit_log rows are updated, deleted or truncated, then PostgreSQL refuses (append-only, R11)', async () => {
  await migrate();
  const db = schema.storage();
  await db.run("INSERT INTO audit_log (occurred_at, actor_type, actor, event, outcome) VALUES (1, 'system', 'cli', 'migrate', 'success')");
  await expect(db.run("UPDATE audit_log SET outcome = 'failure'")).rejects.toThrow(/append-only/);
  await expect(db.run('DELETE FROM audit_log')).rejects.toThrow(/append-only/);
  await expect(db.run('TRUNCATE audit_log')).rejects.toThrow(/append-only/);
  expect(await db.get('SELECT count(*) AS n FROM audit_log')).toEqual({ n: 1 });
});

it('when a credential ID or a 有効期限 breaks its pattern, then the CHECK that was a GLOB refuses it', async () => {
  await migrate();
  const db = schema.storage();
  const insert = (credentialId: string, expiresOn: string) =>
    db.run("INSERT INTO tokens (credential_id, platform, secret_sealed, key_id, created_at, expires_on) VALUES (?, 'mobile', 's', 'k', 1, ?)", [credentialId, expiresOn]);
  await expect(insert('SYMC12345678', '2029-02-28')).resolves.toEqual({ changes: 1 });
  await expect(insert('symc12345679', '2029-02-28')).rejects.toThrow(/tokens_credential_id_check/);
  await expect(insert('SYMC1234567', '2029-02-28')).rejects.toThrow(/tokens_credential_id_check/);
  await expect(insert('SYMC12345670', '2029-2-28')).rejects.toThrow(/tokens_expires_on_check/);
});

it('when tokens exist before 0008, then each gets its JST day plus three years, and 29 February gives 28 February', async () => {
  const early = fs.mkdtempSync(path.join(os.tmpdir(), 'webfb-mig-'));
  try {
    for (const f of migrationFiles(POSTGRES_MIGRATIONS_DIR).filter((f) => f < '0008')) {
      fs.copyFileSync(path.join(POSTGRES_MIGRATIONS_DIR, f), path.join(early, f));
    }
    await migrate(early);
    const db = schema.storage();
    const token = (credentialId: string, createdAt: number) =>
      db.run("INSERT INTO tokens (credential_id, platform, secret_sealed, key_id, created_at, drift) VALUES (?, 'mobile', 's', 'k', ?, 3)", [credentialId, createdAt]);
    await token('SYMC00000001', Date.parse('2024-02-28T15:00:00Z')); // 2024-02-29 00:00 JST
    await token('SYMC00000002', Date.parse('2024-03-01T14:59:59Z')); // 2024-03-01 23:59:59 JST
    await migrate();
    expect(await db.all('SELECT credential_id AS credentialId, expires_on AS expiresOn, drift FROM tokens ORDER BY id')).toEqual([
      { credentialId: 'SYMC00000001', expiresOn: '2027-02-28', drift: 0 },
      { credentialId: 'SYMC00000002', expiresOn: '2027-03-01', drift: 0 },
    ]);
  } finally {
    fs.rmSync(early, { recursive: true, force: true });
  }
});
