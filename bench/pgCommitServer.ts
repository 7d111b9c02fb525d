import express from 'express';
import { Pool } from 'pg';

/**
 * PostgreSQL's commit bound (`--db postgres`): an Express server doing one
 * INSERT per request on a pool of the app's size (DATABASE_POOL_SIZE), each
 * its own durable transaction (synchronous_commit=on: answered after its WAL
 * flush), and nothing else. Unlike SQLite's bound (bench/fsyncServer.ts, one
 * fsync per row) concurrent commits here share WAL flushes, so this is what
 * a request that commits one row can reach on this disk through PostgreSQL.
 */
const url = process.env.DATABASE_URL;
if (!url) throw new Error('DATABASE_URL is required');
const pool = new Pool({ connectionString: url, max: Number(process.env.DATABASE_POOL_SIZE ?? 10), application_name: 'webfb-bench-commit' });

const app = express();
app.use(express.urlencoded({ extended: false, limit: '16kb' }));
app.post('/', (req, res, next) => {
  pool.query('INSERT INTO bench_writes (at, body) VALUES ($1, $2)', [Date.now(), JSON.stringify(req.body)]).then(
    () => res.type('text').send('ok'),
    next,
  );
});

const port = Number(process.env.PORT);
pool
  .query('CREATE TABLE IF NOT EXISTS bench_writes (id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, at BIGINT NOT NULL, body TEXT NOT NULL)')
  .then(() => app.listen(port, '127.0.0.1', () => process.send?.({ type: 'listening' })))
  .catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
