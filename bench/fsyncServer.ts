import express from 'express';
import Database from 'better-sqlite3';

/**
 * The durability bound: an Express server doing one synchronous=FULL
 * transaction (one row, one fsync of the WAL) per request and nothing else —
 * what a request that commits on its own can reach on this disk.
 */
const file = process.env.DATABASE_FILE;
if (!file) throw new Error('DATABASE_FILE is required');
const db = new Database(file);
db.pragma('journal_mode = WAL');
db.pragma('synchronous = FULL');
db.exec('CREATE TABLE IF NOT EXISTS writes (id INTEGER PRIMARY KEY, at INTEGER NOT NULL, body TEXT NOT NULL)');
const insert = db.prepare('INSERT INTO writes (at, body) VALUES (?, ?)');

const app = express();
app.use(express.urlencoded({ extended: false, limit: '16kb' }));
app.post('/', (req, res) => {
  db.transaction(() => insert.run(Date.now(), JSON.stringify(req.body)))();
  res.type('text').send('ok');
});

const port = Number(process.env.PORT);
app.listen(port, '127.0.0.1', () => process.send?.({ type: 'listening' }));
