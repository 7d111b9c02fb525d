import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { csrfTokenOf } from './client';
import { CookieJar } from './cookieJar';

const ROOT = path.resolve(__dirname, '..', '..');
const SERVER = path.join(ROOT, 'dist', 'server.js');

/** A port nobody listens on now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export interface AppNode {
  /** http://127.0.0.1:PORT of the customer site. */
  base: string;
  staffBase: string;
  /** What the process printed, for a failing test's message. */
  output(): string;
  /** SIGTERM, then waits for the exit (SIGKILL after 10 s). */
  stop(): Promise<void>;
}

/**
 * Starts the built service (dist/server.js — `npm run build` first) as a
 * process of its own, as an operator runs a node, and waits until /healthz
 * answers 200. `env` is the node's configuration (DATABASE_URL, the shared
 * SECRET_KEY and SESSION_SECRET …); `nodeArgs` go to node before the script
 * (`npm start`'s `--max-semi-space-size=4`).
 */
export async function startNode(env: Record<string, string>, nodeArgs: string[] = []): Promise<AppNode> {
  if (!fs.existsSync(SERVER)) throw new Error('dist/server.js is missing: run `npm run build` first (npm run test:pg does)');
  const [port, staffPort] = [await freePort(), await freePort()];
  let output = '';
  const child: ChildProcess = spawn(process.execPath, [...nodeArgs, SERVER], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', STAFF_HOST: '127.0.0.1', PORT: String(port), STAFF_PORT: String(staffPort), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const base = `http://127.0.0.1:${port}`;
  await untilHealthy(child, base, 20_000, 'node', () => output);
  return {
    base,
    staffBase: `http://127.0.0.1:${staffPort}`,
    output: () => output,
    stop: () => stopChild(child, 10_000),
  };
}

/**
 * Waits until `base`/healthz answers 200; a child that exits first, or does not
 * answer within `timeoutMs` (then killed), fails with `what` and its output.
 */
export async function untilHealthy(child: ChildProcess, base: string, timeoutMs: number, what: string, output: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${what} exited with ${child.exitCode}:\n${output()}`);
    if (await fetch(`${base}/healthz`).then((r) => r.status === 200, () => false)) return;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${what} did not answer /healthz within ${timeoutMs / 1000} s:\n${output()}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** SIGTERM, then waits for the exit (SIGKILL after `forceAfterMs`); at once when the child has already exited. */
export function stopChild(child: ChildProcess, forceAfterMs: number): Promise<void> {
  return new Promise<void>((resolve) => {
    if (child.exitCode !== null) return resolve();
    const force = setTimeout(() => child.kill('SIGKILL'), forceAfterMs);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

export interface HttpAnswer {
  status: number;
  location: string | null;
  text: string;
}

/**
 * A browser's session across nodes: one cookie jar (the session cookie, as a
 * load balancer without stickiness would pass it to any node) and the last
 * CSRF token seen; every request names the node it goes to.
 */
export class NodeClient {
  private readonly cookies = new CookieJar();
  private token: string | undefined;

  /** The Cookie header this client sends now: what an attacker who copied it could replay. */
  cookieHeader(): string | undefined {
    return this.cookies.headers().cookie;
  }

  async get(base: string, pathname: string): Promise<HttpAnswer> {
    const answer = await this.send(base, pathname, { method: 'GET' });
    this.token = csrfTokenOf(answer.text) ?? this.token;
    return answer;
  }

  post(base: string, pathname: string, fields: Record<string, string>): Promise<HttpAnswer> {
    const body = new URLSearchParams({ ...(this.token ? { _csrf: this.token } : {}), ...fields });
    return this.send(base, pathname, { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  }

  async login(base: string, loginId: string, password: string): Promise<HttpAnswer> {
    await this.get(base, '/login');
    const answer = await this.post(base, '/login', { loginId, password });
    this.token = undefined; // a new session, a new token
    return answer;
  }

  private async send(base: string, pathname: string, init: RequestInit): Promise<HttpAnswer> {
    const res = await fetch(`${base}${pathname}`, {
      ...init,
      redirect: 'manual',
      headers: this.cookies.headers(init.headers as Record<string, string> | undefined),
    });
    this.cookies.take(res);
    return { status: res.status, location: res.headers.get('location'), text: await res.text() };
  }
}

/**
 * A new database on the test cluster (scripts/with-postgres.sh), migrated, for
 * tests whose nodes are separate processes: they are given its URL, so they
 * share nothing with other tests' schemas. Its URL keeps the cluster's
 * socket (`postgres://webfb@/webfb?host=/tmp/…`, not a WHATWG URL).
 */
export async function createNodesDatabase(prefix: string): Promise<string> {
  const { adminQuery, databaseUrl } = await import('./pgCluster');
  const { migratePostgres } = await import('../../src/storage/postgresMigrate');
  const name = `${prefix}_${process.pid}_${Math.random().toString(16).slice(2, 8)}`;
  await adminQuery(databaseUrl(), `CREATE DATABASE ${name}`);
  const url = databaseUrl().replace(/^(postgres(?:ql)?:\/\/[^/]*\/)[^?]*/, `$1${name}`);
  await migratePostgres({ connectionString: url });
  return url;
}
