import { OutboxRepository } from '../../src/repositories/outbox';
import { createTestSchema, type PgTestSchema } from '../helpers/pgCluster';

// The outbox claim on several nodes (issue 12, issue 14): one UPDATE … WHERE id IN
// (SELECT … LIMIT n) RETURNING in a SERIALIZABLE transaction hands each row to one node.

let schema: PgTestSchema;
beforeEach(async () => {
  schema = await createTestSchema();
});
afterEach(() => schema.drop());

const NOW = 1_780_000_000_000;

test('when four nodes claim the same due rows at once, again and again, then every row is claimed exactly once', async () => {
  const nodes = [1, 2, 3, 4].map(() => schema.storage());
  const outbox = new OutboxRepository(nodes[0]!);
  const ids: number[] = [];
  for (let i = 0; i < 40; i++) {
    ids.push(...(await outbox.insert([{ companyId: null, userId: null, kind: 'test', recipient: `r${i}@example.jp`, subject: 's', body: 'b', messageId: `<m${i}@example.jp>`, createdAt: NOW - 1000 }])));
  }

  const claimed: number[][] = [[], [], [], []];
  await Promise.all(
    nodes.map(async (storage, n) => {
      const repo = new OutboxRepository(storage);
      for (;;) {
        const rows = await storage.transaction(() => repo.claim(`node${n}`, NOW, 60_000, 3));
        if (rows.length === 0) return;
        claimed[n]!.push(...rows.map((r) => r.id));
      }
    }),
  );

  expect(claimed.flat().sort((a, b) => a - b)).toEqual(ids);
  const leases = await nodes[0]!.all<{ leaseUntil: number; attempts: number }>('SELECT lease_until AS leaseUntil, attempts FROM mail_outbox');
  expect(leases.every((r) => r.leaseUntil === NOW + 60_000 && r.attempts === 1)).toBe(true);
});
