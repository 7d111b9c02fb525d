import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { openDatabase, type Db } from '../../src/db/connection';
import { Checkpointer } from '../../src/db/checkpointer';

describe('background WAL checkpoints (issue 5: no checkpoint pauses on the event loop)', () => {
  let dir: string;
  let db: Db;
  const logger = pino({ level: 'silent' });
  const walFrames = (): number => (db.pragma('wal_checkpoint(NOOP)') as { log: number }[])[0]!.log;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'webfb-ckpt-'));
    db = openDatabase(path.join(dir, 'test.db'));
    db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT NOT NULL)');
  });
  afterEach(() => {
    if (db.open) db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const writeCommits = (n: number): void => {
    const insert = db.prepare('INSERT INTO t (body) VALUES (?)');
    for (let i = 0; i < n; i++) insert.run('x'.repeat(200));
  };

  test('when the checkpointer runs, then commits never checkpoint and the worker copies the WAL into the database', async () => {
    const checkpointer = await Checkpointer.start(db, path.join(dir, 'test.db'), logger, 60_000);
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(0);

    writeCommits(1500); // past SQLite's 1,000-page threshold: nothing was checkpointed by a commit
    expect(walFrames()).toBeGreaterThan(1000);
    const result = await checkpointer.now();

    expect(result.busy).toBe(0);
    expect(result.checkpointed).toBe(result.log);
    expect(result.log).toBeGreaterThan(1000);
    await checkpointer.stop();
  });

  test('when the worker dies, then the connection checkpoints by itself again', async () => {
    const checkpointer = await Checkpointer.start(db, path.join(dir, 'test.db'), logger, 60_000);
    await checkpointer.kill();
    await new Promise((r) => setImmediate(r));

    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
  });

  test('when it stops, then a last checkpoint leaves nothing in the WAL', async () => {
    const checkpointer = await Checkpointer.start(db, path.join(dir, 'test.db'), logger, 60_000);
    writeCommits(50);
    await checkpointer.stop();

    const state = (db.pragma('wal_checkpoint(NOOP)') as { log: number; checkpointed: number }[])[0]!;
    expect(state.checkpointed).toBe(state.log);
  });
});
