import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type { ProbeReport } from './probe';
import type { Secrets } from './seed';

const PROBE = path.join(__dirname, 'probe.js');

/**
 * The runtime flags `npm start` and the Dockerfile give node (a unit test keeps
 * the three alike). V8's young generation otherwise grows to 3 × 16 MiB under
 * an allocation-heavy load and stays there (RSS growth of a run 85 MiB). 4 MiB
 * semi-spaces kept it near 40 MiB; 8 MiB halve the scavenges of 4 (GC was 10%
 * of a confirmation's CPU: confirm +5%, menu +1% in bench/ab.ts) and the
 * growth stays 41–56 MiB. The baseline server runs with them too, so ratios
 * compare alike.
 */
export const NODE_FLAGS = ['--max-semi-space-size=8'];

/** The app's settings in the benchmark: production, notices to the SMTP sink, logins not rate-limited; PostgreSQL when given a URL. */
export type AppEnv = (file: string, port: number, staffPort: number, databaseUrl?: string) => Record<string, string>;

export function appEnvFor(secrets: Secrets, smtpUrl: string, pgPoolSize: string): AppEnv {
  return (file, port, staffPort, databaseUrl) => ({
    NODE_ENV: 'production', HOST: '127.0.0.1', PORT: String(port), STAFF_HOST: '127.0.0.1', STAFF_PORT: String(staffPort),
    DATABASE_FILE: file, SECRET_KEY: secrets.secretKey, SESSION_SECRET: secrets.sessionSecret, SMTP_URL: smtpUrl,
    BCRYPT_COST: String(secrets.bcryptCost), LOGIN_RATE_LIMIT: '1000000', LOG_LEVEL: 'info',
    ...(databaseUrl ? { DATABASE_URL: databaseUrl, DATABASE_POOL_SIZE: pgPoolSize } : {}),
  });
}

/** `npm run cli -- migrate` of the build in `root` on a SQLite file, or on a PostgreSQL database when env carries DATABASE_URL. */
export function migrateApp(root: string, file: string, env: Record<string, string>): void {
  execFileSync(process.execPath, [path.join(root, 'dist', 'cli', 'index.js'), 'migrate'], {
    env: { ...process.env, ...env, DATABASE_FILE: file },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
}

export interface ServerHandle {
  name: string;
  port: number;
  base: string;
  log: string;
  /** Clears the event-loop delay histogram. */
  reset(): Promise<void>;
  report(): Promise<ProbeReport>;
  /** Starts a CPU profile in the server; stop() writes it to `file`. */
  profileStart(): Promise<void>;
  profileStop(file: string): Promise<void>;
  stop(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number, child: ChildProcess, log: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}; log:\n${tail(log)}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1', () => {
        socket.destroy();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`server did not listen on ${port}; log:\n${tail(log)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export const tail = (file: string): string => {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-30).join('\n');
  } catch {
    return '(no log)';
  }
};

function ask<T>(child: ChildProcess, message: string | object, type: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`probe did not answer ${message}`)), 10_000);
    const onMessage = (m: { type: string; report?: T }): void => {
      if (m.type !== type) return;
      clearTimeout(timer);
      child.off('message', onMessage);
      resolve(m.report as T);
    };
    child.on('message', onMessage);
    child.send(message);
  });
}

/**
 * Starts a server (the built app or a bench/ server) under the probe, pinned
 * to `cpus` with taskset when given, its output in a log file.
 */
export async function startServer(opts: {
  name: string;
  entry: string;
  env: Record<string, string>;
  cpus: string | null;
  logDir: string;
  /** Runtime flags instead of NODE_FLAGS (bench/ab.ts compares them). */
  flags?: string[];
}): Promise<ServerHandle> {
  const port = Number(opts.env.PORT);
  const log = path.join(opts.logDir, `${opts.name}.log`);
  const out = fs.openSync(log, 'a');
  const node = [process.execPath, ...(opts.flags ?? NODE_FLAGS), PROBE, opts.entry];
  const [command, ...args] = opts.cpus ? ['taskset', '-c', opts.cpus, ...node] : node;
  const child = spawn(command!, args, {
    env: { ...process.env, ...opts.env },
    stdio: ['ignore', out, out, 'ipc'],
  });
  fs.closeSync(out);
  await waitForPort(port, child, log);
  return {
    name: opts.name,
    port,
    base: `http://127.0.0.1:${port}`,
    log,
    reset: () => ask<void>(child, 'reset', 'reset'),
    report: () => ask<ProbeReport>(child, 'report', 'report'),
    profileStart: () => ask<void>(child, { profile: 'start' }, 'profiling'),
    profileStop: (file) => ask<void>(child, { profile: 'stop', file }, 'profiled'),
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        const force = setTimeout(() => child.kill('SIGKILL'), 15_000);
        child.once('exit', () => {
          clearTimeout(force);
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}
