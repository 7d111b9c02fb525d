import express from 'express';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { newSupportId, requestLog, SUPPORT_ID_ALPHABET } from '../../src/web/requestLog';

interface LogLine {
  level: number;
  msg: string;
  req: { id: string; method: string; path: string };
  res: { statusCode: number };
  responseTime: number;
}

/** A promise with its resolver, so the test waits for an event instead of sleeping. */
function signal(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/**
 * The middleware alone in front of two routes: /quick answers at once, /slow
 * never answers on its own. Each route tells the test when the server has
 * closed its response; the middleware's listeners were attached first, so by
 * then its line is written.
 */
function world() {
  const lines: LogLine[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line) as LogLine) });
  const entered = signal();
  const closed = signal();
  const app = express();
  app.use(requestLog(logger));
  app.get('/quick', (_req, res) => {
    res.on('close', closed.resolve);
    res.send('ok');
  });
  app.get('/slow', (_req, res) => {
    res.on('close', closed.resolve);
    entered.resolve();
  });
  const server = http.createServer(app);
  return { lines, entered, closed, server };
}

describe('request log (issue 5): one line per request', () => {
  let server: http.Server | undefined;
  afterEach(async () => {
    const s = server;
    server = undefined;
    if (!s) return;
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  });

  async function listen(s: http.Server): Promise<string> {
    server = s;
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    return `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
  }

  test('when a client goes away before the response is finished, then one warning names the request without its query', async () => {
    const w = world();
    const base = await listen(w.server);
    const client = http.get(`${base}/slow?account=1234567&note=secret`);
    client.on('error', () => undefined); // the socket we destroy below reports ECONNRESET

    await w.entered.promise;
    client.destroy();
    await w.closed.promise;

    expect(w.lines).toHaveLength(1);
    const [line] = w.lines;
    expect(line).toMatchObject({ level: 40, msg: 'request aborted by the client', req: { method: 'GET', path: '/slow' } });
    expect(line!.req.id).toMatch(/^[2-9A-HJKMNP-TV-Z]{8}$/);
    expect(typeof line!.responseTime).toBe('number');
    expect(JSON.stringify(line)).not.toMatch(/account|secret|\?/);
  });

  test('when a request completes, then exactly one info line is written although finish and close both fire', async () => {
    const w = world();
    const base = await listen(w.server);

    const body = await new Promise<string>((resolve, reject) => {
      http.get(`${base}/quick?page=2`, (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () => resolve(text));
      }).on('error', reject);
    });
    await w.closed.promise;

    expect(body).toBe('ok');
    expect(w.lines).toHaveLength(1);
    expect(w.lines[0]).toMatchObject({ level: 30, msg: 'request completed', req: { method: 'GET', path: '/quick' }, res: { statusCode: 200 } });
  });
});

describe('お問い合わせ番号 (issue 15): short enough to read out on the phone', () => {
  test('when support ids are made, then each is 8 symbols of an alphabet without 0, O, 1, I, L or U, and they differ', () => {
    expect(SUPPORT_ID_ALPHABET).toHaveLength(30);
    expect(SUPPORT_ID_ALPHABET).not.toMatch(/[01OILU]/);
    const ids = Array.from({ length: 2000 }, newSupportId);
    for (const id of ids) expect(id).toMatch(/^[2-9A-HJKMNP-TV-Z]{8}$/);
    expect(new Set(ids).size).toBe(ids.length);
    // Every symbol turns up: the id is drawn from the whole alphabet, not a part of it.
    expect(new Set(ids.join('')).size).toBe(30);
  });
});
