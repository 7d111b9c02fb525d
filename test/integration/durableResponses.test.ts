import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import type { Worker } from 'node:worker_threads';
import { createTestContext, type TestContext } from '../helpers/app';
import { FormClient } from '../helpers/client';
import { HeldWorker, settleCallbacks, state } from '../helpers/heldWalWorker';
import { describeSqliteOnly } from '../helpers/engine';

describeSqliteOnly('responses wait for durability (issue 11: no fsync on the event loop, no news before the disk has it)', 'SQLite\'s WAL sync: PostgreSQL\'s commit is durable when it returns', () => {
  let dir: string;
  let ctx: TestContext;
  let worker: HeldWorker;

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'durable-responses-'));
    const file = path.join(dir, 'webfb.db');
    ctx = await createTestContext({}, file);
    ctx.db.exec('CREATE TABLE scratch (x INTEGER)');
    worker = new HeldWorker();
    const started = ctx.sqlite.walSync.start(file, { spawn: () => worker as unknown as Worker });
    await settleCallbacks();
    worker.answer();
    await started;
  });

  afterEach(async () => {
    const stopped = ctx.sqlite.walSync.stop();
    await settleCallbacks();
    worker.answerAll();
    await stopped;
    ctx.db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const askedForSync = () => new Promise<void>((resolve) => worker.once('asked', () => resolve()));

  it('when nothing waits to be synced then a page is answered at once, with no sync asked', async () => {
    const client = new FormClient(ctx.app);
    worker.answerAll();
    await client.get('/login'); // the new session's save is a write
    worker.hold();
    const res = await client.get('/login');
    expect(res.status).toBe(200);
    expect(worker.asked).toHaveLength(0);
  });

  it('when a commit is visible but not yet synced then a page that may show it waits for the sync', async () => {
    ctx.db.prepare('INSERT INTO scratch (x) VALUES (1)').run();
    const asked = askedForSync();
    const page = request(ctx.app).get('/login').then((res) => res);
    const s = state(page);
    await asked;
    await settleCallbacks();
    expect(s.done).toBe(false);
    worker.answerAll(); // this one, and the session's save that follows
    const res = await page;
    expect(res.status).toBe(200);
    expect(res.text).toContain('ログイン');
  });

  it('when a wrong login is counted then its answer leaves only after the count is synced', async () => {
    const client = new FormClient(ctx.app);
    worker.answerAll();
    await client.get('/login');
    worker.hold();
    const asked = askedForSync();
    const login = client.post('/login', { loginId: 'nobody', password: 'wrong-password-1' }).then((res) => res);
    const s = state(login);
    await asked;
    await settleCallbacks();
    expect(s.done).toBe(false);
    worker.answerAll();
    const res = await login;
    expect([401, 403]).toContain(res.status);
  });

  it('when the sync fails then the response is dropped, never sent', async () => {
    ctx.db.prepare('INSERT INTO scratch (x) VALUES (1)').run();
    const asked = askedForSync();
    const page = request(ctx.app).get('/login').then(
      (res) => ({ status: res.status }),
      (err: Error) => ({ error: err.message }),
    );
    await asked;
    worker.answer('failed');
    expect(await page).toEqual({ error: expect.stringMatching(/socket hang up|ECONNRESET/) });
  });
});
