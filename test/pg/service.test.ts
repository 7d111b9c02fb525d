import request from 'supertest';
import { loadConfig } from '../../src/config';
import { systemClock } from '../../src/clock';
import { createDeps } from '../../src/deps';
import { DEMO, seedDemoIfEmpty } from '../../src/demo/seed';
import { createLogger } from '../../src/logger';
import { startService, type RunningService } from '../../src/service';
import { migratePostgres } from '../../src/storage/postgresMigrate';
import { adminQuery, createTestSchema, type PgTestSchema } from '../helpers/pgCluster';

// The service on PostgreSQL (issue 12): DATABASE_URL chooses the engine, nodes
// starting together migrate and load the demo once, /healthz follows the database.

let schema: PgTestSchema;
const running: RunningService[] = [];
beforeEach(async () => {
  schema = await createTestSchema({ migrate: false });
});
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.stop()));
  await schema.drop();
});

async function node(env: Record<string, string> = {}): Promise<RunningService> {
  // Both secrets, as every node on PostgreSQL must have (the start is refused without them).
  const config = loadConfig({ NODE_ENV: 'test', BCRYPT_COST: '4', PORT: '0', STAFF_PORT: '0', DATABASE_URL: schema.url, DEMO: '1', SECRET_KEY: 'k'.repeat(44), SESSION_SECRET: 's'.repeat(44), ...env });
  const service = await startService(config, createLogger('silent'));
  running.push(service);
  return service;
}

const siteOf = (service: RunningService) => `http://127.0.0.1:${service.customer.port}`;

describe('the service on PostgreSQL (DATABASE_URL)', () => {
  test('when two nodes start together on an empty database, then both migrate it once, the demo is loaded once, and both serve it', async () => {
    const nodes = await Promise.all([node(), node()]);
    const check = schema.storage();
    expect(await check.get('SELECT count(*) AS n FROM companies')).toEqual({ n: 1 });
    expect(await check.get("SELECT count(*) AS n FROM users WHERE login_id LIKE 'demo-%'")).toEqual({ n: 3 });
    expect(await check.get('SELECT count(*) AS n FROM tokens')).toEqual({ n: Object.keys(DEMO.tokens).length });
    expect(await check.get("SELECT count(*) AS n FROM audit_log WHERE event = 'contract.open'")).toEqual({ n: 1 });
    for (const service of nodes) {
      const res = await request(siteOf(service)).get('/healthz');
      expect(res.status).toBe(200);
      expect(res.body.status).toBe('ok');
    }
  });

  test('when three nodes seed the demo at the same moment, then exactly one loads it and the others find it loaded', async () => {
    await migratePostgres({ connectionString: schema.url });
    const config = loadConfig({ NODE_ENV: 'test', BCRYPT_COST: '4', DEMO: '1', SECRET_KEY: 'k'.repeat(44) });
    const logger = createLogger('silent');
    const nodes = [1, 2, 3].map(() => createDeps(config, schema.storage(), systemClock, logger));
    expect((await Promise.all(nodes.map((deps) => seedDemoIfEmpty(deps)))).sort()).toEqual([false, false, true]);
    expect(await nodes[0]!.storage.get('SELECT count(*) AS n FROM users')).toEqual({ n: 3 });
    expect(await nodes[0]!.storage.get('SELECT count(*) AS n FROM staff')).toEqual({ n: 1 });
  });

  test('when a node starts on a database that holds a contract, then the demo is not loaded again', async () => {
    await node();
    await node();
    expect(await schema.storage().get('SELECT count(*) AS n FROM companies')).toEqual({ n: 1 });
  });

  test('when the database goes away and comes back, then /healthz answers 503 (the page of StorageUnavailableError) and then 200 again', async () => {
    const database = `down_${schema.schema}`;
    const url = schema.connectionString.replace(/\/webfb(\?|$)/, `/${database}$1`);
    await adminQuery(schema.connectionString, `CREATE DATABASE ${database}`);
    try {
      const service = await node({ DATABASE_URL: url, DEMO: '0' });
      await request(siteOf(service)).get('/healthz').expect(200);
      await adminQuery(schema.connectionString, `DROP DATABASE ${database} WITH (FORCE)`);
      const down = await request(siteOf(service)).get('/healthz');
      expect(down.status).toBe(503);
      expect(down.text).toContain('ただいまシステムに接続できないため');
      await adminQuery(schema.connectionString, `CREATE DATABASE ${database}`);
      await migratePostgres({ connectionString: url });
      await request(siteOf(service)).get('/healthz').expect(200);
    } finally {
      await Promise.all(running.splice(0).map((s) => s.stop()));
      await adminQuery(schema.connectionString, `DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    }
  });
});
